import { readdir, readFile } from 'node:fs/promises';
import postgres from 'postgres';

const MIGRATIONS = new URL('../migrations/postgres/', import.meta.url);

/** Applies drizzle-kit's Postgres migrations in order, each in one transaction. */
export async function migratePostgres(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const files = (await readdir(MIGRATIONS)).filter((file) => file.endsWith('.sql')).sort();
    for (const file of files) {
      const statements = (await readFile(new URL(file, MIGRATIONS), 'utf8'))
        .split('--> statement-breakpoint')
        .map((statement) => statement.trim())
        .filter(Boolean);
      await sql.begin(async (tx) => {
        for (const statement of statements) await tx.unsafe(statement);
      });
    }
  } finally {
    await sql.end();
  }
}
