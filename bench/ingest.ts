// Collector ingest vs a Hono hello-world on the same local workerd, run side by side and
// alternated (hello, collect, hello, collect, …) so drift on the machine hits both alike. The
// collect rounds also measure end to end: events per second until they are stored in D1.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CreateSiteResponse } from '@leadloop/schema';
import type { Request } from 'autocannon';
import { freePort, startLocalCollector } from '../packages/edge-collector/local/dev-server.ts';
import { startDevServer } from '../packages/edge-collector/local/wrangler-dev.ts';
import { collectBatch, EVENTS_PER_BATCH } from './collect-batch.ts';
import { type Load, load } from './load.ts';
import { fixed, int, median, type Row } from './report.ts';
import { countStoredEvents, type Drained, waitForStored } from './stored-events.ts';

export type IngestOptions = { seconds: number; rounds: number; warmupSeconds: number };

type CollectRound = { load: Load; accepted: number; drained: Drained };

const helloWorldDir = fileURLToPath(new URL('./hello-world/', import.meta.url));
const log = (message: string) => process.stderr.write(`  ingest: ${message}\n`);

async function createSite(url: string, adminToken: string): Promise<CreateSiteResponse> {
  const response = await fetch(`${url}/v1/admin/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', allowedOrigins: [] }),
  });
  if (response.status !== 201) throw new Error(`creating a site: ${response.status}`);
  return (await response.json()) as CreateSiteResponse;
}

/** A fresh body per request; `accepted` sums what the collector says it took. */
function collectRequests(writeKey: string, tally: { accepted: number }): Request[] {
  return [
    {
      method: 'POST',
      path: '/v1/collect',
      headers: { 'content-type': 'text/plain' },
      setupRequest: (request) => ({ ...request, body: collectBatch(writeKey) }),
      onResponse: (status, body) => {
        if (status === 202) tally.accepted += (JSON.parse(body) as { accepted: number }).accepted;
      },
    },
  ];
}

export async function ingest(options: IngestOptions): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'leadloop-bench-'));
  const persistTo = join(dir, 'collector');
  const adminToken = randomUUID();
  const stops: (() => Promise<void>)[] = [];
  const queries = new AbortController(); // a wrangler d1 query still running would write to dir
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      queries.abort();
      for (const stop of stops.reverse()) await stop();
      await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    })());
  // The workers run in their own process groups, which Ctrl-C does not reach: stop them here.
  const interrupted = () => cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    log('starting the collector and the hello-world worker (wrangler dev)');
    const collector = await startLocalCollector({ port: await freePort(), persistTo, adminToken });
    stops.push(collector.stop);
    const hello = await startDevServer({
      dir: helloWorldDir,
      port: await freePort(),
      persistTo: join(dir, 'hello-world'),
    });
    stops.push(hello.stop);

    // Each collect run gets its own site, and the queue is drained before the next run starts,
    // so neither side of the comparison pays for the other's leftover work.
    const collectRun = async (seconds: number): Promise<CollectRound> => {
      const site = await createSite(collector.url, adminToken);
      const tally = { accepted: 0 };
      const result = await load(collector.url, seconds, collectRequests(site.writeKey, tally));
      const count = () => countStoredEvents(persistTo, site.site.id, queries.signal);
      return {
        load: result,
        accepted: tally.accepted,
        drained: await waitForStored(count, tally.accepted),
      };
    };

    log(`warming up both for ${options.warmupSeconds} s (not measured)`);
    await load(hello.url, options.warmupSeconds);
    await collectRun(options.warmupSeconds);

    const helloRounds: Load[] = [];
    const collectRounds: CollectRound[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      log(`round ${round}/${options.rounds}: hello-world ${options.seconds} s`);
      helloRounds.push(await load(hello.url, options.seconds));
      log(`round ${round}/${options.rounds}: collect ${options.seconds} s, then wait for D1`);
      collectRounds.push(await collectRun(options.seconds));
    }
    return rows(helloRounds, collectRounds);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await cleanUp();
  }
}

function loadNotes(rounds: Load[]): string {
  const perRound = rounds.map((r) => int(r.okPerSecond)).join(' / ');
  const non2xx = rounds.reduce((sum, r) => sum + r.non2xx, 0);
  const errors = rounds.reduce((sum, r) => sum + r.errors, 0);
  const p99 = median(rounds.map((r) => r.p99Ms));
  return `rounds ${perRound}; p99 ${int(p99)} ms; ${non2xx} non-2xx; ${errors} errors`;
}

function rows(helloRounds: Load[], collectRounds: CollectRound[]): Row[] {
  const helloRps = median(helloRounds.map((r) => r.okPerSecond));
  const collectRps = median(collectRounds.map((r) => r.load.okPerSecond));
  const ratio = collectRps / helloRps;
  const seconds = (from: number, to: number) => (to - from) / 1000;
  const acceptedPerSecond = median(
    collectRounds.map((r) => r.accepted / seconds(r.load.startedAt, r.load.finishedAt)),
  );
  const accepted = collectRounds.reduce((sum, r) => sum + r.accepted, 0);
  const stored = collectRounds.reduce((sum, r) => sum + r.drained.stored, 0);
  // From the first request to the first query that saw the final count: a conservative window.
  const storedPerSecond = collectRounds.map(
    (r) => r.drained.stored / seconds(r.load.startedAt, r.drained.seenAt),
  );
  const drainLag = Math.max(
    ...collectRounds.map((r) => seconds(r.load.finishedAt, r.drained.seenAt)),
  );

  const bench = 'Ingest, local workerd';
  const e2e = 'End to end, to local D1';
  return [
    {
      bench,
      metric: 'hello-world GET / req/s',
      result: int(helloRps),
      notes: loadNotes(helloRounds),
    },
    {
      bench,
      metric: `collect POST (${EVENTS_PER_BATCH} events) req/s`,
      result: int(collectRps),
      notes: loadNotes(collectRounds.map((r) => r.load)),
    },
    {
      bench,
      metric: 'collect / hello-world',
      result: fixed(ratio, 2),
      target: { text: '≥ 0.50', met: ratio >= 0.5 },
      notes: 'ratio of the medians',
    },
    {
      bench,
      metric: 'events/s accepted (202)',
      result: int(acceptedPerSecond),
      notes: 'sum of `accepted` in the answers',
    },
    {
      bench: e2e,
      metric: 'events stored / accepted',
      result: `${int(stored)} / ${int(accepted)}`,
      notes:
        'all collect rounds; stored can exceed accepted by the requests in flight at each stop',
    },
    {
      bench: e2e,
      metric: 'events/s stored',
      result: int(median(storedPerSecond)),
      target: { text: '≥ 4,000', met: median(storedPerSecond) >= 4000 },
      notes: `rounds ${storedPerSecond.map(int).join(' / ')}; window: first request to the first wrangler query that saw the final count, ≤ ${fixed(drainLag, 1)} s after the load (a query takes ~2 s), so a lower bound`,
    },
  ];
}
