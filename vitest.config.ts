import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'tests/vitest.config.ts',
      {
        // Node tests against a real PostgreSQL, started once per run (tests/postgres.ts).
        // Workspace packages resolve to their TypeScript sources, as in the other projects.
        ssr: { resolve: { conditions: ['@leadloop/source', 'node', 'import', 'default'] } },
        test: {
          name: 'postgres',
          environment: 'node',
          include: ['tests/postgres*.test.ts', 'packages/edge-collector/test-node/**/*.test.ts'],
          globalSetup: ['tests/postgres-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
    // Two cores: run projects one or two at a time.
    maxWorkers: 2,
  },
});
