import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import { requireAdminToken } from '../admin-auth.ts';
import { limitBody } from '../validate.ts';
import { adminKeyRoutes } from './admin-keys.ts';
import { adminSiteRoutes } from './admin-sites.ts';
import { createSite } from './admin-sites-create.ts';

/**
 * Room for a site with every list at its longest (500 ignored identifiers, 100 origins); without
 * a limit a streamed body would be read whole.
 */
const MAX_BODY_BYTES = 256 * 1024;

/** The operator's router: `/v1/admin/*`, all behind the admin token, bodies limited. */
export function adminRoutes(deps: AppDeps): Hono {
  return new Hono()
    .use(requireAdminToken(deps.config))
    .use(limitBody(MAX_BODY_BYTES))
    .post('/sites', createSite(deps))
    .route('/sites', adminSiteRoutes(deps))
    .route('/sites/:siteId/keys', adminKeyRoutes(deps));
}
