// The script-tag build's transfer size against the DESIGN.md budget. There is no baseline to run
// here (other trackers are not installed), so the budget itself is the reference.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { int, type Row } from './report.ts';

const BUDGET_GZIP_BYTES = 3072;
const bundle = fileURLToPath(new URL('../packages/sdk/dist/leadloop.js', import.meta.url));

export async function sdkSize(): Promise<Row[]> {
  // The build already minifies (esbuild via rollup), so the file is measured as shipped.
  const code = await readFile(bundle).catch(() => {
    throw new Error(`${bundle} is missing: run \`pnpm build\` first`);
  });
  const gzip = gzipSync(code, { level: 9 }).byteLength;
  const brotli = brotliCompressSync(code, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: code.byteLength,
    },
  }).byteLength;
  const ofBudget = (bytes: number) => `${Math.round((bytes / BUDGET_GZIP_BYTES) * 100)}% of budget`;
  const bench = 'SDK size (dist/leadloop.js)';
  return [
    { bench, metric: 'minified', result: `${int(code.byteLength)} B` },
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
