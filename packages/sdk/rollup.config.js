// Builds the script-tag IIFE (dist/leadloop.js), the bundler ESM (dist/index.js) and, for the
// collector to serve, dist/script.js: the IIFE as a string module with its ETag.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';

const target = 'es2019';
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const define = { __SDK_VERSION__: JSON.stringify(pkg.version) };

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
    plugins: [
      resolveSource(),
      esbuild({ target, define, minify: true, legalComments: 'none' }),
      scriptModule(),
    ],
  },
  {
    input: 'src/index.ts',
    external: ['js-cookie'],
    output: { file: 'dist/index.js', format: 'es' },
    plugins: [resolveSource(), esbuild({ target, define })],
  },
];
