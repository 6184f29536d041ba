// Collector ingest against `GET /healthz` on the same local workerd (the same wrangler dev), and
// against a Hono hello-world in its own, alternated round by round (hello, healthz, collect, …) so
// drift on the machine hits every side alike. Each collect round's events are left to reach D1
// before the next round, so no side pays for another's queue.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startDevServer } from '../packages/edge-collector/local/wrangler-dev.ts';
import { withCleanup } from './cleanup.ts';
import { collectRequests, EVENTS_PER_BATCH } from './collect-batch.ts';
import { startCollector } from './collector.ts';
import { type Load, load } from './load.ts';
import { fixed, int, median, type Row } from './report.ts';
import { createSite } from './sites.ts';
import { countStoredEvents, waitForStored } from './stored-events.ts';

export type RequestOptions = { seconds: number; rounds: number; warmupSeconds: number };

type CollectRound = { load: Load; accepted: number };

const helloWorldDir = fileURLToPath(new URL('./hello-world/', import.meta.url));
const log = (message: string) => process.stderr.write(`  ingest: ${message}\n`);

/** Requests per second of each side, with the collector running the Worker bundled at `main`. */
export function requestRates(options: RequestOptions, main: string): Promise<Row[]> {
  return withCleanup(async ({ own, signal }) => {
    const dir = await mkdtemp(join(tmpdir(), 'leadloop-bench-'));
    own(() => rm(dir, { recursive: true, force: true, maxRetries: 5 }));
    const persistTo = join(dir, 'collector');
    const adminToken = randomUUID();

    log('starting the collector and the hello-world worker (wrangler dev)');
    const config = { shipped: 'wrangler.toml', main } as const;
    const collector = await startCollector({ config, persistTo, adminToken });
    own(collector.stop);
    const hello = await startDevServer({
      dir: helloWorldDir,
      port: await freePort(),
      persistTo: join(dir, 'hello-world'),
    });
    own(hello.stop);
    const healthz = `${collector.url}/healthz`;

    // Each collect run gets its own site, so its count in D1 is its own.
    const collectRun = async (seconds: number): Promise<CollectRound> => {
      const site = await createSite(collector.url, adminToken);
      const tally = { accepted: 0 };
      const result = await load(collector.url, { seconds }, collectRequests(site.writeKey, tally));
      const count = () => countStoredEvents(persistTo, site.site.id, signal);
      await waitForStored(count, tally.accepted);
      return { load: result, accepted: tally.accepted };
    };

    log(`warming up every side for ${options.warmupSeconds} s (not measured)`);
    await load(hello.url, { seconds: options.warmupSeconds });
    await load(healthz, { seconds: options.warmupSeconds });
    await collectRun(options.warmupSeconds);

    const helloRounds: Load[] = [];
    const healthzRounds: Load[] = [];
    const collectRounds: CollectRound[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const of = `round ${round}/${options.rounds}`;
      log(`${of}: hello-world, /healthz, collect, ${options.seconds} s each`);
      helloRounds.push(await load(hello.url, { seconds: options.seconds }));
      healthzRounds.push(await load(healthz, { seconds: options.seconds }));
      collectRounds.push(await collectRun(options.seconds));
    }
    return rows(helloRounds, healthzRounds, collectRounds);
  });
}

function loadNotes(rounds: Load[]): string {
  const perRound = rounds.map((r) => int(r.okPerSecond)).join(' / ');
  const non2xx = rounds.reduce((sum, r) => sum + r.non2xx, 0);
  const errors = rounds.reduce((sum, r) => sum + r.errors, 0);
  const p99 = median(rounds.map((r) => r.p99Ms));
  return `rounds ${perRound}; p99 ${int(p99)} ms; ${non2xx} non-2xx; ${errors} errors`;
}

function rows(helloRounds: Load[], healthzRounds: Load[], collectRounds: CollectRound[]): Row[] {
  const rps = (rounds: Load[]) => median(rounds.map((r) => r.okPerSecond));
  const collectLoads = collectRounds.map((r) => r.load);
  const collectRps = rps(collectLoads);
  const healthzRatio = collectRps / rps(healthzRounds);
  const perRound = collectLoads
    .map((r, i) => fixed(r.okPerSecond / healthzRounds[i]!.okPerSecond, 2))
    .join(' / ');
  const acceptedPerSecond = median(
    collectRounds.map((r) => r.accepted / ((r.load.finishedAt - r.load.startedAt) / 1000)),
  );

  const bench = 'Ingest, local workerd';
  return [
    {
      bench,
      metric: 'GET /healthz req/s',
      result: int(rps(healthzRounds)),
      notes: `the collector's own wrangler dev; ${loadNotes(healthzRounds)}`,
    },
    {
      bench,
      metric: `POST /v1/collect (${EVENTS_PER_BATCH} events) req/s`,
      result: int(collectRps),
      notes: `${loadNotes(collectLoads)}; the queue consumer writes to D1 meanwhile`,
    },
    {
      bench,
      metric: 'collect / healthz',
      result: fixed(healthzRatio, 2),
      target: { text: '≥ 0.50', met: healthzRatio >= 0.5 },
      notes: `ratio of the medians; per round ${perRound}`,
    },
    {
      bench,
      metric: 'hello-world GET / req/s',
      result: int(rps(helloRounds)),
      notes: `the smallest Hono app in its own wrangler dev; ${loadNotes(helloRounds)}`,
    },
    {
      bench,
      metric: 'collect / hello-world',
      result: fixed(collectRps / rps(helloRounds), 2),
      notes: 'ratio of the medians',
    },
    {
      bench,
      metric: 'events/s accepted (202)',
      result: int(acceptedPerSecond),
      notes: 'sum of `accepted` in the answers, over the load',
    },
  ];
}
