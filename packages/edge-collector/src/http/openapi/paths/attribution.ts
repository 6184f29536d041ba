import {
  ATTRIBUTION_COLUMNS,
  attributionQuerySchema,
  attributionReportSchema,
} from '@leadloop/schema';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { described } from '../described.ts';
import { problems, SECRET_KEY_ERRORS } from '../responses.ts';

const query = described(attributionQuerySchema, {
  model:
    'How a conversion’s credit is shared among its touches: `first_touch`, `last_touch`, ' +
    '`last_non_direct` (the last touch that was not Direct), `linear`, `position_based` (40/20/40), ' +
    '`w_shaped` (30 first, 30 at lead creation, 30 last, 10 over the rest), `full_path` (22.5 at ' +
    'first, lead, opportunity and last, 10 over the rest), `j_shaped` (20/60), `inverse_j` (60/20), ' +
    '`time_decay` (7-day half-life) or `data_driven` (first-order Markov removal effect over ' +
    'channels, fitted to converting paths and to the journeys of browsers that did not convert).',
  groupBy: 'The touch field rows are grouped by. Landing pages are grouped without query string.',
  conversion:
    'What `conversions` and `medianHoursToConvert` count: lead creation, or a CRM stage. ' +
    '`leads`, `customers` and `revenue` are always there.',
  from: 'Conversions and sessions from this instant, or this day in the site’s time zone; 90 days ago by default.',
  to: 'Up to this instant, or the end of this day; now by default. Inclusive.',
  lookbackDays: 'How far before a conversion its touches count.',
  currency:
    'The currency `revenue` and `cost` are in; values in others are left out. By default the ' +
    'one most customer conversions in the range carry.',
  format:
    '`json`, `csv` (RFC 4180, a header row, cells that would start a spreadsheet formula ' +
    "prefixed with `'`) or `ndjson` (one row per line).",
});

const csvHeader = ['<groupBy>', ...ATTRIBUTION_COLUMNS].join(',');
const download = {
  'content-disposition': {
    description: '`attachment` with a file name naming the model, grouping and range.',
    schema: { type: 'string' as const },
  },
  'cache-control': { description: '`no-store`.', schema: { type: 'string' as const } },
};

/** `/v1/attribution`: the closed-loop report. */
export const attributionPaths: ZodOpenApiPathsObject = {
  '/v1/attribution': {
    get: {
      tags: ['Attribution'],
      operationId: 'getAttribution',
      summary: 'Leads, customers and revenue by where they came from',
      description:
        'Every conversion of the range is attributed over its path: the touches of all its ' +
        'lead’s browsers before it, inside the lookback window. Each conversion’s credits sum ' +
        'to exactly 1 and its revenue to exactly its value. Rows: one per group with traffic, ' +
        'credit or spend, most conversions first; `totals` over all of them. Cost and the ' +
        'ratios built on it exist for `channel`, `source`, `medium` and `campaign`, from ' +
        '`POST /v1/costs`. A conversion with no touch in its window counts under `(not set)`.' +
        `\n\nCSV header: \`${csvHeader}\`; an empty cell is null.`,
      requestParams: { query },
      responses: {
        200: {
          description: 'The report, in the format asked for.',
          content: {
            'application/json': { schema: attributionReportSchema },
            'text/csv': { schema: { type: 'string' } },
            'application/x-ndjson': { schema: { type: 'string' } },
          },
          headers: download,
        },
        ...problems(400, ...SECRET_KEY_ERRORS),
      },
    },
  },
};
