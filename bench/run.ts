// `pnpm bench`: every benchmark in sequence, then one table for the terminal and the same table as
// markdown for the README. `--quick` shortens the load runs; `--only=sdk-size,ingest` picks some.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { attribution, SIZES } from './attribution.ts';
import { type IngestOptions, ingest } from './ingest.ts';
import { CONNECTIONS } from './load.ts';
import { markdownTable, type Row, textTable } from './report.ts';
import { sdkCompare } from './sdk-compare.ts';
import { sdkLoad } from './sdk-load.ts';
import { sdkSize } from './sdk-size.ts';
import { soak } from './soak.ts';
import { speedToLead } from './speed-to-lead.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    // The soak's length (default 3; --quick: 0.5).
    minutes: { type: 'string' },
  },
});

// Ingest by default: about 5 minutes, on two cores. Three rounds give a real median. End-to-end
// rounds last about 10 s (3 s quick): single-row writes are ~10× slower on D1, ~50× on Postgres.
const ingestOptions: IngestOptions = values.quick
  ? {
      requests: { seconds: 3, rounds: 2, warmupSeconds: 1 },
      persist: {
        rounds: 1,
        events: {
          D1: { batched: 10_000, leads: 10_000, single: 1_000 },
          Postgres: { batched: 10_000, leads: 10_000, single: 200 },
        },
        maxWaitMs: 60_000,
      },
    }
  : {
      requests: { seconds: 10, rounds: 3, warmupSeconds: 2 },
      persist: {
        rounds: 3,
        events: {
          D1: { batched: 30_000, leads: 30_000, single: 3_000 },
          Postgres: { batched: 30_000, leads: 30_000, single: 600 },
        },
        maxWaitMs: 120_000,
      },
    };
const setupNotes: string[] = [];

const benchmarks: Record<string, () => Promise<Row[]>> = {
  'sdk-size': async () => [...(await sdkSize()), ...(await sdkCompare())],
  // About 50 s for 15 rounds; sdk-load.ts caps its measuring time whatever the SDK does.
  'sdk-load': () => sdkLoad({ rounds: values.quick ? 5 : 15 }),
  ingest: async () => {
    const { rows, postgresVersion } = await ingest(ingestOptions);
    setupNotes.push(`PostgreSQL ${postgresVersion} (throwaway, fsync off)`);
    return rows;
  },
  // About 2 minutes for 50 submits (1 quick for 10), each from a new visitor, plus the start-up.
  'speed-to-lead': () => speedToLead({ submits: values.quick ? 10 : 50 }),
  // 100k and 1M events generated into local D1 and Postgres, then 44 exports on each: about 40
  // minutes and more (an export not done in 120 s ends its database's part); --quick: 100k only,
  // about 8 minutes. Every figure also goes to the JSON file.
  attribution: () =>
    attribution({
      sizes: values.quick ? [SIZES.small] : [SIZES.small, SIZES.large],
      resultsFile: new URL('./.wrangler/attribution-results.json', import.meta.url).pathname,
    }),
  // Minutes of mixed traffic through local workerd, then the drain and the invariant checks, with
  // the same load against the hello-world worker first: about 5 minutes (--quick about 1.5).
  soak: () => {
    const minutes = Number(values.minutes ?? (values.quick ? 0.5 : 3));
    if (!(minutes > 0))
      throw new Error(`--minutes must be a positive number, not ${values.minutes}`);
    return soak({
      seconds: Math.round(minutes * 60),
      baselineSeconds: values.quick ? 10 : 30,
      concurrency: 8,
      maxDrainMs: 15 * 60_000,
    });
  },
};

const selected = values.only
  ? values.only.split(',').map((name) => name.trim())
  : Object.keys(benchmarks);
const unknown = selected.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`,
  );
  process.exit(2);
}

const rows: Row[] = [];
for (const name of selected) {
  process.stderr.write(`${name}…\n`);
  rows.push(...(await benchmarks[name]!()));
}

const version = (pkg: string) =>
  (
    JSON.parse(
      readFileSync(new URL(`./node_modules/${pkg}/package.json`, import.meta.url), 'utf8'),
    ) as { version: string }
  ).version;
const setup = [
  `Node ${process.versions.node}`,
  ...(selected.includes('ingest')
    ? [
        `wrangler ${version('wrangler')} (local workerd)`,
        `autocannon ${version('autocannon')}, ${CONNECTIONS} connections`,
        `${ingestOptions.requests.rounds} × ${ingestOptions.requests.seconds} s per side`,
        ...setupNotes,
      ]
    : []),
  `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
  new Date().toISOString().slice(0, 10),
].join('; ');

console.log(`\n${textTable(rows)}\n\n${setup}\n`);
console.log(['```markdown', markdownTable(rows), '', `_${setup}._`, '```'].join('\n'));
