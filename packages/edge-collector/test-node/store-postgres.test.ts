import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { attributionReport } from '../src/runtime/attribution-report.ts';
import { connectPerOperation, PostgresStore } from '../src/store/postgres.ts';
import { describeStore } from '../test/store-suite.ts';
import { freshPostgres } from './fresh-database.ts';

const database = freshPostgres('store');
describeStore('Postgres', database.store);

describe('Postgres behind Hyperdrive (a connection per operation)', () => {
  /** Connections ever opened to the test's database (each one ends before this reads). */
  async function connectionsOpened(): Promise<number> {
    const { db } = database.pool()();
    const [row] = await db.execute<{ sessions: string }>(
      sql`SELECT pg_stat_clear_snapshot(), (SELECT sessions FROM pg_stat_database WHERE datname = current_database()) AS sessions`,
    );
    return Number(row!.sessions);
  }

  const request = {
    model: 'data_driven',
    groupBy: 'channel',
    conversion: 'opportunity',
    from: Date.parse('2026-09-01T00:00:00Z'),
    to: Date.parse('2026-12-01T00:00:00Z'),
    lookbackDays: 90,
    timezone: 'UTC',
  } as const;

  it('reads an attribution report over one connection, where each read would open its own', async () => {
    const store = new PostgresStore(connectPerOperation(database.url()));
    const site = 'site_connections';
    const before = await connectionsOpened();
    await attributionReport(store, site, request);
    const alone = await connectionsOpened();
    await store.withConnection((one) => attributionReport(one, site, request));
    const shared = await connectionsOpened();
    // The pool's own connection was open before the first count: only the report's are new.
    expect(alone - before).toBeGreaterThan(5);
    expect(shared - alone).toBe(1);
  });
});
