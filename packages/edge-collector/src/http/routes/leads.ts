import { type LeadList, listLeadsQuerySchema, toFieldErrors } from '@leadloop/schema';
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import { normalisePhone } from '../../core/identifiers.ts';
import { eraseLead } from '../../runtime/lead-updater.ts';
import { leadViews } from '../../runtime/lead-views.ts';
import { resourceNotFound, validationFailed } from '../problem.ts';
import { requireSecretKey, type SecretKeyEnv } from '../secret-key-auth.ts';

/**
 * `GET /v1/leads` (by email or phone, or every live lead by id with a cursor),
 * `GET /v1/leads/{id}` (a merged lead's id answers with the lead it was merged into) and
 * `DELETE /v1/leads/{id}` (erasure).
 */
export function leadRoutes({ store, now = Date.now }: AppDeps): Hono<SecretKeyEnv> {
  return (
    new Hono<SecretKeyEnv>()
      .use(requireSecretKey(store))
      .get('/', async (c) => {
        const parsed = listLeadsQuerySchema.safeParse(c.req.query());
        if (!parsed.success)
          throw validationFailed(toFieldErrors(parsed.error), 'The query parameters are invalid.');
        const { email, phone, limit, cursor } = parsed.data;
        const site = c.get('site');
        let ids: string[];
        if (email !== undefined || phone !== undefined) {
          // Looked up as the collector stored them: the same normalisation, junk included.
          const lookups = [
            email !== undefined && { kind: 'email' as const, value: email.trim().toLowerCase() },
            phone !== undefined && {
              kind: 'phone' as const,
              value: normalisePhone(phone, site.defaultCountry) ?? phone,
            },
          ].filter((lookup) => lookup !== false);
          const found = await Promise.all(
            lookups.map((lookup) => store.leads.findLeadIdsByIdentifier(site.id, lookup)),
          );
          // Both given: the leads that have both.
          ids = found.reduce((a, b) => a.filter((id) => b.includes(id)));
          ids = ids.filter((id) => cursor === undefined || id > cursor).sort();
        } else {
          ids = await store.leads.listLiveLeadIds(site.id, cursor ?? null, limit + 1);
        }
        const page = ids.slice(0, limit);
        const rows = await store.leads.findLeads(site.id, page);
        rows.sort((a, b) => (a.id < b.id ? -1 : 1));
        const body: LeadList = {
          data: await leadViews(store, site.id, rows),
          nextCursor: ids.length > limit ? page.at(-1)! : null,
        };
        return c.json(body);
      })
      .get('/:id', async (c) => {
        const site = c.get('site');
        let [row] = await store.leads.findLeads(site.id, [c.req.param('id')]);
        // Merges are flattened when they happen: one hop reaches the survivor.
        if (row?.mergedInto) [row] = await store.leads.findLeads(site.id, [row.mergedInto]);
        if (!row) throw resourceNotFound(`No lead ${c.req.param('id')} on this site.`);
        const [lead] = await leadViews(store, site.id, [row]);
        if (row.id !== c.req.param('id'))
          c.header('content-location', c.req.path.replace(/[^/]+$/, row.id));
        return c.json(lead!);
      })
      // Erasure: idempotent, so a repeated request (or one for an already-erased id) is a 204 too.
      .delete('/:id', async (c) => {
        await eraseLead(store, c.get('site').id, c.req.param('id'), now);
        return c.body(null, 204);
      })
  );
}
