import { afterAll, beforeAll, inject } from 'vitest';
import { migratePostgres } from '../local/migrate-postgres.ts';
import { connectPool, PostgresStore } from '../src/store/postgres.ts';
import { describeLeads } from '../test/lead-suite.ts';

// A fresh database per file: the throwaway server is shared by the whole run.
const pool = { current: undefined as ReturnType<typeof connectPool> | undefined };

beforeAll(async () => {
  const url = new URL(inject('databaseUrl'));
  const database = `leads_${process.pid}_${Date.now()}`;
  const admin = connectPool(url.href, 1);
  const { db } = admin();
  await db.execute(`create database ${database}`);
  await admin.end();
  url.pathname = `/${database}`;
  await migratePostgres(url.href);
  pool.current = connectPool(url.href);
});

afterAll(async () => {
  await pool.current?.end();
});

describeLeads('Postgres', () => new PostgresStore(pool.current!));
