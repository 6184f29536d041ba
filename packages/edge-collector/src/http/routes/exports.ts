import { offlineConversionsQuerySchema } from '@leadloop/schema';
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import {
  defaultConversionName,
  exportFileName,
  googleAdsHeader,
  googleAdsLines,
} from '../../core/offline-conversions.ts';
import type {
  OfflineConversionCursor,
  OfflineConversionFilter,
  OfflineConversionStore,
} from '../../store/offline-conversion-store.ts';
import { reportRange } from '../report-range.ts';
import { requireSecretKey, type SecretKeyEnv } from '../secret-key-auth.ts';
import { parseQuery } from '../validate.ts';

// `GET /v1/exports/offline-conversions`: the site's conversions with their Google click, as the
// CSV file Google Ads imports, streamed a page of conversions at a time so memory stays flat
// however many there are. `Leadloop-Skipped` counts the conversions left out for want of a gclid.

/** Conversions read per query while streaming. */
export const EXPORT_PAGE_SIZE = 500;

export type GoogleAdsExport = {
  siteId: string;
  timeZone: string;
  filter: OfflineConversionFilter;
  conversionName: string;
};

/**
 * Google Ads' import file as a stream: the header, then each page of conversions as it is read.
 * Nothing is read before the consumer pulls, and one page at most is held.
 */
export function googleAdsFile(
  store: OfflineConversionStore,
  { siteId, timeZone, filter, conversionName }: GoogleAdsExport,
  pageSize = EXPORT_PAGE_SIZE,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: OfflineConversionCursor | null = null;
  let headerSent = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(googleAdsHeader()));
          return;
        }
        // A pull that enqueues nothing is not called again: read on until a page has a line.
        for (;;) {
          const rows = await store.page(siteId, filter, after, pageSize);
          const { text } = googleAdsLines(rows, conversionName, timeZone);
          if (text !== '') controller.enqueue(encoder.encode(text));
          const last = rows.at(-1);
          if (!last || rows.length < pageSize) return controller.close();
          after = { occurredAt: last.occurredAt, id: last.id };
          if (text !== '') return;
        }
      },
    },
    // At most one page waits unread: the client's pace sets the database's.
    { highWaterMark: 1 },
  );
}

export function exportRoutes(deps: AppDeps): Hono<SecretKeyEnv> {
  const { store, now = Date.now } = deps;
  return new Hono<SecretKeyEnv>()
    .use(requireSecretKey(deps))
    .get('/offline-conversions', async (c) => {
      const query = parseQuery(offlineConversionsQuerySchema, c.req.query());
      const site = c.get('site');
      // Days in the site's time zone; the default 90 days is as far back as Google takes clicks.
      const range = reportRange(query, site.timezone, now());
      const filter: OfflineConversionFilter = { stage: query.stage, ...range };
      const skipped = await store.offlineConversions.countWithoutGclid(site.id, filter);
      const body = googleAdsFile(store.offlineConversions, {
        siteId: site.id,
        timeZone: site.timezone,
        filter,
        conversionName: query.conversionName ?? defaultConversionName(query.stage),
      });
      return new Response(body, {
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${exportFileName(query.stage, range, site.timezone)}"`,
          'cache-control': 'no-store',
          'leadloop-skipped': String(skipped),
        },
      });
    });
}
