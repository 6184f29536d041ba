import {
  ATTRIBUTION_COLUMNS,
  type AttributionReport,
  attributionQuerySchema,
} from '@leadloop/schema';
import { stringify } from 'csv-stringify/sync';
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import { spreadsheetSafe } from '../../core/spreadsheet-cell.ts';
import { attributionReport } from '../../runtime/attribution-report.ts';
import { reportRange } from '../report-range.ts';
import { requireSecretKey, type SecretKeyEnv } from '../secret-key-auth.ts';
import { parseQuery } from '../validate.ts';

// `GET /v1/attribution`: the report as JSON, or as CSV / NDJSON to take away. The rows are one per
// group (channels, campaigns, pages…), built in constant memory from paged paths; the text formats
// are streamed out in chunks so a report with many groups (landing pages, cities) never sits in
// memory twice.

const ROWS_PER_CHUNK = 500;

export function attributionRoutes(deps: AppDeps): Hono<SecretKeyEnv> {
  const { store, now = Date.now } = deps;
  return new Hono<SecretKeyEnv>().use(requireSecretKey(deps)).get('/', async (c) => {
    const { format, from, to, ...query } = parseQuery(attributionQuerySchema, c.req.query());
    const site = c.get('site');
    const range = reportRange({ from, to }, site.timezone, now());
    const report = await store.withConnection((one) =>
      attributionReport(one, site.id, { ...query, ...range, timezone: site.timezone }),
    );
    if (format === 'json') return c.json(report);
    const name = `leadloop-attribution-${report.model}-${report.groupBy}-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}`;
    const body = format === 'csv' ? csvChunks(report) : ndjsonChunks(report);
    return new Response(streamOf(body), {
      headers: {
        'content-type':
          format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="${name}.${format}"`,
        'cache-control': 'no-store',
      },
    });
  });
}

/** RFC 4180 lines (CRLF), header first; every text cell neutralised for spreadsheets. */
function* csvChunks(report: AttributionReport): Generator<string> {
  const columns = [report.groupBy, ...ATTRIBUTION_COLUMNS];
  yield stringify([columns], { record_delimiter: 'windows' });
  for (let start = 0; start < report.rows.length; start += ROWS_PER_CHUNK) {
    const records = report.rows
      .slice(start, start + ROWS_PER_CHUNK)
      .map((row) => columns.map((column) => spreadsheetSafe(row[column])));
    yield stringify(records, { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
  }
}

function* ndjsonChunks(report: AttributionReport): Generator<string> {
  for (let start = 0; start < report.rows.length; start += ROWS_PER_CHUNK)
    yield report.rows
      .slice(start, start + ROWS_PER_CHUNK)
      .map((row) => `${JSON.stringify(row)}\n`)
      .join('');
}

/** Chunks as a byte stream, encoded as they are pulled (well-formed UTF-8: lone surrogates → U+FFFD). */
function streamOf(chunks: Generator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
}
