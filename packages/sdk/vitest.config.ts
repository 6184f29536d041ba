import { defineProject } from 'vitest/config';

export default defineProject({
  define: { __SDK_VERSION__: JSON.stringify('test'), __DEBUG__: 'false' },
  resolve: { conditions: ['@leadloop/source'] },
  test: { name: 'sdk', environment: 'happy-dom' },
});
