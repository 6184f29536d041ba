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
    // `!0` → `1`: nothing in the SDK tells a boolean from 0/1 by strict equality (-9 B gzip).
    booleans_as_integers: true,
    hoist_funs: true, // -13 B gzip
    inline: 1, // only trivial functions: whole ones become IIFEs that cost more (-4 B gzip)
  },
  mangle: {
    // Options only the script tag and createClient see (-9 B gzip). Names the wire format or the
    // page's data-* attributes share stay as written: writeKey, cookieDomain, consent, and the
    // flags read as `'cookieless' in dataset`, a string terser would rename along.
    properties: { regex: /^(apiHost|autoCapture|cookieDays)$/ },
  },
  format: { comments: false },
};

/** Whether `node` uses `this` or `arguments` of its own function (not of a nested one). */
function usesOwnThis(node) {
  if (!node || typeof node.type !== 'string') return false;
  if (node.type === 'ThisExpression' || (node.type === 'Identifier' && node.name === 'arguments'))
    return true;
  if (node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration') return false;
  return Object.values(node).some((value) =>
    Array.isArray(value) ? value.some(usesOwnThis) : value && usesOwnThis(value),
  );
}

/**
 * Finishing touches on the minified script tag that terser does not make, about 35 B gzip: `const`
 * declarations become `let` and neighbouring declarations join (`const a=1;let b;` → `let a=1,b;`),
 * and the `!function(){…}()` wrapper becomes `(()=>{…})()`. Safe on the finished code: nothing
 * reassigns a constant (rollup already refused that), joined declarations keep their order, the
 * wrapper uses no `this` or `arguments`, and the AST tells code from look-alikes in strings.
 */
function finishingTouches() {
  return {
    name: 'leadloop-finishing-touches',
    renderChunk(code) {
      const edits = []; // [start, end, replacement], never overlapping
      const lexical = (node) =>
        node?.type === 'VariableDeclaration' && (node.kind === 'let' || node.kind === 'const');
      const visit = (node) => {
        for (const value of Object.values(node)) {
          const children = Array.isArray(value) ? value : [value];
          children.forEach((child, index) => {
            if (!child || typeof child.type !== 'string') return;
            const previous = Array.isArray(value) && children[index - 1];
            if (lexical(child) && lexical(previous)) {
              // `;let ` or `;const ` between the two declarations: a comma instead.
              edits.push([previous.declarations.at(-1).end, child.declarations[0].start, ',']);
            } else if (lexical(child) && child.kind === 'const') {
              edits.push([child.start, child.start + 'const'.length, 'let']);
            }
            visit(child);
          });
        }
      };
      const program = this.parse(code);
      visit(program);
      const wrapper = program.body.length === 1 && program.body[0].expression;
      const call = wrapper?.operator === '!' && wrapper.argument;
      const iife = call?.type === 'CallExpression' && call.callee;
      if (
        iife?.type === 'FunctionExpression' &&
        !iife.params.length &&
        !call.arguments.length &&
        !usesOwnThis(iife.body)
      ) {
        edits.push([wrapper.start, iife.body.start, '(()=>']);
        edits.push([iife.body.end, call.end, ')()']);
      }
      let out = code;
      for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0]))
        out = out.slice(0, start) + text + out.slice(end);
      return { code: out, map: null };
    },
  };
}

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
      esbuild({ target, define }),
      terser(terserOptions),
      finishingTouches(),
      scriptModule(),
    ],
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
