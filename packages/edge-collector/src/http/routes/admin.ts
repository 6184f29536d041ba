import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import { requireAdminToken } from '../admin-auth.ts';
import { adminKeyRoutes } from './admin-keys.ts';
import { adminSiteRoutes } from './admin-sites.ts';
import { createSite } from './admin-sites-create.ts';

/** The operator's router: `/v1/admin/*`, all behind the admin token. */
export function adminRoutes(deps: AppDeps): Hono {
  return new Hono()
    .use(requireAdminToken(deps.config))
    .post('/sites', createSite(deps))
    .route('/sites', adminSiteRoutes(deps))
    .route('/sites/:siteId/keys', adminKeyRoutes(deps));
}
