import { type SQL, sql } from 'drizzle-orm';
import type { SqlRunner } from './identity-store.ts';
import { timeParam } from './sql-values.ts';

// The per-site retention setting and the purge it drives, written once over both databases.
// What goes is activity: events, sessions, browsers with no session left, quarantined messages,
// relayed outbox changes, webhook deliveries and their attempts, kept Idempotency-Key answers.
// What stays is the business record: leads, their identifiers and browser links, conversions,
// costs, merges, erasures and suppressions. Each DELETE takes at most `chunkSize` rows, so no
// statement outgrows D1's limits however much is due; a purge cut short resumes on the next run.

/** Rows removed by one purge, per table. */
export type PurgeCounts = {
  events: number;
  sessions: number;
  visitors: number;
  quarantine: number;
  outbox: number;
  webhookAttempts: number;
  webhookDeliveries: number;
  idempotencyKeys: number;
};

export const DEFAULT_PURGE_CHUNK = 500;

export interface RetentionStore {
  /** Every site that keeps its activity for a limited time, in id order. */
  sitesWithRetention(): Promise<{ siteId: string; retentionDays: number }[]>;
  /** Sets a site's retention (null: forever); false when there is no such site. */
  setRetention(siteId: string, retentionDays: number | null): Promise<boolean>;
  /** Deletes the site's activity older than `before` (epoch ms), `chunkSize` rows a statement. */
  purge(siteId: string, before: number, chunkSize?: number): Promise<PurgeCounts>;
}

export function retentionStore(runner: SqlRunner): RetentionStore {
  const { dialect } = runner;

  /** Runs a bounded DELETE … RETURNING until it removes fewer rows than a chunk. */
  async function drain(chunk: (limit: number) => SQL, chunkSize: number): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = (await runner.all(chunk(chunkSize))).length;
      total += removed;
      if (removed < chunkSize) return total;
    }
  }

  return {
    async sitesWithRetention() {
      const rows = await runner.all(
        sql`SELECT id, retention_days FROM sites WHERE retention_days IS NOT NULL ORDER BY id`,
      );
      return rows.map((row) => ({
        siteId: String(row.id),
        retentionDays: Number(row.retention_days),
      }));
    },

    async setRetention(siteId, retentionDays) {
      const rows = await runner.all(
        sql`UPDATE sites SET retention_days = ${retentionDays} WHERE id = ${siteId} RETURNING id`,
      );
      return rows.length > 0;
    },

    async purge(siteId, before, chunkSize = DEFAULT_PURGE_CHUNK) {
      if (!Number.isInteger(chunkSize) || chunkSize < 1)
        throw new RangeError(`chunkSize must be a positive integer, not ${chunkSize}`);
      const cutoff = timeParam(dialect, before);
      const oldDeliveries = (limit: number) =>
        sql`SELECT id FROM webhook_deliveries WHERE site_id = ${siteId} AND created_at < ${cutoff} AND status <> 'pending' ORDER BY id LIMIT ${limit}`;

      const events = await drain(
        (limit) =>
          sql`DELETE FROM events WHERE site_id = ${siteId} AND id IN (SELECT id FROM events WHERE site_id = ${siteId} AND occurred_at < ${cutoff} LIMIT ${limit}) RETURNING id`,
        chunkSize,
      );
      // A session goes once its last event is past retention: its touch goes with it. (It
      // started before that too: the condition lets the (site, started_at) index narrow the scan.)
      const sessions = await drain(
        (limit) =>
          sql`DELETE FROM sessions WHERE site_id = ${siteId} AND id IN (SELECT id FROM sessions WHERE site_id = ${siteId} AND started_at < ${cutoff} AND last_event_at < ${cutoff} LIMIT ${limit}) RETURNING id`,
        chunkSize,
      );
      // A browser goes when it has not been seen since the cutoff and no session of it is left.
      const visitors = await drain(
        (limit) =>
          sql`DELETE FROM visitors WHERE site_id = ${siteId} AND anonymous_id IN (SELECT v.anonymous_id FROM visitors v WHERE v.site_id = ${siteId} AND v.last_seen_at < ${cutoff} AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.site_id = v.site_id AND s.anonymous_id = v.anonymous_id) LIMIT ${limit}) RETURNING anonymous_id`,
        chunkSize,
      );
      const quarantine = await drain(
        (limit) =>
          sql`DELETE FROM quarantine WHERE id IN (SELECT id FROM quarantine WHERE site_id = ${siteId} AND quarantined_at < ${cutoff} LIMIT ${limit}) RETURNING id`,
        chunkSize,
      );
      // Changes not relayed yet stay: their webhooks are still owed.
      const outbox = await drain(
        (limit) =>
          sql`DELETE FROM outbox WHERE site_id = ${siteId} AND id IN (SELECT id FROM outbox WHERE site_id = ${siteId} AND occurred_at < ${cutoff} AND relayed_at IS NOT NULL LIMIT ${limit}) RETURNING id`,
        chunkSize,
      );
      // A chunk of finished deliveries at a time, their attempts first (a dozen at most each):
      // pending ones are still owed.
      let webhookAttempts = 0;
      let webhookDeliveries = 0;
      for (;;) {
        webhookAttempts += (
          await runner.all(
            sql`DELETE FROM webhook_attempts WHERE delivery_id IN (${oldDeliveries(chunkSize)}) RETURNING delivery_id`,
          )
        ).length;
        const removed = (
          await runner.all(
            sql`DELETE FROM webhook_deliveries WHERE id IN (${oldDeliveries(chunkSize)}) RETURNING id`,
          )
        ).length;
        webhookDeliveries += removed;
        if (removed < chunkSize) break;
      }
      const idempotencyKeys = await drain(
        (limit) =>
          sql`DELETE FROM idempotency_keys WHERE site_id = ${siteId} AND key IN (SELECT key FROM idempotency_keys WHERE site_id = ${siteId} AND created_at < ${cutoff} LIMIT ${limit}) RETURNING key`,
        chunkSize,
      );
      return {
        events,
        sessions,
        visitors,
        quarantine,
        outbox,
        webhookAttempts,
        webhookDeliveries,
        idempotencyKeys,
      };
    },
  };
}
