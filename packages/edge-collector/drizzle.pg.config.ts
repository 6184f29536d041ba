import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: '../schema/src/db/pg.ts',
  out: './migrations/postgres',
});
