// Webhook delivery on a real database and against real local HTTP receivers: the same cases run
// on D1 (workerd, through wrangler's platform proxy) and on Postgres. Every request a receiver
// gets is checked with the `standardwebhooks` package, as an integrator's server would.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Site } from '@leadloop/schema';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { newWebhook, type WebhookRow } from '../src/core/webhook-fanout.ts';
import { generateWebhookSecret } from '../src/core/webhook-signature.ts';
import { eraseLead } from '../src/runtime/lead-updater.ts';
import {
  attemptDelivery,
  consumeDeliveryJobs,
  type DeliveryOptions,
  failDeadDeliveries,
  relayChanges,
  sweepWebhooks,
} from '../src/runtime/webhook-deliverer.ts';
import type { Store } from '../src/store/types.ts';
import { callClick, formSubmit, pageview, processBatch, siteOf } from '../test/lead-suite.ts';
import { enqueue, messageBatch } from '../test/message-batch.ts';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const DAY = 86_400_000;

type Received = { headers: IncomingHttpHeaders; body: string };
type Answer = { status: number; delayMs?: number };

const servers: Server[] = [];

/** A receiver answering with `answers` in turn (the last one from then on). */
async function receiver(...answers: Answer[]) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)]!;
      setTimeout(() => {
        response.statusCode = answer.status;
        response.end();
      }, answer.delayMs ?? 0);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks`, received };
}

afterAll(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/**
 * Whether a request verifies with this secret, per Standard Webhooks. The library checks the
 * timestamp against its clock: set to the attempt's (test) time, so only the signature decides.
 */
function verifies(secret: string, { headers, body }: Received): boolean {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Number(headers['webhook-timestamp']) * 1000);
  try {
    new Webhook(secret).verify(body, {
      'webhook-id': String(headers['webhook-id']),
      'webhook-timestamp': String(headers['webhook-timestamp']),
      'webhook-signature': String(headers['webhook-signature']),
    });
    return true;
  } catch {
    return false;
  } finally {
    vi.useRealTimers();
  }
}

async function subscribe(
  store: Store,
  site: Site,
  url: string,
  overrides: Partial<WebhookRow> = {},
): Promise<WebhookRow> {
  const row: WebhookRow = {
    ...newWebhook({ siteId: site.id, url, description: '', eventTypes: ['*'], filters: {} }, T0),
    ...overrides,
  };
  await store.webhooks.createWebhook(row);
  return row;
}

/** A clock the test moves, and delivery options on it (loopback allowed, nothing queued). */
function clock(start = T0 + DAY) {
  let now = start;
  const queued: { deliveryId: string; delaySeconds: number }[] = [];
  const options: DeliveryOptions = {
    allowPrivate: true,
    now: () => now,
    timeoutMs: 1_000,
    enqueue: async (jobs) => void queued.push(...jobs),
  };
  return {
    options,
    queued,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

/** A new visitor fills the contact form: lead.created, form.submitted and friends. */
async function formFill(store: Store, site: Site, email: string, at = T0) {
  await processBatch(store, site, [
    pageview(site, '/pricing', { at, visitor: email }),
    formSubmit(site, { email }, '/contact', { at: at + 1000, visitor: email }),
  ]);
}

export function describeWebhookDelivery(name: string, getStore: () => Store) {
  describe(`${name}: relaying domain changes into deliveries`, () => {
    it('makes one delivery per change and subscription, once, carrying the lead', async () => {
      const store = getStore();
      const site = await siteOf(store);
      const all = await subscribe(store, site, 'https://hooks.example.com/all');
      const forms = await subscribe(store, site, 'https://hooks.example.com/forms', {
        eventTypes: ['form.submitted'],
      });
      await formFill(store, site, 'ada@lovelace.dev');
      const { options } = clock();

      const made = await relayChanges(store, site.id, options.now);
      const types = (await store.leads.listOutbox(site.id)).map((change) => change.type);
      expect(
        made
          .filter((d) => d.webhookId === all.id)
          .map((d) => d.eventType)
          .sort(),
      ).toEqual([...types].sort());
      expect(made.filter((d) => d.webhookId === forms.id).map((d) => d.eventType)).toEqual([
        'form.submitted',
      ]);
      // Relayed once: a second relay (or the sweep) finds nothing left.
      expect(await relayChanges(store, site.id, options.now)).toEqual([]);

      const formDelivery = made.find((d) => d.webhookId === forms.id)!;
      const body = JSON.parse(formDelivery.body);
      expect(body.type).toBe('form.submitted');
      expect(body.data.form.fields.email).toBe('ada@lovelace.dev');
      expect(body.data.lead).toMatchObject({
        email: 'ada@lovelace.dev',
        identifiers: { emails: ['ada@lovelace.dev'] },
        status: expect.any(String),
        score: expect.any(Number),
        firstTouch: expect.objectContaining({ landingPage: expect.any(String) }),
      });
      const page = await store.webhooks.listDeliveries(site.id, forms.id, {
        before: null,
        limit: 10,
      });
      expect(page.map(({ delivery }) => delivery.status)).toEqual(['pending']);
    });

    it('sends an anonymous call click only to subscriptions without filters', async () => {
      const store = getStore();
      const site = await siteOf(store);
      const open = await subscribe(store, site, 'https://hooks.example.com/open');
      await subscribe(store, site, 'https://hooks.example.com/mql', {
        filters: { statuses: ['mql', 'sql'] },
      });
      await processBatch(store, site, [callClick(site, { at: T0, visitor: 'caller' })]);
      const made = await relayChanges(store, site.id);
      expect(made.map((d) => [d.webhookId, d.eventType, d.leadId])).toEqual([
        [open.id, 'call.clicked', null],
      ]);
    });
  });

  describe(`${name}: attempts`, () => {
    it('retries a failing receiver on the schedule: one logical delivery, every attempt logged', async () => {
      const store = getStore();
      const site = await siteOf(store);
      const target = await receiver({ status: 500 }, { status: 503 }, { status: 204 });
      const webhook = await subscribe(store, site, target.url, { eventTypes: ['form.submitted'] });
      await formFill(store, site, 'grace@hopper.dev');
      const time = clock();
      const [delivery] = await relayChanges(store, site.id, time.now);

      const first = await attemptDelivery(store, delivery!.id, time.options);
      expect(first).toMatchObject({
        kind: 'attempted',
        settlement: { status: 'pending', retryInSeconds: 5 },
      });
      // Asked again before it is due: nothing is sent, and the queue is told when to come back.
      time.advance(2_000);
      expect(await attemptDelivery(store, delivery!.id, time.options)).toEqual({
        kind: 'later',
        delaySeconds: 3,
      });
      time.advance(3_000);
      const second = await attemptDelivery(store, delivery!.id, time.options);
      expect(second).toMatchObject({ settlement: { status: 'pending', retryInSeconds: 300 } });
      time.advance(300_000);
      const third = await attemptDelivery(store, delivery!.id, time.options);
      expect(third).toMatchObject({ settlement: { status: 'delivered' } });
      // Settled: a late duplicate of the queue message does nothing.
      expect(await attemptDelivery(store, delivery!.id, time.options)).toEqual({ kind: 'settled' });

      expect(target.received).toHaveLength(3);
      expect(new Set(target.received.map((r) => r.headers['webhook-id']))).toEqual(
        new Set([delivery!.id]),
      );
      expect(target.received.every((request) => verifies(webhook.secret, request))).toBe(true);
      const logged = await store.webhooks.getDelivery(site.id, delivery!.id);
      expect(logged!.delivery).toMatchObject({
        status: 'delivered',
        attempts: 3,
        lastStatusCode: 204,
      });
      expect(logged!.attempts.map((a) => [a.number, a.outcome, a.statusCode])).toEqual([
        [1, 'failed', 500],
        [2, 'failed', 503],
        [3, 'delivered', 204],
      ]);
      // A success clears the endpoint's failing streak.
      expect((await store.webhooks.getWebhook(site.id, webhook.id))!.failingSince).toBeNull();
    });

    it('lets one worker at a time send a delivery', async () => {
      const store = getStore();
      const site = await siteOf(store);
      const target = await receiver({ status: 204, delayMs: 200 });
      await subscribe(store, site, target.url, { eventTypes: ['form.submitted'] });
      await formFill(store, site, 'katherine@johnson.dev');
      const time = clock();
      const [delivery] = await relayChanges(store, site.id, time.now);
      const results = await Promise.all(
        [1, 2, 3].map(() => attemptDelivery(store, delivery!.id, time.options)),
      );
      expect(results.filter((result) => result.kind === 'attempted')).toHaveLength(1);
      expect(target.received).toHaveLength(1);
    });

    it('times out a slow receiver and retries it', async () => {
      const store = getStore();
      const site = await siteOf(store);
      const target = await receiver({ status: 204, delayMs: 3_000 }, { status: 204 });
      await subscribe(store, site, target.url, { eventTypes: ['form.submitted'] });
      await formFill(store, site, 'annie@easley.dev');
      const time = clock();
      const [delivery] = await relayChanges(store, site.id, time.now);
      const slow = await attemptDelivery(store, delivery!.id, { ...time.options, timeoutMs: 200 });
      expect(slow).toMatchObject({ settlement: { status: 'pending', retryInSeconds: 5 } });
      time.advance(5_000);
      expect(await attemptDelivery(store, delivery!.id, time.options)).toMatchObject({
        settlement: { status: 'delivered' },
      });
      const logged = await store.webhooks.getDelivery(site.id, delivery!.id);
      expect(logged!.attempts.map((a) => a.error)).toEqual(['timed out after 0.2 s', null]);
    });

    it('disables an endpoint that answers 410 Gone, and fails what was waiting for it', async () => {
      const store = getStore();
      const site = await siteOf(store);
      const target = await receiver({ status: 410 });
      const webhook = await subscribe(store, site, target.url);
      await formFill(store, site, 'mary@jackson.dev');
      const time = clock();
      const made = await relayChanges(store, site.id, time.now);
      expect(made.length).toBeGreaterThan(1);
      const result = await attemptDelivery(store, made[0]!.id, time.options);
      expect(result).toMatchObject({
        settlement: { status: 'failed', disable: expect.stringMatching(/410/) },
      });

      const disabled = await store.webhooks.getWebhook(site.id, webhook.id);
      expect(disabled).toMatchObject({
        enabled: false,
        disabledReason: expect.stringMatching(/410/),
      });
      const log = await store.webhooks.listDeliveries(site.id, webhook.id, {
        before: null,
        limit: 50,
      });
      expect(log.every(({ delivery }) => delivery.status === 'failed')).toBe(true);
      expect(
        log.filter(({ delivery }) => delivery.lastError?.startsWith('endpoint disabled')),
      ).toHaveLength(made.length - 1);
      // Nothing is sent to it any more: new changes are not relayed to a disabled endpoint.
      await formFill(store, site, 'dorothy@vaughan.dev', T0 + 60_000);
      expect(await relayChanges(store, site.id, time.now)).toEqual([]);
      expect(target.received).toHaveLength(1);
    });

    it('disables an endpoint that has failed for five days', async () => {
      const store = getStore();
      const site = await siteOf(store);
      const target = await receiver({ status: 500 });
      const time = clock();
      const webhook = await subscribe(store, site, target.url, {
        eventTypes: ['form.submitted'],
        failingSince: time.now() - 5 * DAY,
      });
      await formFill(store, site, 'evelyn@boyd.dev');
      const [delivery] = await relayChanges(store, site.id, time.now);
      const result = await attemptDelivery(store, delivery!.id, time.options);
      expect(result).toMatchObject({
        settlement: { status: 'failed', disable: 'every attempt failed for 5 days' },
      });
      expect((await store.webhooks.getWebhook(site.id, webhook.id))!.enabled).toBe(false);
    });

    it('dead-letters a delivery when the schedule is spent, and redelivers it on request', async () => {
      const store = getStore();
      const site = await siteOf(store);
      const target = await receiver({ status: 500 }, { status: 500 }, { status: 200 });
      await subscribe(store, site, target.url, { eventTypes: ['form.submitted'] });
      await formFill(store, site, 'hedy@lamarr.dev');
      const time = clock();
      const options = { ...time.options, schedule: [1] };
      const [delivery] = await relayChanges(store, site.id, time.now);
      await attemptDelivery(store, delivery!.id, options);
      time.advance(1_000);
      expect(await attemptDelivery(store, delivery!.id, options)).toMatchObject({
        settlement: { status: 'failed', retryInSeconds: null },
      });
      expect((await store.webhooks.getDelivery(site.id, delivery!.id))!.delivery.status).toBe(
        'failed',
      );

      expect(await store.webhooks.redeliver(site.id, delivery!.id, time.now())).toBe(true);
      expect(await attemptDelivery(store, delivery!.id, options)).toMatchObject({
        settlement: { status: 'delivered' },
      });
      const logged = await store.webhooks.getDelivery(site.id, delivery!.id);
      expect(logged!.delivery).toMatchObject({ status: 'delivered', attempts: 3 });
      expect(new Set(target.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
      expect(await store.webhooks.redeliver(site.id, 'msg_unknown', time.now())).toBe(false);
    });

    it('signs with both secrets during a rotation, and only the new one after', async () => {
      const store = getStore();
      const site = await siteOf(store);
      const target = await receiver({ status: 204 });
      const oldSecret = generateWebhookSecret();
      const time = clock();
      const webhook = await subscribe(store, site, target.url, {
        eventTypes: ['form.submitted'],
        secret: generateWebhookSecret(),
        previousSecret: oldSecret,
        previousSecretExpiresAt: time.now() + 60_000,
      });
      await formFill(store, site, 'radia@perlman.dev');
      await formFill(store, site, 'frances@allen.dev', T0 + 5_000);
      const [first, second] = await relayChanges(store, site.id, time.now);
      await attemptDelivery(store, first!.id, time.options);
      time.advance(60_000);
      await attemptDelivery(store, second!.id, time.options);
      const [during, after] = target.received;
      expect([verifies(webhook.secret, during!), verifies(oldSecret, during!)]).toEqual([
        true,
        true,
      ]);
      expect([verifies(webhook.secret, after!), verifies(oldSecret, after!)]).toEqual([
        true,
        false,
      ]);
    });
  });

  describe(`${name}: the queue, the sweep and dead letters`, () => {
    it('acknowledges what landed and retries what failed with the schedule’s delay', async () => {
      const store = getStore();
      const site = await siteOf(store);
      const good = await receiver({ status: 204 });
      const bad = await receiver({ status: 500 });
      const landing = await subscribe(store, site, good.url, { eventTypes: ['form.submitted'] });
      await subscribe(store, site, bad.url, { eventTypes: ['form.submitted'] });
      await formFill(store, site, 'joan@clarke.dev');
      const time = clock();
      const made = await relayChanges(store, site.id, time.now);
      const { batch, settle } = messageBatch('leadloop-webhooks', [
        ...enqueue(made.map((d) => ({ deliveryId: d.id }))),
        ...enqueue([{ nonsense: true }]),
      ]);
      await consumeDeliveryJobs(batch, store, time.options);
      const settled = settle();
      // Which endpoint each message was for ('malformed' when it named no delivery).
      const endpointOf = ({ body }: { body: unknown }) => {
        const id = (body as { deliveryId?: string }).deliveryId;
        if (!id) return 'malformed';
        return made.find((d) => d.id === id)!.webhookId === landing.id ? 'good' : 'bad';
      };
      expect(settled.acked.map(endpointOf).sort()).toEqual(['good', 'malformed']);
      expect(settled.retried.map(endpointOf)).toEqual(['bad']);
      expect(settled.delaySeconds.get(settled.retried[0]!.id)).toBe(5);
    });

    it('relays changes a crash left behind and re-queues overdue deliveries', async () => {
      const store = getStore();
      const site = await siteOf(store);
      const webhook = await subscribe(store, site, 'https://hooks.example.com/sweep', {
        eventTypes: ['form.submitted'],
      });
      await formFill(store, site, 'ida@rhodes.dev');
      const time = clock();
      // The worker died after the lead update committed: nothing relayed, nothing queued.
      const swept = await sweepWebhooks(store, time.options);
      expect(swept.sites).toBeGreaterThanOrEqual(1);
      const [made] = await store.webhooks.listDeliveries(site.id, webhook.id, {
        before: null,
        limit: 10,
      });
      const deliveryId = made!.delivery.id;
      expect(time.queued.filter((job) => job.deliveryId === deliveryId)).toHaveLength(1);
      time.queued.splice(0);
      // Its queue message is lost too: a minute after it was due, the sweep sends it again.
      time.advance(30_000);
      await sweepWebhooks(store, time.options);
      expect(time.queued.map((job) => job.deliveryId)).not.toContain(deliveryId);
      time.advance(31_000);
      await sweepWebhooks(store, time.options);
      expect(time.queued.map((job) => job.deliveryId)).toContain(deliveryId);
    });

    it('fails what the dead-letter queue receives, visibly and redeliverably', async () => {
      const store = getStore();
      const site = await siteOf(store);
      await subscribe(store, site, 'https://hooks.example.com/dlq', {
        eventTypes: ['form.submitted'],
      });
      await formFill(store, site, 'barbara@liskov.dev');
      const [delivery] = await relayChanges(store, site.id);
      const { batch, settle } = messageBatch(
        'leadloop-webhooks-dlq',
        enqueue([{ deliveryId: delivery!.id }]),
      );
      await failDeadDeliveries(batch, store);
      expect(settle().acked).toHaveLength(1);
      const logged = await store.webhooks.getDelivery(site.id, delivery!.id);
      expect(logged!.delivery).toMatchObject({
        status: 'failed',
        lastError: expect.stringMatching(/dead-lettered/),
      });
    });
  });

  describe(`${name}: erasure`, () => {
    it('deletes the deliveries that carried an erased person’s details', async () => {
      const store = getStore();
      const site = await siteOf(store);
      const webhook = await subscribe(store, site, 'https://hooks.example.com/erase');
      await formFill(store, site, 'erase.me@acme.io');
      await formFill(store, site, 'keep.me@acme.io', T0 + 10_000);
      await relayChanges(store, site.id);
      const log = async () =>
        (
          await store.webhooks.listDeliveries(site.id, webhook.id, { before: null, limit: 100 })
        ).map(({ delivery }) => delivery);
      const before = await log();
      const erasedLead = before.find((d) => d.eventType === 'lead.created')!.leadId!;
      const kept = before.filter((d) => d.leadId !== erasedLead);
      expect(kept.length).toBeGreaterThan(0);
      await eraseLead(store, site.id, erasedLead);
      expect((await log()).map((d) => d.id).sort()).toEqual(kept.map((d) => d.id).sort());
    });
  });
}
