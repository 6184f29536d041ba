import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'tests/vitest.config.ts'],
    // Two cores: run projects one or two at a time.
    maxWorkers: 2,
  },
});
