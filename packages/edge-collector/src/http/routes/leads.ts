import {
  type LeadList,
  type LeadTimeline,
  leadTimelineQuerySchema,
  listLeadsQuerySchema,
  patchLeadSchema,
  toFieldErrors,
} from '@leadloop/schema';
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import { normalisePhone } from '../../core/identifiers.ts';
import type { LeadRow } from '../../core/lead-update.ts';
import {
  decodeLeadCursor,
  decodeTimelineCursor,
  encodeLeadCursor,
  encodeTimelineCursor,
} from '../../core/list-cursor.ts';
import { timelinePage } from '../../core/timeline.ts';
import { eraseLead, patchLead } from '../../runtime/lead-updater.ts';
import { leadViews } from '../../runtime/lead-views.ts';
import type { Store } from '../../store/types.ts';
import { resourceNotFound, validationFailed } from '../problem.ts';
import { readJsonBody } from '../read-json.ts';
import { requireSecretKey, type SecretKeyEnv } from '../secret-key-auth.ts';
import { badCursor, limitBody, parseQuery } from '../validate.ts';

const MAX_PATCH_BYTES = 64 * 1024;

/** The live lead an id names: a merged lead's id reaches its survivor (merges are flattened). */
async function liveLead(store: Store, siteId: string, id: string): Promise<LeadRow> {
  let [row] = await store.leads.findLeads(siteId, [id]);
  if (row?.mergedInto) [row] = await store.leads.findLeads(siteId, [row.mergedInto]);
  if (!row) throw resourceNotFound(`No lead ${id} on this site.`);
  return row;
}

/** The path of the survivor's resource, when a merged lead's id was asked for. */
const survivorPath = (path: string, id: string) => path.replace(/\/leads\/[^/]+/, `/leads/${id}`);

/**
 * `/v1/leads`: the list with its filters (`GET`), one lead (`GET`, `PATCH`, `DELETE` erases) and
 * its timeline. A merged lead's id answers with the lead it was merged into, which
 * `Content-Location` names.
 */
export function leadRoutes(deps: AppDeps): Hono<SecretKeyEnv> {
  const { store, now = Date.now } = deps;
  return (
    new Hono<SecretKeyEnv>()
      .use(requireSecretKey(deps))
      .get('/', async (c) => {
        const query = parseQuery(listLeadsQuerySchema, c.req.query());
        const site = c.get('site');
        // Polling what changed since X pages in change order; everything else in id order.
        const order = query.updatedSince === undefined ? 'id' : 'updated';
        const after = query.cursor === undefined ? null : decodeLeadCursor(query.cursor);
        if (query.cursor !== undefined && !after)
          throw badCursor('Not a cursor this API gave: pass nextCursor as it came');
        if (after && after.order !== order)
          throw badCursor('This cursor pages another listing: keep the filters of its first page');
        const keys = await store.leadQueries.listLeads(
          site.id,
          {
            statuses: query.status,
            minScore: query.minScore,
            // Looked up as the collector stored them: the same normalisation, junk included.
            email: query.email?.toLowerCase(),
            phone:
              query.phone === undefined
                ? undefined
                : (normalisePhone(query.phone, site.defaultCountry) ?? query.phone),
            channels: query.channel,
            updatedSince: query.updatedSince,
          },
          { order, after, limit: query.limit + 1 },
        );
        const page = keys.slice(0, query.limit);
        const found = new Map(
          (
            await store.leads.findLeads(
              site.id,
              page.map((key) => key.id),
            )
          ).map((row) => [row.id, row]),
        );
        // Merged away between the two reads: it is listed as its survivor elsewhere.
        const rows = page.map((key) => found.get(key.id)).filter((row) => row && !row.mergedInto);
        const last = page.at(-1);
        const body: LeadList = {
          data: await leadViews(store, site.id, rows as LeadRow[]),
          nextCursor:
            keys.length > query.limit && last
              ? encodeLeadCursor(
                  order === 'id'
                    ? { order, id: last.id }
                    : { order, updatedAt: last.updatedAt, id: last.id },
                )
              : null,
        };
        return c.json(body);
      })
      .get('/:id', async (c) => {
        const site = c.get('site');
        const asked = c.req.param('id');
        const row = await liveLead(store, site.id, asked);
        const [lead] = await leadViews(store, site.id, [row]);
        if (row.id !== asked) c.header('content-location', survivorPath(c.req.path, row.id));
        return c.json(lead!);
      })
      .patch('/:id', limitBody(MAX_PATCH_BYTES), async (c) => {
        const parsed = patchLeadSchema.safeParse(await readJsonBody(c.req.raw));
        if (!parsed.success) throw validationFailed(toFieldErrors(parsed.error));
        const site = c.get('site');
        const asked = c.req.param('id');
        // A PATCH is the latest word on the stage: after one set this very millisecond, or one a
        // CRM dated a little ahead, it still applies (patchLead keeps the earlier of two stages).
        const { stageAt } = await liveLead(store, site.id, asked);
        const at = Math.max(now(), stageAt === null ? 0 : stageAt + 1);
        const row = await patchLead(store, site, asked, { at, ...parsed.data }, () => at);
        if (!row) throw resourceNotFound(`No lead ${asked} on this site.`);
        const [lead] = await leadViews(store, site.id, [row]);
        if (row.id !== asked) c.header('content-location', survivorPath(c.req.path, row.id));
        return c.json(lead!);
      })
      .get('/:id/timeline', async (c) => {
        const query = parseQuery(leadTimelineQuerySchema, c.req.query());
        const after = query.cursor === undefined ? null : decodeTimelineCursor(query.cursor);
        if (query.cursor !== undefined && !after)
          throw badCursor('Not a cursor this API gave: pass nextCursor as it came');
        const site = c.get('site');
        const asked = c.req.param('id');
        const row = await liveLead(store, site.id, asked);
        const sources = await store.leadQueries.timeline(site.id, row.id, after, query.limit + 1);
        const { items, next } = timelinePage(sources, query.limit);
        if (row.id !== asked) c.header('content-location', survivorPath(c.req.path, row.id));
        const body: LeadTimeline = {
          data: items,
          nextCursor: next ? encodeTimelineCursor(next) : null,
        };
        return c.json(body);
      })
      // Erasure: idempotent, so a repeated request (or one for an already-erased id) is a 204 too.
      .delete('/:id', async (c) => {
        await eraseLead(store, c.get('site').id, c.req.param('id'), now);
        return c.body(null, 204);
      })
  );
}
