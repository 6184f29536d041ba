// Counts a site's stored events and waits until all of them are there.
import { queryLocalD1 } from '../packages/edge-collector/local/dev-server.ts';

/** The count in the collector's local D1, through wrangler like a user would (~1.5 s a count). */
export async function countStoredEvents(
  persistTo: string,
  siteId: string,
  signal?: AbortSignal,
  table: 'events' | 'leads' = 'events',
): Promise<number> {
  if (!/^[\w-]+$/.test(siteId)) throw new Error(`unexpected site id ${siteId}`);
  const sql = `SELECT count(*) AS n FROM ${table} WHERE site_id='${siteId}'`;
  const [row] = await queryLocalD1<{ n: number }>(sql, persistTo, signal);
  return row?.n ?? 0;
}

export type Drained = {
  stored: number;
  /** When the final count was first seen (the end of that count): at or after the last write. */
  seenAt: number;
  /** When the count before it began, which saw fewer: before the last write. */
  missedAt: number;
};

export type WaitOptions = {
  /** Give up when the count has not moved for this long (longer than the consumer's 5 s retry). */
  quietMs?: number;
  maxMs?: number;
  /** Pause between counts. */
  intervalMs?: number;
};

/** Counts until every expected event is stored, the count stops moving, or `maxMs` has passed. */
export async function waitForStored(
  count: () => Promise<number>,
  expected: number,
  { quietMs = 8_000, maxMs = 60_000, intervalMs = 0 }: WaitOptions = {},
): Promise<Drained> {
  const deadline = Date.now() + maxMs;
  let last: Drained = { stored: -1, seenAt: 0, missedAt: 0 };
  let previousStart = Date.now();
  for (;;) {
    const start = Date.now();
    const stored = await count();
    const now = Date.now();
    if (stored !== last.stored) last = { stored, seenAt: now, missedAt: previousStart };
    previousStart = start;
    if (stored >= expected || now - last.seenAt >= quietMs || now >= deadline) return last;
    if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
