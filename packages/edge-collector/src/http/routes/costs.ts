import {
  type CostList,
  listCostsQuerySchema,
  type UpsertCostsResult,
  upsertCostsSchema,
} from '@leadloop/schema';
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import { type CostKey, costRows, costView } from '../../core/cost.ts';
import { decodeCursor, encodeCursor } from '../../core/page-cursor.ts';
import { idempotent } from '../idempotency.ts';
import { validationFailed } from '../problem.ts';
import { requireSecretKey, type SecretKeyEnv } from '../secret-key-auth.ts';
import { badCursor, limitBody, parseJsonBody, parseQuery } from '../validate.ts';

// `POST /v1/costs` upserts daily spend: each item replaces what its day and key (source, medium,
// campaign) held, so sending a day again corrects it. The answer is `200 {upserted}` whether rows
// were new or replaced, as a PUT would: nothing addressable is created. `GET /v1/costs` lists the
// rows oldest day first, the order a report reads a time series in.

/** 1,000 items of a few hundred bytes each, with room to spare. */
const MAX_BODY_BYTES = 1024 * 1024;

export function costRoutes(deps: AppDeps): Hono<SecretKeyEnv> {
  const { store, now = Date.now } = deps;
  return new Hono<SecretKeyEnv>()
    .use(requireSecretKey(deps))
    .use(limitBody(MAX_BODY_BYTES))
    .use(idempotent(store, now))
    .post('/', async (c) => {
      const { costs } = await parseJsonBody(upsertCostsSchema, c.req.raw);
      const planned = costRows(costs, now());
      if (!planned.ok) throw validationFailed(planned.errors);
      await store.costs.upsert(c.get('site').id, planned.rows);
      const body: UpsertCostsResult = { upserted: planned.rows.length };
      return c.json(body, 200);
    })
    .get('/', async (c) => {
      const { cursor, limit, ...filter } = parseQuery(listCostsQuerySchema, c.req.query());
      let after: CostKey | null = null;
      if (cursor !== undefined) {
        const key = decodeCursor(cursor, ['string', 'string', 'string', 'string']);
        if (!key) throw badCursor();
        after = { day: key[0], source: key[1], medium: key[2], campaign: key[3] };
      }
      const rows = await store.costs.list(c.get('site').id, filter, after, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const body: CostList = {
        data: page.map(costView),
        nextCursor:
          rows.length > limit && last
            ? encodeCursor([last.day, last.source, last.medium, last.campaign])
            : null,
      };
      return c.json(body);
    });
}
