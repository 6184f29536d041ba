// What tests/postgres-global-setup.ts provides to the Node tests of this package.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
