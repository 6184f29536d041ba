import type { PurgeCounts } from '../store/retention-store.ts';
import type { Store } from '../store/types.ts';

const DAY_MS = 86_400_000;

export type RetentionRun = { siteId: string; before: number; removed: PurgeCounts };

/**
 * The daily purge: for each site with a retention setting, its activity older than that many
 * days goes (see store/retention-store.ts for what counts as activity). A site that fails is
 * logged and left for tomorrow; the others still run.
 */
export async function purgeExpiredActivity(
  store: Store,
  now: number,
  chunkSize?: number,
): Promise<RetentionRun[]> {
  const runs: RetentionRun[] = [];
  for (const { siteId, retentionDays } of await store.retention.sitesWithRetention()) {
    const before = now - retentionDays * DAY_MS;
    try {
      runs.push({
        siteId,
        before,
        removed: await store.retention.purge(siteId, before, chunkSize),
      });
    } catch (error) {
      console.error('retention purge failed; tomorrow retries', siteId, String(error));
    }
  }
  return runs;
}
