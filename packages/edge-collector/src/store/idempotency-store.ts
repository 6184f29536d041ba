import { sql } from 'drizzle-orm';
import { millis } from './identity-sql.ts';
import type { SqlRunner } from './identity-store.ts';
import { timeParam } from './sql-values.ts';

// Answers kept for Idempotency-Key requests, written once over both databases like the lead
// store. A claimed key with status 0 is a request in flight; its answer replaces that once known.

/** A key as stored: the request it was first used with, and its answer (status 0: in flight). */
export type KeptAnswer = { requestHash: string; status: number; body: string; createdAt: number };

export interface IdempotencyStore {
  /**
   * Takes the key for a request (in flight, from `now`): true when it was free, or held by an
   * answer older than `expiredBefore`, or by a request in flight since before `abandonedBefore`.
   */
  claim(
    siteId: string,
    key: string,
    requestHash: string,
    now: number,
    windows: { expiredBefore: number; abandonedBefore: number },
  ): Promise<boolean>;
  find(siteId: string, key: string): Promise<KeptAnswer | null>;
  /** Stores the answer of the request that holds the key. */
  keep(
    siteId: string,
    key: string,
    requestHash: string,
    status: number,
    body: string,
  ): Promise<void>;
  /** Frees a key held in flight by this request (its answer is not to be kept). */
  release(siteId: string, key: string, requestHash: string): Promise<void>;
  /** Deletes every key claimed before `before` (a periodic sweep; claims reuse them anyway). */
  purgeExpired(before: number): Promise<void>;
}

export function idempotencyStore(runner: SqlRunner): IdempotencyStore {
  const { dialect } = runner;
  const t = (ms: number) => timeParam(dialect, ms);
  return {
    async claim(siteId, key, requestHash, now, { expiredBefore, abandonedBefore }) {
      const claimed = await runner.all(
        sql`INSERT INTO idempotency_keys (site_id, key, request_hash, status, body, created_at) VALUES (${siteId}, ${key}, ${requestHash}, 0, '', ${t(now)}) ON CONFLICT (site_id, key) DO UPDATE SET request_hash = excluded.request_hash, status = 0, body = '', created_at = excluded.created_at WHERE idempotency_keys.created_at < ${t(expiredBefore)} OR (idempotency_keys.status = 0 AND idempotency_keys.created_at < ${t(abandonedBefore)}) RETURNING key`,
      );
      return claimed.length > 0;
    },

    async find(siteId, key) {
      const [row] = await runner.all(
        sql`SELECT request_hash, status, body, ${millis(dialect, 'created_at')} AS created_at FROM idempotency_keys WHERE site_id = ${siteId} AND key = ${key}`,
      );
      if (!row) return null;
      return {
        requestHash: String(row.request_hash),
        status: Number(row.status),
        body: String(row.body),
        createdAt: Number(row.created_at),
      };
    },

    async keep(siteId, key, requestHash, status, body) {
      await runner.transaction([
        sql`UPDATE idempotency_keys SET status = ${status}, body = ${body} WHERE site_id = ${siteId} AND key = ${key} AND request_hash = ${requestHash} AND status = 0`,
      ]);
    },

    async release(siteId, key, requestHash) {
      await runner.transaction([
        sql`DELETE FROM idempotency_keys WHERE site_id = ${siteId} AND key = ${key} AND request_hash = ${requestHash} AND status = 0`,
      ]);
    },

    async purgeExpired(before) {
      await runner.transaction([sql`DELETE FROM idempotency_keys WHERE created_at < ${t(before)}`]);
    },
  };
}
