import { configDefaults, defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['**/*.test.ts'],
    // Runs in the root config's `postgres` project, which starts the database it needs.
    exclude: [...configDefaults.exclude, 'postgres*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
