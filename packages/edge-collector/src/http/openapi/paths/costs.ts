import {
  costItemSchema,
  costListSchema,
  listCostsQuerySchema,
  MAX_COSTS_PER_REQUEST,
  upsertCostsResultSchema,
  upsertCostsSchema,
} from '@leadloop/schema';
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { described } from '../described.ts';
import {
  IDEMPOTENCY_KEY_PARAMETER,
  json,
  problems,
  replayed,
  SECRET_KEY_ERRORS,
} from '../responses.ts';

const tags = ['Costs'];

const costItem = described(costItemSchema, {
  date: 'The day (`YYYY-MM-DD`) in the site’s time zone.',
  source: 'Where the money went (`google`), as in `utm_source`.',
  medium: 'As in `utm_medium` (`cpc`); leave out when the spend is not split by it.',
  campaign: 'As in `utm_campaign`; leave out when the spend is not split by it.',
  amount: 'The day’s spend in major units of `currency` (120.5 = 120.50), within its decimals.',
  currency: 'ISO 4217 (`EUR`).',
}).meta({ id: 'CostItem' });

// The route validates `costs` with `costItemSchema` and refuses a date and key given twice; the
// item is named here so the reference shows its fields once.
const upsertBody = upsertCostsSchema
  .safeExtend({ costs: z.array(costItem).min(1).max(MAX_COSTS_PER_REQUEST) })
  .meta({
    id: 'UpsertCosts',
    description: 'Each day’s spend by source, medium and campaign; a day and key appear once.',
  });

const listQuery = described(listCostsQuerySchema, {
  from: 'From this day (`YYYY-MM-DD`), inclusive.',
  to: 'To this day, inclusive; not before `from`.',
  source: 'Only this source.',
  medium: 'Only this medium (empty: spend not split by medium).',
  campaign: 'Only this campaign (empty: spend not split by campaign).',
  limit: 'Days per page.',
  cursor: '`nextCursor` of the previous page; keep the other parameters as they were.',
});

/** `/v1/costs`: daily ad spend, for cost per lead and return on ad spend. */
export const costPaths: ZodOpenApiPathsObject = {
  '/v1/costs': {
    post: {
      tags,
      operationId: 'upsertCosts',
      summary: 'Send daily spend',
      description:
        'Each item replaces what was stored for its day, source, medium and campaign, so sending ' +
        `a day again corrects it. At most ${MAX_COSTS_PER_REQUEST} items; all are written or none. ` +
        'Idempotent by nature, and on the `Idempotency-Key` header.',
      parameters: [IDEMPOTENCY_KEY_PARAMETER],
      requestBody: { required: true, content: { 'application/json': { schema: upsertBody } } },
      responses: {
        200: json('Written, new or replacing.', upsertCostsResultSchema, replayed),
        ...problems(400, ...SECRET_KEY_ERRORS, 409, 413, 415),
      },
    },
    get: {
      tags,
      operationId: 'listCosts',
      summary: 'List daily spend',
      description: 'Oldest day first (a time series), a page at a time; filters combined with AND.',
      requestParams: { query: listQuery },
      responses: {
        200: json('A page of daily spend.', costListSchema),
        ...problems(400, ...SECRET_KEY_ERRORS),
      },
    },
  },
};
