import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineProject } from 'vitest/config';

const migrations = await readD1Migrations(new URL('./migrations/d1', import.meta.url).pathname);

export default defineProject({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: { LEADLOOP_ENV: 'development', TEST_MIGRATIONS: migrations },
      },
    }),
  ],
  test: {
    name: 'edge-collector',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['./test/apply-migrations.ts'],
  },
});
