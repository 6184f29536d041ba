// Fault injection into the real pipeline, on D1 and on Postgres: the queue hand-over fails, the
// database fails on the n-th statement (for every n the work runs), the consumer dies part-way,
// webhook receivers are down, slow or gone while the database fails too. After each, what a user
// trusts still holds: every accepted event is stored or quarantined, exactly once; leads, scores
// and domain changes are what a run without the fault makes; every webhook delivery lands (its
// webhook-id at least once, at most once more when the fault cut between sending and recording)
// or is failed visibly and can be redelivered.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CreateSiteResponse, Site } from '@leadloop/schema';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import type { EventMessage, EventRecord } from '../src/core/event-record.ts';
import { planIngest } from '../src/core/ingest-plan.ts';
import { generateId } from '../src/core/keys.ts';
import { newWebhook } from '../src/core/webhook-fanout.ts';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';
import { consumeEvents } from '../src/runtime/events-consumer.ts';
import { updateLeads } from '../src/runtime/lead-updater.ts';
import { queueSink } from '../src/runtime/queue-sink.ts';
import {
  consumeDeliveryJobs,
  type DeliveryOptions,
  failDeadDeliveries,
  relayChanges,
  sweepWebhooks,
} from '../src/runtime/webhook-deliverer.ts';
import type { Store } from '../src/store/types.ts';
import { formSubmit, identify, pageview, siteOf } from '../test/lead-suite.ts';
import { enqueue, messageBatch, type Queued, redeliver } from '../test/message-batch.ts';
import { CHROME_ON_MAC } from '../test/store-suite.ts';
import type { FaultPlan } from './faulty-database.ts';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const ORIGIN = 'https://www.acme.com';

type Row = Record<string, unknown>;

export type FaultTarget = {
  /** The database as it is. */
  store: () => Store;
  /** The same database through `plan`. */
  faulty: () => Store;
  plan: FaultPlan;
  /** Every row of a table that belongs to a site. */
  rows: (table: string, siteId: string) => Promise<Row[]>;
};

/** Faults survived per kind, for the README figures (printed when the file ends). */
export const survived: Record<string, number> = {};
export const count = (kind: string, n = 1) => {
  survived[kind] = (survived[kind] ?? 0) + n;
};

/**
 * Where to inject, over a run of `total` statements: `defaultPoints` spread evenly (first and last
 * included) to keep CI quick, or every statement with FAULT_POINTS=all (or that many points).
 */
function faultPoints(total: number, defaultPoints: number): number[] {
  const setting = process.env.FAULT_POINTS;
  const wanted = setting === 'all' ? total : Number(setting ?? defaultPoints);
  if (!(wanted > 1) || wanted >= total) return Array.from({ length: total }, (_, i) => i + 1);
  const points = new Set<number>();
  for (let i = 0; i < wanted; i++) points.add(1 + Math.round((i * (total - 1)) / (wanted - 1)));
  return [...points].sort((a, b) => a - b);
}

/** Long enough for FAULT_POINTS=all; the default points take a few seconds. */
const FAULT_TEST_TIMEOUT = 15 * 60_000;

const TABLES = [
  'events',
  'sessions',
  'visitors',
  'leads',
  'lead_identifiers',
  'visitor_links',
  'lead_merges',
  'outbox',
  'webhook_deliveries',
  'quarantine',
] as const;

/**
 * What a site holds, without the ids a run draws at random: rows per table, the leads by their
 * identifiers, the domain changes by type. Two runs of the same events must hold the same.
 */
export async function snapshot(target: FaultTarget, siteId: string) {
  const rows: Record<string, number> = {};
  for (const table of TABLES) rows[table] = (await target.rows(table, siteId)).length;
  const leads = (await target.rows('leads', siteId))
    .map((lead) =>
      [lead.email, lead.phone, lead.status, lead.score, lead.merged_into ? 'merged' : 'live'].join(
        ' ',
      ),
    )
    .sort();
  const changes = (await target.rows('outbox', siteId)).map((change) => String(change.type)).sort();
  return { rows, leads, changes };
}

/** Invariants that need no reference run: each event once, each change relayed once. */
export async function expectNothingDoubled(
  target: FaultTarget,
  siteId: string,
  eventIds: string[],
) {
  const events = (await target.rows('events', siteId)).map((event) => String(event.id));
  expect(events.sort()).toEqual([...new Set(eventIds)].sort());
  const identifiers = (await target.rows('lead_identifiers', siteId)).map(
    (row) => `${row.kind}:${row.value}`,
  );
  expect(new Set(identifiers).size).toBe(identifiers.length);
  const created = (await target.rows('outbox', siteId)).filter(
    (change) => change.type === 'lead.created',
  );
  expect(new Set(created.map((change) => change.lead_id)).size).toBe(created.length);
  const deliveries = (await target.rows('webhook_deliveries', siteId)).map(
    (delivery) => `${delivery.webhook_id} ${delivery.change_id}`,
  );
  expect(new Set(deliveries).size).toBe(deliveries.length);
  const outbox = await target.rows('outbox', siteId);
  expect(outbox.filter((change) => change.relayed_at === null)).toEqual([]);
}

/** A subscription to every change, on a receiver nobody calls here (only relaying is checked). */
export async function subscribeAll(store: Store, site: Site) {
  await store.webhooks.createWebhook(
    newWebhook(
      {
        siteId: site.id,
        url: 'https://hooks.example.com/all',
        description: '',
        eventTypes: ['*'],
        filters: {},
      },
      T0,
    ),
  );
}

/**
 * Two queue batches of one site: visitors who browse, fill forms, identify on a second device,
 * and a form naming two known people's identifiers (a merge); one malformed message.
 */
function scenario(site: Site): { batches: unknown[][]; eventIds: string[] } {
  const at = (minutes: number) => T0 + minutes * MINUTE;
  const first: EventRecord[] = [
    pageview(site, '/pricing', { at: at(0), visitor: 'ada-laptop' }),
    formSubmit(site, { email: 'ada@lovelace.dev', name: 'Ada' }, '/contact', {
      at: at(1),
      visitor: 'ada-laptop',
    }),
    pageview(site, '/', { at: at(2), visitor: 'grace-phone' }),
    identify(
      site,
      { email: 'grace@hopper.dev', phone: '+49 30 1234567' },
      {
        at: at(3),
        visitor: 'grace-phone',
      },
    ),
    pageview(site, '/blog', { at: at(4), visitor: 'anonymous' }),
    pageview(site, '/pricing', { at: at(5), visitor: 'anonymous' }),
  ];
  const second: EventRecord[] = [
    pageview(site, '/pricing', { at: at(10), visitor: 'ada-phone' }),
    identify(site, { email: 'ada@lovelace.dev' }, { at: at(11), visitor: 'ada-phone' }),
    formSubmit(site, { email: 'grace@hopper.dev', phone: '+49 30 7654321' }, '/demo', {
      at: at(12),
      visitor: 'grace-laptop',
    }),
    // One person after all: Ada's email with the phone Grace's lead holds.
    formSubmit(site, { email: 'ada@lovelace.dev', phone: '+49 30 1234567' }, '/contact', {
      at: at(13),
      visitor: 'ada-laptop',
    }),
  ];
  const malformed = { siteId: site.id, id: crypto.randomUUID(), type: 'pageview' };
  return {
    batches: [first, [...second, malformed]],
    eventIds: [...first, ...second].map((event) => event.id),
  };
}

const NOW = T0 + DAY;

/** The events consumer on these messages until the queue has nothing left to retry. */
export async function drainEvents(
  store: Store,
  queued: Queued[],
  {
    maxRounds = 8,
    wallMs,
    connect,
  }: {
    maxRounds?: number;
    wallMs?: number;
    /** A connection for each invocation, as the Workers entry opens one per batch. */
    connect?: () => { store: Store; close(): Promise<void> };
  } = {},
) {
  let pending = queued;
  for (let round = 0; pending.length > 0; round++) {
    if (round === maxRounds)
      throw new Error(`still retrying ${pending.length} messages after ${maxRounds} rounds`);
    const { batch, settle } = messageBatch('leadloop-events', pending);
    const connection = connect?.();
    const invocationStore = connection?.store ?? store;
    const consumed = consumeEvents(batch, invocationStore, {
      now: () => NOW,
      onChanges: async (siteId) => void (await relayChanges(invocationStore, siteId, () => NOW)),
    }).then(() => true);
    // An invocation past the runtime's wall-clock limit is cut off, and its batch comes back.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finished =
      wallMs === undefined
        ? await consumed
        : await Promise.race([
            consumed,
            new Promise<false>((resolve) => {
              timer = setTimeout(() => resolve(false), wallMs);
            }),
          ]);
    clearTimeout(timer);
    await connection?.close().catch(() => {});
    if (!finished) count('consumer invocation cut off at its wall-clock limit');
    pending = redeliver(finished ? settle().retried : pending);
  }
}

/** The scenario's batches through `deliver` on the faulty store; `arm` runs before the first. */
async function runScenario(
  target: FaultTarget,
  deliver: (store: Store, queued: Queued[]) => Promise<void>,
  arm: () => void = () => target.plan.disarm(),
) {
  const site = await siteOf(target.store());
  await subscribeAll(target.store(), site);
  const { batches, eventIds } = scenario(site);
  arm();
  for (const bodies of batches) await deliver(target.faulty(), enqueue(bodies));
  const { statements } = target.plan;
  target.plan.disarm();
  // The minute sweep relays what a failed relay left behind.
  await relayChanges(target.store(), site.id, () => NOW);
  // Nobody sends these (hooks.example.com): settled, so the global sweep of later tests skips them.
  const deliveries = await target.rows('webhook_deliveries', site.id);
  await target.store().webhooks.failDeliveries(
    deliveries.map((delivery) => String(delivery.id)),
    'not sent: relay-only test',
  );
  return { site, eventIds, statements };
}

const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A receiver answering each request with what `answer` says for that webhook-id's n-th call. */
async function receiver(answer: (call: number) => { status: number; delayMs?: number }) {
  const calls = new Map<string, number>();
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const id = String(request.headers['webhook-id']);
      const call = (calls.get(id) ?? 0) + 1;
      calls.set(id, call);
      const { status, delayMs = 0 } = answer(call);
      setTimeout(() => {
        response.statusCode = status;
        response.end();
      }, delayMs);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks`, calls };
}

/** A URL where nothing listens: connection refused. */
async function downUrl() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/hooks`;
}

/** The webhooks queue's max_retries (wrangler.toml): then the dead-letter queue. */
const WEBHOOK_MAX_RETRIES = 20;

/**
 * The `webhooks` queue on a clock: due messages are consumed, retries come back after their
 * delay, what exceeds max_retries goes to the dead-letter consumer, and the minute sweep runs
 * until it finds nothing overdue.
 */
async function drainWebhooks(
  store: Store,
  options: DeliveryOptions,
  clock: { now: number },
  deliveryIds: Set<string>,
) {
  type Job = { message: Queued; dueAt: number };
  let jobs: Job[] = [];
  // The sweep is global: other tests' never-attempted deliveries are not this run's business.
  const fromSweep = (queued: { deliveryId: string; delaySeconds: number }[]) => {
    for (const job of queued.splice(0).filter((job) => deliveryIds.has(job.deliveryId)))
      jobs.push({
        message: enqueue([{ deliveryId: job.deliveryId }])[0]!,
        dueAt: clock.now + job.delaySeconds * 1000,
      });
  };
  const queued: { deliveryId: string; delaySeconds: number }[] = [];
  const queueing = {
    ...options,
    enqueue: async (more: typeof queued) => void queued.push(...more),
  };
  // The relay queued each delivery's first attempt.
  fromSweep([...deliveryIds].map((deliveryId) => ({ deliveryId, delaySeconds: 0 })));
  for (let round = 0; ; round++) {
    if (round === 200) throw new Error('the webhooks queue never emptied');
    if (jobs.length === 0) {
      // Nothing queued: a minute later the sweep re-queues anything still overdue.
      clock.now += 2 * MINUTE;
      await sweepWebhooks(store, queueing).catch(() => {});
      fromSweep(queued);
      if (jobs.length === 0) return;
    }
    clock.now = Math.max(clock.now, Math.min(...jobs.map((job) => job.dueAt)));
    const ready = jobs.filter((job) => job.dueAt <= clock.now);
    jobs = jobs.filter((job) => job.dueAt > clock.now);
    const { batch, settle } = messageBatch(
      'leadloop-webhooks',
      ready.map((job) => job.message),
    );
    await consumeDeliveryJobs(batch, store, queueing);
    const { retried, delaySeconds } = settle();
    const dead: Queued[] = [];
    for (const message of retried) {
      if (message.attempts > WEBHOOK_MAX_RETRIES) dead.push(message);
      else
        jobs.push({
          message: redeliver([message])[0]!,
          dueAt: clock.now + (delaySeconds.get(message.id) ?? 0) * 1000,
        });
    }
    for (let left = dead, tries = 0; left.length > 0; tries++) {
      if (tries === 5) throw new Error('dead letters could not be recorded');
      const { batch: deadBatch, settle: settleDead } = messageBatch('leadloop-webhooks-dlq', left);
      await failDeadDeliveries(deadBatch, store);
      left = redeliver(settleDead().retried);
    }
    fromSweep(queued);
  }
}

export function describeFaults(name: string, target: FaultTarget) {
  describe(`${name}: the queue hand-over fails`, () => {
    it('answers 503 with Retry-After, and the SDK’s resend stores each event once', async () => {
      const store = target.store();
      // The events queue: sendBatch fails when told to, else keeps the messages.
      const queue: unknown[] = [];
      const failing = new Set<number>();
      let sends = 0;
      const eventsQueue = {
        send: async () => {
          throw new Error('not used');
        },
        sendBatch: async (messages: { body: unknown }[]) => {
          sends += 1;
          if (failing.has(sends)) throw new Error('injected: queue unavailable');
          queue.push(...messages.map((message) => message.body));
        },
      } as unknown as Queue<EventMessage>;
      const app = createApp({
        store,
        events: queueSink(eventsQueue),
        delivery: { allowPrivate: true, enqueue: async () => {} },
        config: { environment: 'development' },
        sdkScript: { code: '', etag: '""' },
        now: () => T0,
      });
      const created = await app.request('/v1/admin/sites', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${DEVELOPMENT_ADMIN_TOKEN}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ name: 'Acme', allowedOrigins: [ORIGIN] }),
      });
      const { site, writeKey } = (await created.json()) as CreateSiteResponse;

      // 100 events of ~3 KB: more than one sendBatch (200 KB each), so a send can fail half-way.
      const padding = 'x'.repeat(3_000);
      const events = Array.from({ length: 99 }, (_, i) => ({
        id: crypto.randomUUID(),
        type: i === 98 ? 'form_submit' : 'pageview',
        timestamp: new Date(T0 - 1000 + i).toISOString(),
        anonymousId: `visitor-${i % 10}`,
        sessionId: `session-${i % 10}`,
        page: { url: `${ORIGIN}/pricing`, path: '/pricing' },
        properties: { padding },
        ...(i === 98
          ? {
              traits: { email: 'ada@lovelace.dev' },
              form: { id: 'contact', fields: { email: 'ada@lovelace.dev' } },
            }
          : {}),
      }));
      // One invalid event: answered as rejected, and kept in quarantine.
      const invalid = { id: crypto.randomUUID(), type: 'pageview' };
      const collect = () =>
        app.request('/v1/collect', {
          method: 'POST',
          headers: {
            'content-type': 'text/plain;charset=UTF-8',
            origin: ORIGIN,
            'user-agent': CHROME_ON_MAC,
          },
          body: JSON.stringify({
            writeKey,
            sentAt: new Date(T0).toISOString(),
            events: [...events, invalid],
          }),
        });

      // The first send fails: nothing was handed over.
      failing.add(1);
      const down = await collect();
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('5');
      expect(queue).toHaveLength(0);
      count('queue send failed: nothing handed over, 503');
      // The SDK retries; now the second send of the request fails: half of it is queued.
      failing.add(3);
      const half = await collect();
      expect(half.status).toBe(503);
      expect(half.headers.get('retry-after')).toBe('5');
      expect(queue.length).toBeGreaterThan(0);
      expect(queue.length).toBeLessThan(100);
      count('queue send failed half-way: 503, the resend doubles nothing');
      // The next retry goes through.
      const ok = await collect();
      expect(ok.status).toBe(202);
      expect(await ok.json()).toMatchObject({ accepted: 99, rejected: [{ index: 99 }] });

      // Everything queued is consumed (the half-queued copies too): each event once.
      for (let i = 0; i < queue.length; i += 25)
        await drainEvents(store, enqueue(queue.slice(i, i + 25)));
      await expectNothingDoubled(
        target,
        site.id,
        events.map((event) => event.id),
      );
      // accepted = stored + quarantined, and the rejected event is quarantined once.
      const quarantined = await target.rows('quarantine', site.id);
      expect(quarantined.map((entry) => entry.event_id)).toEqual([invalid.id]);
      expect((await target.rows('events', site.id)).length + quarantined.length).toBe(100);
      const leads = await target.rows('leads', site.id);
      expect(leads.map((lead) => lead.email)).toEqual(['ada@lovelace.dev']);
    });
  });

  describe(`${name}: the database fails on the n-th statement`, () => {
    it(
      'retries the messages, and ends with what a run without the fault ends with',
      async () => {
        const reference = await runScenario(target, drainEvents);
        const { statements } = reference;
        const expected = await snapshot(target, reference.site.id);
        await expectNothingDoubled(target, reference.site.id, reference.eventIds);
        expect(expected.rows.lead_merges).toBe(1);
        expect(expected.rows.quarantine).toBe(1);

        const injectedBefore = target.plan.injected;
        const points = faultPoints(statements, 6);
        for (const n of points) {
          const run = await runScenario(target, drainEvents, () => target.plan.failOnce(n)).catch(
            (error) => {
              throw new Error(`fault at statement ${n}: ${error}`);
            },
          );
          const got = await snapshot(target, run.site.id);
          expect(got, `fault at statement ${n} of ${statements}`).toEqual(expected);
          await expectNothingDoubled(target, run.site.id, run.eventIds);
        }
        const injected = target.plan.injected - injectedBefore;
        expect(injected).toBeGreaterThan(0);
        count(`database statement failed (of ${statements} statements per run)`, injected);
      },
      FAULT_TEST_TIMEOUT,
    );
  });

  describe(`${name}: the consumer dies mid-batch`, () => {
    it(
      'leaves nothing doubled when the queue redelivers the whole batch',
      async () => {
        const reference = await runScenario(target, drainEvents);
        const expected = await snapshot(target, reference.site.id);
        // Statements one delivery of the second batch makes.
        target.plan.disarm();
        const site = await siteOf(target.store());
        await subscribeAll(target.store(), site);
        const { batches } = scenario(site);
        await drainEvents(target.faulty(), enqueue(batches[0]!));
        target.plan.disarm();
        await drainEvents(target.faulty(), enqueue(batches[1]!));
        const perBatch = target.plan.statements;

        let deaths = 0;
        for (const n of faultPoints(perBatch, 4)) {
          const run = await runScenario(target, async (store, queued) => {
            // The worker dies after n − 1 statements of its first delivery: no statement runs after
            // that, nothing it decided is reported, and the queue delivers the whole batch again.
            const before = target.plan.injected;
            target.plan.dieAt(n);
            const { batch } = messageBatch('leadloop-events', queued);
            await consumeEvents(batch, store, {
              now: () => NOW,
              onChanges: async (siteId) => void (await relayChanges(store, siteId, () => NOW)),
            });
            target.plan.disarm();
            if (target.plan.injected > before) deaths += 1;
            await drainEvents(store, redeliver(queued));
          });
          expect(await snapshot(target, run.site.id), `died at statement ${n}`).toEqual(expected);
          await expectNothingDoubled(target, run.site.id, run.eventIds);
        }
        expect(deaths).toBeGreaterThan(0);
        count('consumer died mid-batch', deaths);
      },
      FAULT_TEST_TIMEOUT,
    );

    it('leaves nothing doubled when a fully stored batch is delivered again and again', async () => {
      const store = target.store();
      const site = await siteOf(store);
      const { batches, eventIds } = scenario(site);
      const queued = batches.map((bodies) => enqueue(bodies));
      for (const messages of queued) await drainEvents(store, messages);
      const once = await snapshot(target, site.id);
      for (const messages of [...queued, ...queued]) await drainEvents(store, redeliver(messages));
      expect(await snapshot(target, site.id)).toEqual(once);
      await expectNothingDoubled(target, site.id, eventIds);
      // Lead updates alone, run again on the stored events, change nothing either.
      const records = batches
        .flat()
        .filter((body): body is EventRecord => 'anonymousId' in (body as object));
      await updateLeads(store, site, planIngest(records, () => site).events, { now: () => NOW });
      expect(await snapshot(target, site.id)).toEqual(once);
    });
  });

  describe(`${name}: webhook receivers down, slow or gone while the database fails`, () => {
    it(
      'lands each delivery or fails it visibly and redeliverably, for every fault point',
      async () => {
        const ok = await receiver(() => ({ status: 204 }));
        const flaky = await receiver((call) => ({ status: call === 1 ? 500 : 204 }));
        const slow = await receiver(() => ({ status: 204, delayMs: 3_000 }));
        const gone = await receiver(() => ({ status: 410 }));
        const down = await downUrl();
        const endpoints = { ok: ok.url, flaky: flaky.url, slow: slow.url, gone: gone.url, down };
        const callsOf = (id: string) =>
          [ok, flaky, slow, gone].reduce((total, r) => total + (r.calls.get(id) ?? 0), 0);

        /** A site whose first lead made changes for every endpoint; its delivery run on `store`. */
        const prepared = async () => {
          const store = target.store();
          const site = await siteOf(store);
          const webhookOf = new Map<string, string>();
          for (const [kind, url] of Object.entries(endpoints)) {
            const id = generateId('wh');
            webhookOf.set(id, kind);
            await store.webhooks.createWebhook(
              newWebhook(
                {
                  siteId: site.id,
                  id,
                  url,
                  description: kind,
                  eventTypes: ['lead.created'],
                  filters: {},
                },
                T0,
              ),
            );
          }
          const [first] = scenario(site).batches;
          await drainEvents(store, enqueue(first!.slice(0, 2)));
          return { site, webhookOf };
        };
        const deliver = async (store: Store, site: Site) => {
          const ids = new Set(
            (await target.rows('webhook_deliveries', site.id)).map((delivery) =>
              String(delivery.id),
            ),
          );
          const clock = { now: NOW };
          const options: DeliveryOptions = {
            allowPrivate: true,
            now: () => clock.now,
            // Long enough for a receiver on this busy process, short for the slow one.
            timeoutMs: 500,
            schedule: [5],
            enqueue: async () => {},
          };
          await drainWebhooks(store, options, clock, ids);
        };
        const check = async (site: Site, webhookOf: Map<string, string>) => {
          const deliveries = await target.rows('webhook_deliveries', site.id);
          expect(deliveries).toHaveLength(webhookOf.size);
          let duplicates = 0;
          for (const delivery of deliveries) {
            const kind = webhookOf.get(String(delivery.webhook_id));
            const id = String(delivery.id);
            const [logged] = await Promise.all([target.store().webhooks.getDelivery(site.id, id)]);
            // Every attempt made is logged with its delivery's count: no half-recorded attempt.
            expect(logged!.attempts).toHaveLength(logged!.delivery.attempts);
            if (kind === 'ok' || kind === 'flaky') {
              expect(
                logged!.delivery.status,
                `${kind} ${id}: ${JSON.stringify(logged!.attempts)}`,
              ).toBe('delivered');
              // Sent once per logged attempt; one more only when a fault cut in between.
              const extra = callsOf(id) - logged!.delivery.attempts;
              expect(extra).toBeGreaterThanOrEqual(0);
              expect(extra).toBeLessThanOrEqual(1);
              duplicates += extra;
            } else {
              expect(logged!.delivery.status, `${kind} ${id}`).toBe('failed');
              // Visible: why it failed is on the delivery (the error, or the receiver's status).
              expect(
                logged!.delivery.lastError ?? logged!.delivery.lastStatusCode,
                `${kind} ${id}`,
              ).toBeTruthy();
            }
          }
          const [goneWebhook] = [...webhookOf].filter(([, kind]) => kind === 'gone');
          expect(await target.store().webhooks.getWebhook(site.id, goneWebhook![0])).toMatchObject({
            enabled: false,
            disabledReason: expect.stringMatching(/410/),
          });
          // Failed is not lost: each one can be redelivered.
          for (const delivery of deliveries.filter(
            (d) => webhookOf.get(String(d.webhook_id)) === 'down',
          ))
            expect(await target.store().webhooks.redeliver(site.id, String(delivery.id), NOW)).toBe(
              true,
            );
          return duplicates;
        };

        target.plan.disarm();
        const reference = await prepared();
        target.plan.disarm();
        await deliver(target.faulty(), reference.site);
        const statements = target.plan.statements;
        expect(await check(reference.site, reference.webhookOf)).toBe(0);

        const injectedBefore = target.plan.injected;
        let duplicates = 0;
        for (const n of faultPoints(statements, 4)) {
          const { site, webhookOf } = await prepared();
          target.plan.failOnce(n);
          await deliver(target.faulty(), site);
          target.plan.disarm();
          duplicates += await check(site, webhookOf);
        }
        count(
          `webhook delivery with a database fault (of ${statements} statements per run)`,
          target.plan.injected - injectedBefore,
        );
        count('webhook sent again after a fault between sending and recording', duplicates);
      },
      FAULT_TEST_TIMEOUT,
    );
  });
}
