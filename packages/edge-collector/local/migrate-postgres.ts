// Applies the collector's Postgres migrations (drizzle-kit's, in migrations/postgres) to the
// database at a URL, recording what ran in drizzle's own table so a rerun applies only what is new.
//   node local/migrate-postgres.ts postgres://user:password@host:5432/leadloop
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

const MIGRATIONS = fileURLToPath(new URL('../migrations/postgres', import.meta.url));

export async function migratePostgres(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2] ?? process.env.DATABASE_URL;
  if (!url) {
    console.error('usage: node local/migrate-postgres.ts <postgres-url>  (or set DATABASE_URL)');
    process.exit(2);
  }
  await migratePostgres(url);
  console.log('Postgres migrations applied.');
}
