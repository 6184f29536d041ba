// @vitest-environment node
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
  dependencies?: Record<string, string>;
};

/** The script-tag build's byte budget, gzipped. */
const BUDGET_GZIP_BYTES = 3072;

function readDist(file: string): string {
  const path = fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: run \`pnpm build\` (or \`pnpm --filter @leadloop/sdk run build\`) first`,
    );
  }
  return readFileSync(path, 'utf8');
}

describe('script-tag bundle (dist/leadloop.js)', () => {
  it(`stays within ${BUDGET_GZIP_BYTES} bytes gzipped`, () => {
    const code = readDist('leadloop.js');
    expect(code.length).toBeGreaterThan(0);
    const gzipped = gzipSync(code, { level: 9 }).byteLength;
    expect(gzipped, `leadloop.js is ${gzipped} bytes gzipped`).toBeLessThanOrEqual(
      BUDGET_GZIP_BYTES,
    );
  });

  it('does not bundle zod', () => {
    const code = readDist('leadloop.js');
    expect(code).not.toContain('ZodError');
    expect(code).not.toContain('_zod');
    expect(code).not.toMatch(/\$ZodType|ZodObject|ZodString|safeParse/);
  });

  it('is a self-contained IIFE that posts to /v1/collect', () => {
    const code = readDist('leadloop.js');
    expect(code).not.toMatch(/\bimport\s*[{("'*]|\brequire\(/);
    expect(code).toContain('/v1/collect');
    expect(code).toContain('leadloop.js');
    expect(code).toContain(JSON.stringify(pkg.version));
    expect(code).not.toContain('__SDK_VERSION__');
  });
});

describe('bundler build (dist/index.js)', () => {
  it('imports nothing but its runtime dependency js-cookie', () => {
    const code = readDist('index.js');
    const imports = [
      ...code.matchAll(/\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]/g),
    ].map((match) => match[1] ?? match[2]);
    expect(imports).toEqual(['js-cookie']);
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(['js-cookie']);
  });
});
