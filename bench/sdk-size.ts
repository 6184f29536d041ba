// The script-tag build's transfer size against the DESIGN.md budget. Published trackers are put
// beside it by sdk-compare.ts.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { int, type Row } from './report.ts';

const BUDGET_GZIP_BYTES = 3072;
export const SDK_BUNDLE = fileURLToPath(
  new URL('../packages/sdk/dist/leadloop.js', import.meta.url),
);

export type Sizes = { raw: number; gzip: number; brotli: number };

export function compressedSizes(code: Buffer): Sizes {
  const gzip = gzipSync(code, { level: 9 }).byteLength;
  const brotli = brotliCompressSync(code, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: code.byteLength,
    },
  }).byteLength;
  return { raw: code.byteLength, gzip, brotli };
}

export function readSdkBundle(): Promise<Buffer> {
  return readFile(SDK_BUNDLE).catch(() => {
    throw new Error(`${SDK_BUNDLE} is missing: run \`pnpm build\` first`);
  });
}

export async function sdkSize(): Promise<Row[]> {
  // The build already minifies (esbuild via rollup), so the file is measured as shipped.
  const { raw, gzip, brotli } = compressedSizes(await readSdkBundle());
  const ofBudget = (bytes: number) => `${Math.round((bytes / BUDGET_GZIP_BYTES) * 100)}% of budget`;
  const bench = 'SDK size (dist/leadloop.js)';
  return [
    { bench, metric: 'minified', result: `${int(raw)} B` },
    {
      bench,
      metric: 'minified + gzip -9',
      result: `${int(gzip)} B`,
      target: { text: `≤ ${int(BUDGET_GZIP_BYTES)} B`, met: gzip <= BUDGET_GZIP_BYTES },
      notes: ofBudget(gzip),
    },
    {
      bench,
      metric: 'minified + brotli q11',
      result: `${int(brotli)} B`,
      notes: ofBudget(brotli),
    },
  ];
}
