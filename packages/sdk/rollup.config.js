// Builds the script-tag IIFE (dist/leadloop.js, and an unminified dist/leadloop.debug.js that
// logs swallowed errors), the bundler ESM (dist/index.js) and, for the
// collector to serve, dist/script.js: the IIFE as a string module with its ETag.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';

// ES2021 keeps `?.`, `??` and `??=` as written: every browser since 2020 runs them.
const target = 'es2021';
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const version = JSON.stringify(pkg.version);
// __DEBUG__ keeps warnings in dist/leadloop.debug.js only; the minifier drops them elsewhere.
const define = { __SDK_VERSION__: version, __DEBUG__: 'false' };
const debugDefine = { __SDK_VERSION__: version, __DEBUG__: 'true' };

// Terser rather than esbuild's minifier for the script tag: its repeated passes and unsafe (but
// spec-conforming for this code) rewrites save about 100 B gzip, 3% of the budget.
const terserOptions = {
  ecma: 2020,
  toplevel: true,
  compress: {
    passes: 4,
    unsafe: true,
    unsafe_arrows: true,
    unsafe_comps: true,
    unsafe_methods: true,
    pure_getters: true,
  },
  format: { comments: false },
};

/** Emits `script.js` exporting the finished IIFE, so any runtime can serve it without file I/O. */
function scriptModule() {
  return {
    name: 'leadloop-script-module',
    generateBundle(_options, bundle) {
      const chunk = bundle['leadloop.js'];
      const code = chunk.code;
      const etag = `"${createHash('sha256').update(code).digest('base64url').slice(0, 27)}"`;
      this.emitFile({
        type: 'asset',
        fileName: 'script.js',
        source: `export const etag = ${JSON.stringify(etag)};\nexport default ${JSON.stringify(code)};\n`,
      });
    },
  };
}

// Workspace packages resolve to their TypeScript sources, so the SDK builds without building them.
const resolveSource = () =>
  nodeResolve({ exportConditions: ['@leadloop/source'], extensions: ['.ts', '.js'] });

export default [
  {
    input: 'src/script-tag.ts',
    output: { file: 'dist/leadloop.js', format: 'iife', strict: false },
    plugins: [resolveSource(), esbuild({ target, define }), terser(terserOptions), scriptModule()],
  },
  {
    input: 'src/script-tag.ts',
    output: { file: 'dist/leadloop.debug.js', format: 'iife', strict: false },
    plugins: [resolveSource(), esbuild({ target, define: debugDefine })],
  },
  {
    input: 'src/index.ts',
    output: { file: 'dist/index.js', format: 'es' },
    plugins: [resolveSource(), esbuild({ target, define })],
  },
  {
    // One bundled index.d.ts for bundlers' users.
    input: 'src/index.ts',
    output: { file: 'dist/index.d.ts', format: 'es' },
    plugins: [dts({ respectExternal: true, tsconfig: 'tsconfig.build.json' })],
  },
];
