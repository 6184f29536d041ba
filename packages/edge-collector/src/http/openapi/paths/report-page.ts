import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { PUBLIC } from '../responses.ts';

const header = (description: string) => ({ description, schema: { type: 'string' as const } });

const cached = {
  'cache-control': header('Cached for five minutes: a new version shows within minutes.'),
};

const text = (description: string, mediaType: string, headers: Record<string, unknown>) => ({
  description,
  content: { [mediaType]: { schema: { type: 'string' as const } } },
  headers,
});

/** The report page for marketers and its script: public; the data behind them needs a key. */
export const reportPagePaths: ZodOpenApiPathsObject = {
  '/report': {
    get: {
      tags: ['Report'],
      operationId: 'getReportPage',
      summary: 'The report page',
      description:
        'Attribution by channel, source, campaign, page or place under any of the eleven models, ' +
        'with the funnel, inquiries by hour of week, locations and speed to lead, and a CSV ' +
        'download. The page itself holds no data: the reader signs in with a secret key, which ' +
        'stays in the tab (`sessionStorage`) and goes to `GET /v1/attribution` and ' +
        '`GET /v1/reports/…` as an `Authorization` header, never in a URL.',
      ...PUBLIC,
      responses: {
        200: text('The page.', 'text/html', {
          ...cached,
          'content-security-policy': header(
            'Only the page’s own script (`report.js`), its one style block (by hash) and calls ' +
              'back to the collector may load or run; no frame may embed it.',
          ),
          'referrer-policy': header('`no-referrer`.'),
        }),
      },
    },
  },
  '/report.js': {
    get: {
      tags: ['Report'],
      operationId: 'getReportScript',
      summary: 'The report page’s script',
      description:
        'Plain JavaScript loaded by `/report`: it signs in, fetches the reports with the key and ' +
        'draws the tables and charts.',
      ...PUBLIC,
      responses: { 200: text('The script.', 'text/javascript', cached) },
    },
  },
};
