// @vitest-environment node
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/**
 * The script tag's byte ceiling, gzip -9: the target of DESIGN.md, 3,072 B. Raise it only in the
 * commit that makes the bundle grow, saying why.
 *
 * The complete SDK — forms with their sensitive-data filters, calls, consent, the retry queue,
 * first/last touch, ad ids — measured 4,395 B with js-cookie. Hand-written cookies (-481 B), terser
 * instead of esbuild's minifier (-105 B), campaign parsing left to the collector (-89 B), blob-URL
 * ids, terser options, finishing touches and smaller rewrites brought it to 3,172 B. Then, to
 * 3,055 B: more finishing touches (function declarations as arrows, declarations ordered for gzip,
 * no final newline: -40 B), the landing touch, the anonymous id and automatic capture written in
 * the client rather than behind functions called once (-35 B), Storage's named properties instead
 * of getItem/setItem (-13 B), `toJSON` for `toISOString`, shorter patterns and smaller rewrites.
 * Then 3,070 B: ids from `crypto.randomUUID` (no blob URL round trip on load) and each event sent
 * once (what a fetch carries stays out of page-hide beacons, and a beacon's events leave the
 * queue), about +45 B, paid in part by `void 0` as a one-letter binding (-8 B) and smaller
 * rewrites.
 */
const CEILING_GZIP_BYTES = 3072;
const TARGET_GZIP_BYTES = 3072;

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
  dependencies?: Record<string, string>;
};

const distPath = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

function readDist(file: string): string {
  const path = distPath(file);
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: build the SDK first (pnpm --filter @leadloop/sdk build), then rerun`,
    );
  }
  return readFileSync(path, 'utf8');
}

/** Module specifiers that are neither relative nor absolute: packages left for a bundler. */
function bareImports(code: string): string[] {
  const specifiers = [
    ...code.matchAll(
      /\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]|\brequire\s*\(\s*['"]([^'"]+)['"]/g,
    ),
  ].map((match) => match[1] ?? match[2]!);
  return specifiers.filter((specifier) => !/^(\.{1,2}\/|\/)/.test(specifier));
}

describe('dist/leadloop.js (script tag)', () => {
  it(`is at most ${CEILING_GZIP_BYTES} bytes gzipped`, () => {
    const code = readDist('leadloop.js');
    expect(code.length).toBeGreaterThan(1000);
    const size = gzipSync(code, { level: 9 }).byteLength;
    expect(
      size,
      `dist/leadloop.js is ${size} B gzip -9; the ceiling is ${CEILING_GZIP_BYTES} B, the target ${TARGET_GZIP_BYTES} B`,
    ).toBeLessThanOrEqual(CEILING_GZIP_BYTES);
  });

  it('bundles no zod', () => {
    const code = readDist('leadloop.js');
    expect(code.match(/zod|safeParse|\$ZodType|ZodError/gi) ?? []).toEqual([]);
  });

  it('is a self-contained IIFE with the build-time constants replaced', () => {
    const code = readDist('leadloop.js');
    expect(bareImports(code)).toEqual([]);
    expect(code).not.toMatch(/\bimport\s*[{("'*]|\bexport\s/);
    expect(code).toContain('/v1/collect');
    expect(code).toContain(JSON.stringify(pkg.version));
    expect(code).not.toMatch(/__SDK_VERSION__|__DEBUG__/);
    // Warnings live in the debug build only.
    expect(code).not.toContain('console.warn');
    expect(readDist('leadloop.debug.js')).toContain('console.warn');
  });

  it('is served by dist/script.js as a string with its strong ETag', async () => {
    const code = readDist('leadloop.js');
    readDist('script.js');
    const served = (await import(pathToFileURL(distPath('script.js')).href)) as {
      default: string;
      etag: string;
    };
    expect(served.default).toBe(code);
    const digest = createHash('sha256').update(code).digest('base64url').slice(0, 27);
    expect(served.etag).toBe(`"${digest}"`);
  });
});

describe('dist/index.js (bundlers)', () => {
  it('imports no package but its declared runtime dependencies, and no zod', () => {
    const code = readDist('index.js');
    // Workspace packages (@leadloop/schema) are inlined; only `dependencies` reach the user.
    const declared = Object.keys(pkg.dependencies ?? {});
    for (const specifier of bareImports(code)) expect(declared, specifier).toContain(specifier);
    expect(code).not.toContain('@leadloop/');
    expect(code.match(/zod|safeParse/gi) ?? []).toEqual([]);
    expect(code).not.toMatch(/__SDK_VERSION__|__DEBUG__/);
    expect(code).toMatch(/export\s*\{[^}]*\binit\b/);
  });
});

describe('readDist', () => {
  it('says how to build when dist is missing', () => {
    expect(() => readDist('no-such-file.js')).toThrow(/no-such-file\.js is missing: build the SDK/);
  });
});
