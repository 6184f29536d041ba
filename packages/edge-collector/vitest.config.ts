import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineProject } from 'vitest/config';

const migrations = await readD1Migrations(new URL('./migrations/d1', import.meta.url).pathname);

export default defineProject({
  // Tests run from source, so workspace packages need no build first. The worker is resolved in
  // Vite's `ssr` environment (webworker target): its default conditions follow the source one.
  ssr: {
    resolve: { conditions: ['@leadloop/source', 'module', 'browser', 'development|production'] },
  },
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          LEADLOOP_ENV: 'development',
          LEADLOOP_BASE_PATH: '/ll',
          TEST_MIGRATIONS: migrations,
        },
      },
    }),
  ],
  test: {
    name: 'edge-collector',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['./test/apply-migrations.ts'],
  },
});
