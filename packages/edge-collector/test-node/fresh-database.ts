import { afterAll, beforeAll, inject } from 'vitest';
import { migratePostgres } from '../local/migrate-postgres.ts';
import { connectPool, PostgresStore } from '../src/store/postgres.ts';

/**
 * A migrated database of its own for the calling test file (`<prefix>_<pid>_<time>`) on the
 * throwaway server the run shares, and a store on it once `beforeAll` has run.
 */
export function freshPostgresStore(prefix: string): () => PostgresStore {
  return freshPostgres(prefix).store;
}

/** A fresh Postgres database as a store, its connection pool (to read every table) and URL. */
export function freshPostgres(prefix: string): {
  store: () => PostgresStore;
  pool: () => ReturnType<typeof connectPool>;
  url: () => string;
} {
  const pool = { current: undefined as ReturnType<typeof connectPool> | undefined };
  let databaseUrl = '';
  beforeAll(async () => {
    const url = new URL(inject('databaseUrl'));
    const database = `${prefix}_${process.pid}_${Date.now()}`;
    const admin = connectPool(url.href, 1);
    const { db } = admin();
    await db.execute(`create database ${database}`);
    await admin.end();
    url.pathname = `/${database}`;
    databaseUrl = url.href;
    await migratePostgres(url.href);
    pool.current = connectPool(url.href);
  });
  afterAll(async () => {
    await pool.current?.end();
  });
  return {
    store: () => new PostgresStore(pool.current!),
    pool: () => pool.current!,
    url: () => databaseUrl,
  };
}

/** Every table of a Postgres database as text (one JSON row per line, sorted), by name. */
export async function dumpPostgresTables(
  pool: ReturnType<typeof connectPool>,
): Promise<Record<string, string>> {
  const { db } = pool();
  const tables = (await db.execute(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  )) as unknown as { name: string }[];
  const dump: Record<string, string> = {};
  for (const { name } of tables) {
    const rows = (await db.execute(
      `SELECT to_jsonb(t)::text AS row FROM "${name}" AS t ORDER BY 1`,
    )) as unknown as { row: string }[];
    dump[name] = rows.map((row) => row.row).join('\n');
  }
  return dump;
}
