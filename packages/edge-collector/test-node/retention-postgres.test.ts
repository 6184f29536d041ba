import { freshPostgres } from './fresh-database.ts';
import { describeRetention } from './retention-suite.ts';

const postgres = freshPostgres('retention');
describeRetention('Postgres', postgres.store, async () => {
  const { db } = postgres.pool()();
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
});
