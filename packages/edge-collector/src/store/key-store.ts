import type { ApiKeyScope, Site } from '@leadloop/schema';
import { sql } from 'drizzle-orm';
import { defaultScopes, FIRST_KEY_NAME, type KeyKind } from '../core/keys.ts';
import { jsonText, millis } from './identity-sql.ts';
import type { SqlRunner } from './identity-store.ts';
import type { Dialect } from './merge-sql.ts';
import { jsonParam, numberOrNull, parsedJson, timeParam } from './sql-values.ts';
import type { NewApiKey, NewSite } from './types.ts';

// API keys of a site: created, listed, revoked, and looked up by hash on every REST request, written
// once over both databases like the webhook store. Times are epoch milliseconds in and out.

type Row = Record<string, unknown>;

/** A key as stored, without its hash: what the admin API lists and the guard checks. */
export type ApiKeyRow = {
  id: string;
  siteId: string;
  kind: KeyKind;
  name: string;
  /** The first characters of the key, to recognise it; never enough to use it. */
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
};

/** A key to store: its row and the hex SHA-256 of the key, which itself is never stored. */
export type NewKeyRow = Omit<ApiKeyRow, 'lastUsedAt' | 'revokedAt'> & { hash: string };

export interface KeyStore {
  createKey(key: NewKeyRow): Promise<void>;
  /** Every key of the site, revoked ones included, oldest first. */
  listKeys(siteId: string): Promise<ApiKeyRow[]>;
  getKey(siteId: string, id: string): Promise<ApiKeyRow | null>;
  /**
   * Revokes the key at `now`, or keeps the time it was revoked at when it already was (revoking
   * twice changes nothing); null when the site has no such key.
   */
  revokeKey(siteId: string, id: string, now: number): Promise<ApiKeyRow | null>;
  /** The key with this hash, revoked or not, with its site: one query, made on every request. */
  findByHash(hash: string): Promise<{ key: ApiKeyRow; site: Site } | null>;
  /** Sets `last_used_at`, unless another request set it within the last `resolutionMs`. */
  recordUse(id: string, now: number, resolutionMs: number): Promise<void>;
}

/**
 * Key columns, aliased so a join with `sites` can tell them apart; `from` qualifies them (`k.`),
 * except after UPDATE … RETURNING, where SQLite takes only the bare column names.
 */
const KEY_SELECT = (dialect: Dialect, from = 'k.') => {
  const column = (name: string) => sql.raw(`${from}${name}`);
  const time = (name: string) => millis(dialect, `${from}${name}`);
  return sql`${column('id')} AS key_id, ${column('site_id')} AS key_site_id, ${column('kind')} AS key_kind, ${column('name')} AS key_name, ${column('prefix')} AS key_prefix, ${jsonText(dialect, `${from}scopes`)} AS key_scopes, ${time('created_at')} AS key_created_at, ${time('last_used_at')} AS key_last_used_at, ${time('revoked_at')} AS key_revoked_at`;
};

const SITE_SELECT = (dialect: Dialect) =>
  sql`s.id AS site_id, s.name AS site_name, ${jsonText(dialect, 's.allowed_origins')} AS site_allowed_origins, s.timezone AS site_timezone, s.default_country AS site_default_country, ${jsonText(dialect, 's.ignored_identifiers')} AS site_ignored_identifiers, s.retention_days AS site_retention_days, ${millis(dialect, 's.created_at')} AS site_created_at`;

const toKeyRow = (row: Row): ApiKeyRow => ({
  id: String(row.key_id),
  siteId: String(row.key_site_id),
  kind: row.key_kind as KeyKind,
  name: String(row.key_name ?? ''),
  prefix: String(row.key_prefix),
  scopes: parsedJson<ApiKeyScope[]>(row.key_scopes),
  createdAt: Number(row.key_created_at),
  lastUsedAt: numberOrNull(row.key_last_used_at),
  revokedAt: numberOrNull(row.key_revoked_at),
});

const toSite = (row: Row): Site => ({
  id: String(row.site_id),
  name: String(row.site_name),
  allowedOrigins: parsedJson<string[]>(row.site_allowed_origins),
  timezone: String(row.site_timezone),
  defaultCountry: (row.site_default_country as string | null) ?? null,
  ignoredIdentifiers: parsedJson<string[]>(row.site_ignored_identifiers),
  retentionDays: numberOrNull(row.site_retention_days),
  createdAt: new Date(Number(row.site_created_at)).toISOString(),
});

export function keyStore(runner: SqlRunner): KeyStore {
  const { dialect } = runner;
  const t = (ms: number) => timeParam(dialect, ms);

  async function getKey(siteId: string, id: string): Promise<ApiKeyRow | null> {
    const [row] = await runner.all(
      sql`SELECT ${KEY_SELECT(dialect)} FROM api_keys k WHERE k.site_id = ${siteId} AND k.id = ${id}`,
    );
    return row ? toKeyRow(row) : null;
  }

  return {
    async createKey(key) {
      await runner.transaction([
        sql`INSERT INTO api_keys (id, site_id, kind, prefix, hash, name, scopes, created_at) VALUES (${key.id}, ${key.siteId}, ${key.kind}, ${key.prefix}, ${key.hash}, ${key.name}, ${jsonParam(dialect, key.scopes)}, ${t(key.createdAt)})`,
      ]);
    },

    async listKeys(siteId) {
      const rows = await runner.all(
        sql`SELECT ${KEY_SELECT(dialect)} FROM api_keys k WHERE k.site_id = ${siteId} ORDER BY k.created_at, k.id`,
      );
      return rows.map(toKeyRow);
    },

    getKey,

    async revokeKey(siteId, id, now) {
      // The first revocation's time stands; the UPDATE … RETURNING answers for both cases.
      const [row] = await runner.all(
        sql`UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ${t(now)}) WHERE site_id = ${siteId} AND id = ${id} RETURNING ${KEY_SELECT(dialect, '')}`,
      );
      return row ? toKeyRow(row) : null;
    },

    async findByHash(hash) {
      const [row] = await runner.all(
        sql`SELECT ${KEY_SELECT(dialect)}, ${SITE_SELECT(dialect)} FROM api_keys k JOIN sites s ON s.id = k.site_id WHERE k.hash = ${hash}`,
      );
      return row ? { key: toKeyRow(row), site: toSite(row) } : null;
    },

    async recordUse(id, now, resolutionMs) {
      // Guarded in SQL too: concurrent requests of one key write once, and never move it back.
      await runner.transaction([
        sql`UPDATE api_keys SET last_used_at = ${t(now)} WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at <= ${t(now - resolutionMs)})`,
      ]);
    },
  };
}

/** A key made with its site (`createSite`): named, with its kind's scopes stated explicitly. */
export function firstKeyRow(key: NewApiKey, site: NewSite) {
  return {
    ...key,
    siteId: site.id,
    name: FIRST_KEY_NAME,
    scopes: defaultScopes(key.kind),
    createdAt: site.createdAt,
  };
}
