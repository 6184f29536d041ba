import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@leadloop/source'] },
  test: { name: 'schema', environment: 'node' },
});
