// Counts a site's stored events in the collector's local D1, through wrangler like a user would.
import { queryLocalD1 } from '../packages/edge-collector/local/dev-server.ts';

export async function countStoredEvents(
  persistTo: string,
  siteId: string,
  signal?: AbortSignal,
): Promise<number> {
  if (!/^[\w-]+$/.test(siteId)) throw new Error(`unexpected site id ${siteId}`);
  const sql = `SELECT count(*) AS n FROM events WHERE site_id='${siteId}'`;
  const [row] = await queryLocalD1<{ n: number }>(sql, persistTo, signal);
  return row?.n ?? 0;
}

export type Drained = {
  stored: number;
  /**
   * When the final count was first seen: the end of that query, so an upper bound on the time of
   * the last write (each query starts a wrangler process, about 2 s here).
   */
  seenAt: number;
};

/**
 * Polls until every expected event is stored, or the count has not moved for `quietMs` (longer
 * than the consumer's 5 s retry delay), or `maxMs` has passed.
 */
export async function waitForStored(
  count: () => Promise<number>,
  expected: number,
  { quietMs = 8_000, maxMs = 60_000 } = {},
): Promise<Drained> {
  const deadline = Date.now() + maxMs;
  let last = { stored: -1, seenAt: 0 };
  for (;;) {
    const stored = await count();
    const now = Date.now();
    if (stored !== last.stored) last = { stored, seenAt: now };
    if (stored >= expected || now - last.seenAt >= quietMs || now >= deadline) return last;
  }
}
