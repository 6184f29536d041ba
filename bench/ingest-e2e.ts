// Events per second persisted end to end — collect → queue → consumer → database — on local D1 and
// on Postgres through the Hyperdrive binding, each with the shipped consumer (up to 100 messages a
// transaction) and with max_batch_size 1 (one message a transaction), and the shipped consumer when
// every visitor's batch ends in a form fill that makes it a lead (stitching and scoring on top).
// Every variant runs alone in a fresh wrangler dev; a round sends a fixed number of events, then
// counts rows until all are in.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withCleanup } from './cleanup.ts';
import { collectRequests, EVENTS_PER_BATCH } from './collect-batch.ts';
import { startCollector } from './collector.ts';
import type { CollectorConfig } from './collector-config.ts';
import { type BenchPostgres, startBenchPostgres } from './ingest-postgres.ts';
import { type Load, load } from './load.ts';
import { createSite } from './sites.ts';
import { countStoredEvents, type Drained, waitForStored } from './stored-events.ts';

export type Mode = 'batched' | 'leads' | 'single';

export type PersistOptions = {
  rounds: number;
  /** Events a round sends: one message a transaction is far slower, on Postgres most. */
  events: Record<Variant['database'], Record<Mode, number>>;
  /** Give up waiting for a round's rows after this long. */
  maxWaitMs: number;
};

export type PersistRound = {
  sent: Load;
  accepted: number;
  drained: Drained;
  /** Events per transaction, where the database can tell (Postgres). */
  transactions?: number[];
  /** In `leads` mode: one lead per visitor, counted like the events. */
  leads?: { expected: number; drained: Drained };
};

export type Variant = { database: 'D1' | 'Postgres'; mode: Mode; rounds: PersistRound[] };

const MAX_BATCH_SIZE: Record<Mode, number | undefined> = {
  batched: undefined,
  leads: undefined,
  single: 1,
};
const log = (message: string) => process.stderr.write(`  ingest: ${message}\n`);

/** How the collector is configured for one database, and how that database is read back. */
type Database = {
  name: Variant['database'];
  config: (mode: Mode, main: string) => CollectorConfig;
  count(siteId: string, persistTo: string, signal: AbortSignal): Promise<number>;
  countLeads(siteId: string, persistTo: string, signal: AbortSignal): Promise<number>;
  /** Pause between counts: a local D1 count is a wrangler process already (~1.5 s). */
  pollMs: number;
  transactionSizes?(siteId: string): Promise<number[]>;
};

const d1: Database = {
  name: 'D1',
  config: (mode, main) => ({ shipped: 'wrangler.toml', main, maxBatchSize: MAX_BATCH_SIZE[mode] }),
  count: (siteId, persistTo, signal) => countStoredEvents(persistTo, siteId, signal),
  countLeads: (siteId, persistTo, signal) => countStoredEvents(persistTo, siteId, signal, 'leads'),
  pollMs: 0,
};

function postgresDatabase(server: BenchPostgres): Database {
  return {
    name: 'Postgres',
    config: (mode, main) => ({
      shipped: 'wrangler.postgres.toml',
      main,
      maxBatchSize: MAX_BATCH_SIZE[mode],
      hyperdriveUrl: server.url,
    }),
    count: (siteId) => server.countEvents(siteId),
    countLeads: (siteId) => server.countLeads(siteId),
    pollMs: 50,
    transactionSizes: (siteId) => server.transactionSizes(siteId),
  };
}

async function persistRound(
  url: string,
  adminToken: string,
  events: number,
  database: Database,
  persistTo: string,
  { signal, maxWaitMs, withForm }: { signal: AbortSignal; maxWaitMs: number; withForm: boolean },
): Promise<PersistRound> {
  const site = await createSite(url, adminToken);
  const siteId = site.site.id;
  const tally = { accepted: 0 };
  const requests = Math.ceil(events / EVENTS_PER_BATCH);
  const sent = await load(url, { requests }, collectRequests(site.writeKey, tally, { withForm }));
  const wait = { intervalMs: database.pollMs, maxMs: maxWaitMs };
  const drained = await waitForStored(
    () => database.count(siteId, persistTo, signal),
    tally.accepted,
    wait,
  );
  // Leads are written right after their batch's events, by the same consumer call.
  const expectedLeads = tally.accepted / EVENTS_PER_BATCH;
  const leads = withForm
    ? {
        expected: expectedLeads,
        drained: await waitForStored(
          () => database.countLeads(siteId, persistTo, signal),
          expectedLeads,
          wait,
        ),
      }
    : undefined;
  const transactions = await database.transactionSizes?.(siteId);
  return {
    sent,
    accepted: tally.accepted,
    drained,
    ...(transactions ? { transactions } : {}),
    ...(leads ? { leads } : {}),
  };
}

async function runVariant(
  database: Database,
  mode: Mode,
  { main, options, signal }: { main: string; options: PersistOptions; signal: AbortSignal },
): Promise<Variant> {
  const adminToken = crypto.randomUUID();
  return withCleanup(async ({ own }) => {
    const persistTo = await mkdtemp(join(tmpdir(), 'leadloop-bench-e2e-'));
    own(() => rm(persistTo, { recursive: true, force: true, maxRetries: 5 }));
    log(`${database.name}, ${mode}: starting wrangler dev`);
    const config = database.config(mode, main);
    const server = await startCollector({ config, persistTo, adminToken });
    own(server.stop);
    const round = (events: number) =>
      persistRound(server.url, adminToken, events, database, persistTo, {
        signal,
        maxWaitMs: options.maxWaitMs,
        withForm: mode === 'leads',
      });

    const events = options.events[database.name][mode];
    const warmup = Math.max(
      EVENTS_PER_BATCH,
      Math.round(events / 10 / EVENTS_PER_BATCH) * EVENTS_PER_BATCH,
    );
    log(`${database.name}, ${mode}: warming up with ${warmup} events (not measured)`);
    await round(warmup);
    const rounds: PersistRound[] = [];
    for (let i = 1; i <= options.rounds; i++) {
      log(`${database.name}, ${mode}: round ${i}/${options.rounds}, ${events} events`);
      rounds.push(await round(events));
    }
    return { database: database.name, mode, rounds };
  });
}

/**
 * Every variant in turn, D1 first, each running the Worker bundled at `main`; Postgres is a
 * throwaway server shared by its two variants.
 */
export async function persistVariants(
  options: PersistOptions,
  main: string,
): Promise<{ variants: Variant[]; postgresVersion: string }> {
  return withCleanup(async ({ own, signal }) => {
    const variants: Variant[] = [];
    for (const mode of ['batched', 'leads', 'single'] as const) {
      variants.push(await runVariant(d1, mode, { main, options, signal }));
    }
    log('starting a throwaway PostgreSQL');
    const server = await startBenchPostgres();
    own(server.stop);
    const postgres = postgresDatabase(server);
    for (const mode of ['batched', 'leads', 'single'] as const) {
      variants.push(await runVariant(postgres, mode, { main, options, signal }));
    }
    return { variants, postgresVersion: server.version };
  });
}
