import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: '../schema/src/db/sqlite.ts',
  out: './migrations/d1',
});
