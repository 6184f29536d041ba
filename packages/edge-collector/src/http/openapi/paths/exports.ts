import { offlineConversionsQuerySchema } from '@leadloop/schema';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { described } from '../described.ts';
import { noStore, problems, SECRET_KEY_ERRORS } from '../responses.ts';

const offlineConversionsQuery = described(offlineConversionsQuerySchema, {
  platform: 'The ad platform whose import file to write: `google_ads`.',
  stage:
    'What counts as the conversion: `customer` (default), `opportunity`, or `lead` (its first ' +
    'identification, at the lead’s `createdAt`).',
  from:
    'Conversions at or after: an ISO 8601 time with an offset, or a day `YYYY-MM-DD` from its ' +
    'start in the site’s time zone. Default: 90 days before `to`.',
  to: 'Conversions at or before: a time, or a day to its end. Default: now. Not before `from`.',
  conversionName:
    'The conversion action’s name in the ad platform (1 to 100 characters, trimmed). Default: ' +
    '`Leadloop <stage>`.',
});

const csvHeaders = {
  'content-disposition': {
    description:
      '`attachment; filename="google-ads-<stage>-conversions-<from day>-to-<to day>.csv"`.',
    schema: { type: 'string' as const },
  },
  'leadloop-skipped': {
    description:
      'Conversions in the range left out of the file: their lead has no gclid in the 90 days ' +
      'before them (no ad click, an older one, or an iOS `gbraid` / `wbraid` click only).',
    schema: { type: 'string' as const, pattern: '^[0-9]+$' },
  },
  ...noStore,
};

/** `/v1/exports`: conversions in ad platforms' offline conversion import files. */
export const exportPaths: ZodOpenApiPathsObject = {
  '/v1/exports/offline-conversions': {
    get: {
      tags: ['Exports'],
      operationId: 'exportOfflineConversions',
      summary: 'Offline conversions for Google Ads',
      description:
        'The site’s conversions with the ad click that brought them, as the CSV file Google Ads ' +
        'imports ("conversions from clicks"), so bidding learns from real deals and revenue. One ' +
        'row per conversion whose lead clicked a Google ad (a `gclid` on a landing URL) in the 90 ' +
        'days before it, from any of its browsers: the latest such click. Columns: `Google Click ' +
        'ID`, `Conversion Name`, `Conversion Time` (`yyyy-MM-dd HH:mm:ss±HHmm`, the site’s time ' +
        'zone and its offset at that moment), `Conversion Value` (major units with the ' +
        'currency’s decimals; empty when none was sent) and `Conversion Currency` (ISO 4217). ' +
        'Oldest first, streamed; text cells that a spreadsheet would run as a formula start ' +
        'with an apostrophe.',
      requestParams: { query: offlineConversionsQuery },
      responses: {
        200: {
          description: 'The import file: a header line, then a line per conversion (CRLF).',
          content: { 'text/csv': { schema: { type: 'string' } } },
          headers: csvHeaders,
        },
        ...problems(400, ...SECRET_KEY_ERRORS),
      },
    },
  },
};
