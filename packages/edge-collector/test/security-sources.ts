// The collector's own source text, for the security tests that read code paths (how keys are
// compared, which SQL is written unbound). Vite inlines the files at build time, so this runs in
// workerd, which has no file system.

declare global {
  interface ImportMeta {
    glob<T>(
      patterns: string[],
      options: { query: string; import: string; eager: true },
    ): Record<string, T>;
  }
}

const FILES = import.meta.glob<string>(['../src/**/*.ts', '!../src/**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** Every source file of src/ but tests, by its path under src/ (`http/admin-auth.ts`). */
export const SOURCES: Record<string, string> = Object.fromEntries(
  Object.entries(FILES).map(([path, text]) => [path.replace(/^\.\.\/src\//, ''), text]),
);

/** The store's files, by name (`key-store.ts`). */
export const STORE_SOURCES: Record<string, string> = Object.fromEntries(
  Object.entries(SOURCES)
    .filter(([path]) => /^store\/[^/]+$/.test(path))
    .map(([path, text]) => [path.slice('store/'.length), text]),
);
