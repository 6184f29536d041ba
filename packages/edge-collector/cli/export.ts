import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Lead } from '@leadloop/schema';
import { stringify } from 'csv-stringify';
import { spreadsheetSafe } from '../src/core/spreadsheet-cell.ts';
import type { ApiClient } from './api-client.ts';

// Exports walk a list route page by page (`nextCursor`) and write each record as it arrives, so
// memory stays flat whatever the size; progress goes to stderr, the data to stdout or a file.

export type ExportFormat = 'ndjson' | 'csv';

type Column<T> = [header: string, read: (record: T) => unknown];

const touch = (prefix: 'first' | 'last'): Column<Lead>[] =>
  (['channel', 'source', 'medium', 'campaign', 'landingPage'] as const).map((field) => [
    `${prefix}_touch_${field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}`,
    (lead) => lead[`${prefix}Touch`]?.[field] ?? null,
  ]);

export const LEAD_COLUMNS: Column<Lead>[] = [
  ['id', (lead) => lead.id],
  ['email', (lead) => lead.email],
  ['phone', (lead) => lead.phone],
  ['name', (lead) => lead.name],
  ['status', (lead) => lead.status],
  ['score', (lead) => lead.score],
  ['owner', (lead) => (lead as Lead & { owner?: string | null }).owner ?? null],
  ...touch('first'),
  ...touch('last'),
  ['created_at', (lead) => lead.createdAt],
  ['updated_at', (lead) => lead.updatedAt],
  ['traits', (lead) => lead.traits],
];

export type ExportJob<T> = {
  client: ApiClient;
  credential: string;
  /** The list route with its filters, without `limit` and `cursor`. */
  path: string;
  query: Record<string, string | undefined>;
  format: ExportFormat;
  columns: Column<T>[];
  /** A file path, or undefined for stdout. */
  out: string | undefined;
  /** What the records are called in progress lines ("leads"). */
  noun: string;
  progress: (line: string, final: boolean) => void;
};

const PAGE_SIZE = 100;

async function write(stream: Writable, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/** Writes every record of a list route; returns how many. */
export async function exportAll<T>(job: ExportJob<T>): Promise<number> {
  const sink: Writable = job.out ? createWriteStream(job.out) : process.stdout;
  const csv =
    job.format === 'csv'
      ? stringify({ header: true, columns: job.columns.map(([header]) => header) })
      : undefined;
  csv?.pipe(sink, { end: Boolean(job.out) });
  const emit = (chunk: string) => write(sink, chunk);
  const row = async (record: T) => {
    if (csv) {
      const values = job.columns.map(([, read]) => spreadsheetSafe(read(record)));
      if (!csv.write(values)) await once(csv, 'drain');
    } else await emit(`${JSON.stringify(record)}\n`);
  };

  let cursor: string | undefined;
  let count = 0;
  do {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(job.query))
      if (value !== undefined) params.set(key, value);
    params.set('limit', String(PAGE_SIZE));
    if (cursor) params.set('cursor', cursor);
    const page = await job.client.call<{ data: T[]; nextCursor: string | null }>(
      'GET',
      `${job.path}?${params}`,
      job.credential,
    );
    for (const record of page.data) await row(record);
    count += page.data.length;
    cursor = page.nextCursor ?? undefined;
    job.progress(`exported ${count.toLocaleString('en-US')} ${job.noun}`, false);
  } while (cursor);

  if (csv) {
    csv.end();
    await once(csv, 'end');
  }
  if (job.out) {
    if (!csv) sink.end();
    await finished(sink);
  }
  job.progress(
    `exported ${count.toLocaleString('en-US')} ${job.noun}${job.out ? ` to ${job.out}` : ''}`,
    true,
  );
  return count;
}
