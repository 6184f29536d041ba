// The Postgres side of the ingest benchmark: a throwaway server (tests/postgres.ts) with the
// collector's migrations, read through the `postgres` driver.
import postgres from 'postgres';
import { migratePostgres } from '../packages/edge-collector/local/migrate-postgres.ts';
import { startPostgres } from '../tests/postgres.ts';

export type BenchPostgres = {
  /** Carries a password, as Hyperdrive's localConnectionString must. */
  url: string;
  /** `15.14`, say. */
  version: string;
  countEvents(siteId: string): Promise<number>;
  countLeads(siteId: string): Promise<number>;
  /** Events per writing transaction (rows sharing an `xmin`): the batches the consumer stored. */
  transactionSizes(siteId: string): Promise<number[]>;
  stop(): Promise<void>;
};

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const server = await startPostgres();
  try {
    await migratePostgres(server.url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const sql = postgres(server.url, { max: 1, onnotice: () => {} });
  const [setting] = await sql<{ server_version: string }[]>`SHOW server_version`;
  return {
    url: server.url,
    version: setting?.server_version.split(' ')[0] ?? 'unknown',
    async countEvents(siteId) {
      const [row] = await sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM events WHERE site_id = ${siteId}`;
      return row?.n ?? 0;
    },
    async countLeads(siteId) {
      const [row] = await sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM leads WHERE site_id = ${siteId}`;
      return row?.n ?? 0;
    },
    async transactionSizes(siteId) {
      const rows = await sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM events WHERE site_id = ${siteId} GROUP BY xmin::text`;
      return rows.map((row) => row.n);
    },
    async stop() {
      await sql.end();
      await server.stop();
    },
  };
}
