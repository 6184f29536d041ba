import {
  listSitesQuerySchema,
  type Site,
  type SiteList,
  toFieldErrors,
  updateSiteSchema,
} from '@leadloop/schema';
import { Hono } from 'hono';
import type { z } from 'zod';
import type { AppDeps } from '../../app.ts';
import type { Store } from '../../store/types.ts';
import { resourceNotFound, validationFailed } from '../problem.ts';
import { readJsonBody } from '../read-json.ts';

// `GET /v1/admin/sites`, `GET` and `PATCH /v1/admin/sites/{siteId}`: the operator's view of the
// sites and the settings that may change after creation.

/** The site, or 404 naming the id. */
export async function requireSite(store: Store, siteId: string | undefined): Promise<Site> {
  const [site] = siteId ? await store.findSites([siteId]) : [];
  if (!site) throw resourceNotFound(`No site ${siteId}.`);
  return site;
}

export async function parseAdminBody<T extends z.ZodType>(
  schema: T,
  request: Request,
): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await readJsonBody(request));
  if (!parsed.success) throw validationFailed(toFieldErrors(parsed.error));
  return parsed.data;
}

export function adminSiteRoutes({ store }: AppDeps): Hono {
  return new Hono()
    .get('/', async (c) => {
      const query = listSitesQuerySchema.safeParse(c.req.query());
      if (!query.success)
        throw validationFailed(toFieldErrors(query.error), 'The query parameters are invalid.');
      const { limit, cursor } = query.data;
      // Sites are few (one per website an operator runs): the id list is read whole, in id order.
      // Sorted here, by code unit: Postgres may order text by a locale, and cursors compare so.
      const ids = (await store.listSiteIds()).sort();
      const after = cursor === undefined ? ids : ids.filter((id) => id > cursor);
      const pageIds = after.slice(0, limit);
      const sites = new Map((await store.findSites(pageIds)).map((site) => [site.id, site]));
      const body: SiteList = {
        data: pageIds.flatMap((id) => sites.get(id) ?? []),
        nextCursor: after.length > limit ? pageIds.at(-1)! : null,
      };
      return c.json(body);
    })
    .get('/:siteId', async (c) => c.json(await requireSite(store, c.req.param('siteId'))))
    .patch('/:siteId', async (c) => {
      const siteId = c.req.param('siteId');
      const site = await requireSite(store, siteId);
      const change = await parseAdminBody(updateSiteSchema, c.req.raw);
      if (change.retentionDays !== undefined)
        await store.retention.setRetention(site.id, change.retentionDays);
      return c.json(await requireSite(store, siteId));
    });
}
