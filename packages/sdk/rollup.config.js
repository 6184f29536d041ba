// Builds the script-tag IIFE (dist/leadloop.js, and an unminified dist/leadloop.debug.js that
// logs swallowed errors), the bundler ESM (dist/index.js) and, for the
// collector to serve, dist/script.js: the IIFE as a string module with its ETag.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
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

/** Whether `node` uses `this`, `arguments` or `new.target` of its own function (not a nested one's). */
function usesOwnThis(node) {
  if (!node || typeof node.type !== 'string') return false;
  if (
    node.type === 'ThisExpression' ||
    node.type === 'MetaProperty' ||
    (node.type === 'Identifier' && node.name === 'arguments')
  )
    return true;
  if (node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration') return false;
  return Object.values(node).some((value) =>
    Array.isArray(value) ? value.some(usesOwnThis) : value && usesOwnThis(value),
  );
}

/**
 * Calls `visit(child, siblings, index, parent, grandparent)` for every node under `node`, depth
 * first.
 */
function walk(node, visit, parent) {
  for (const value of Object.values(node)) {
    const children = Array.isArray(value) ? value : [value];
    children.forEach((child, index) => {
      if (!child || typeof child.type !== 'string') return;
      visit(child, Array.isArray(value) ? value : [], index, node, parent);
      walk(child, visit, node);
    });
  }
}

/** `code` with each `[start, end, replacement]` edit made; edits never overlap. */
function applyEdits(code, edits) {
  let out = code;
  // From the end, so positions hold; of two edits at one position, the longer one first.
  for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0] || b[1] - a[1]))
    out = out.slice(0, start) + text + out.slice(end);
  return out;
}

/** Names a function's parameters bind. */
function paramNames(fn) {
  const names = new Set();
  walk({ params: fn.params }, (node) => node.type === 'Identifier' && names.add(node.name));
  return names;
}

/** Whether evaluating `node` reads no binding and has no effect: literals, functions, `void 0`. */
function inert(node) {
  switch (node?.type) {
    case undefined:
    case 'Literal':
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      return true;
    case 'UnaryExpression':
      return inert(node.argument);
    case 'TemplateLiteral':
      return !node.expressions.length;
    case 'ArrayExpression':
      return node.elements.every(inert);
    case 'ObjectExpression':
      return node.properties.every(
        (property) => property.type === 'Property' && !property.computed && inert(property.value),
      );
    default:
      return false;
  }
}

/**
 * The top-level declarations of the wrapper, in the order that gzips smallest. Only when each of
 * them initialises to a literal or a function: then no order can change what the code does, as
 * none reads another binding before the statement after them runs. A local search (move one
 * declarator, swap two, while either saves a byte): deterministic, and about a second.
 */
function reorderDeclarations(code, program) {
  const block = program.body[0]?.expression?.callee?.body;
  const declaration = block?.body?.[0];
  if (
    declaration?.type !== 'VariableDeclaration' ||
    !declaration.declarations.every((d) => inert(d.init))
  )
    return code;
  const parts = declaration.declarations.map((d) => code.slice(d.start, d.end));
  const head = code.slice(0, declaration.declarations[0].start);
  const tail = code.slice(declaration.declarations.at(-1).end);
  const build = (order) => head + order.map((index) => parts[index]).join(',') + tail;
  const size = (order) => gzipSync(build(order), { level: 9 }).length;
  let order = parts.map((_, index) => index);
  let best = size(order);
  const consider = (candidate) => {
    const bytes = size(candidate);
    if (bytes >= best) return false;
    [best, order] = [bytes, candidate];
    return true;
  };
  for (let improved = true; improved; ) {
    improved = false;
    // Moving one declarator elsewhere, then swapping two.
    for (let from = 0; from < order.length; from++)
      for (let to = 0; to < order.length; to++) {
        const moved = order.slice();
        moved.splice(to, 0, ...moved.splice(from, 1));
        if (from !== to && consider(moved)) improved = true;
      }
    for (let one = 0; one < order.length; one++)
      for (let other = one + 1; other < order.length; other++) {
        const swapped = order.slice();
        [swapped[one], swapped[other]] = [swapped[other], swapped[one]];
        if (consider(swapped)) improved = true;
      }
  }
  return build(order);
}

/**
 * `void 0` becomes a binding that is never assigned, added to the wrapper's declarations: one
 * letter instead of six (-8 B gzip). Only when every declaration there initialises to a literal or
 * a function, so no code runs before the binding exists, and with a letter found nowhere in the
 * code, so no other binding shadows it.
 */
function undefinedBinding(code, program) {
  const declaration = program.body[0]?.expression?.callee?.body?.body?.[0];
  if (
    declaration?.type !== 'VariableDeclaration' ||
    declaration.kind !== 'let' || // a `const` needs an initialiser
    !declaration.declarations.every((d) => inert(d.init))
  )
    return code;
  const names = new Set();
  const voids = [];
  walk(program, (node) => {
    if (node.type === 'Identifier') names.add(node.name);
    if (node.type === 'UnaryExpression' && node.operator === 'void' && inert(node.argument))
      voids.push(node);
  });
  const name = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$'].find(
    (letter) => !names.has(letter),
  );
  if (!name || voids.length < 2) return code;
  const last = declaration.declarations.at(-1).end;
  return applyEdits(code, [
    ...voids.map((node) => [node.start, node.end, name]),
    [last, last, `,${name}`],
  ]);
}

/**
 * Finishing touches on the minified script tag that terser does not make, about 70 B gzip:
 * - function declarations become arrow functions in `let` declarations (`function f(t){return
 *   t+1}` → `let f=t=>t+1;`, -18 B). Only those at the head of a function's body, where terser's
 *   hoist_funs puts them, so each is defined before any other statement runs; only those that use
 *   no `this`, `arguments` or `new.target`, that nothing calls with `new`, and whose name no
 *   parameter of the enclosing function shares;
 * - `catch(e){}` → `catch{}`: the debug build's warning was the binding's only use;
 * - `\x3d` → `=` in regular expressions (see attribution.ts);
 * - `const` declarations become `let` and neighbouring declarations join (`const a=1;let b;` →
 *   `let a=1,b;`);
 * - the `!function(){…}()` wrapper becomes `(()=>{…})()`, without a final `;` and newline;
 * - `void 0` becomes a one-letter binding never assigned (see undefinedBinding);
 * - the wrapper's declarations take the order that gzips smallest (about -20 B, see
 *   reorderDeclarations).
 * Safe on the finished code: nothing reassigns a constant (rollup already refused that), joined
 * declarations keep their order, the wrapper uses no `this` or `arguments`, and the AST tells code
 * from look-alikes in strings. The result is parsed again, so a slip fails the build.
 */
function finishingTouches() {
  return {
    name: 'leadloop-finishing-touches',
    renderChunk(code) {
      // Pass 1: function declarations and catch bindings.
      let edits = [];
      const ast = this.parse(code);
      const constructed = new Set();
      walk(ast, (node) => node.type === 'NewExpression' && constructed.add(node.callee.name));
      walk(ast, (node, siblings, index, parent, grandparent) => {
        if (node.type === 'CatchClause' && node.param && !node.body.body.length) {
          edits.push([node.param.start - 1, node.body.start, '']);
          return;
        }
        if (node.regex) {
          // `\x3d` → `=`: the escape only got the pattern past terser's guard (see attribution.ts).
          // Never after `(?`, where `\x3d` would not parse; an escaped backslash stays as it is.
          const raw = code.slice(node.start, node.end);
          const plain = raw.replace(/(?<!\\)((?:\\\\)*)\\x3d/g, '$1=');
          if (plain !== raw) edits.push([node.start, node.end, plain]);
          return;
        }
        // Declarations in a function's body only (one at the program's top would be global).
        if (
          node.type !== 'FunctionDeclaration' ||
          node.generator ||
          constructed.has(node.id.name) ||
          !siblings.slice(0, index).every((sibling) => sibling.type === 'FunctionDeclaration') ||
          parent.type !== 'BlockStatement' ||
          !/Function/.test(grandparent?.type) ||
          usesOwnThis({ params: node.params, body: node.body }) ||
          paramNames(grandparent).has(node.id.name)
        )
          return;
        const simple = node.params.length === 1 && node.params[0].type === 'Identifier';
        const open = code.indexOf('(', node.id.end);
        const params = simple ? node.params[0].name : code.slice(open, node.body.start);
        edits.push([
          node.start,
          node.body.start,
          `let ${node.id.name}=${node.async ? 'async ' : ''}${params}=>`,
        ]);
        const [only, ...rest] = node.body.body;
        if (only?.type === 'ReturnStatement' && only.argument && !rest.length) {
          // `=>{` would open a block, `=>a,b` end at the comma: both go in parentheses.
          const wrap =
            code[only.argument.start] === '{' || only.argument.type === 'SequenceExpression';
          edits.push([node.body.start, only.argument.start, wrap ? '(' : '']);
          edits.push([only.argument.end, node.body.end, wrap ? ')' : '']);
        }
        edits.push([node.body.end, node.body.end, ';']);
      });
      code = applyEdits(code, edits);

      // Pass 2: declarations and the wrapper.
      edits = [];
      const lexical = (node) =>
        node?.type === 'VariableDeclaration' && (node.kind === 'let' || node.kind === 'const');
      const program = this.parse(code);
      walk(program, (node, siblings, index) => {
        const previous = siblings[index - 1];
        if (lexical(node) && lexical(previous)) {
          // `;let ` or `;const ` between the two declarations: a comma instead.
          edits.push([previous.declarations.at(-1).end, node.declarations[0].start, ',']);
        } else if (lexical(node) && node.kind === 'const') {
          edits.push([node.start, node.start + 'const'.length, 'let']);
        }
      });
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
      // Without the last statement's `;` and the file's final newline, which gzip pays for.
      let out = applyEdits(code, edits).replace(/;?\s*$/, '');
      out = undefinedBinding(out, this.parse(out));
      out = reorderDeclarations(out, this.parse(out));
      this.parse(out);
      return { code: out, map: null };
    },
    generateBundle(_options, bundle) {
      // Nor the newline rollup puts after the chunk.
      for (const chunk of Object.values(bundle))
        if (chunk.type === 'chunk') chunk.code = chunk.code.trimEnd();
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
