// Webhooks end to end: events reach the collector on local workerd as the SDK sends them, become
// leads and domain changes, and arrive at real local HTTP receivers signed per Standard Webhooks,
// retried (with the schedule shortened to 1 s through LEADLOOP_WEBHOOK_RETRY_SECONDS), filtered,
// and logged. A stale timestamp refused by the receiver is covered by webhook-receiver.test.ts;
// a timeout, a redirect and Retry-After by webhook-sender.test.ts.

import { mkdtemp, rm } from 'node:fs/promises';
import {
  createServer,
  type IncomingHttpHeaders,
  type RequestListener,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver, type LeadloopEvent } from '../examples/webhook-receiver/receiver.ts';
import {
  freePort,
  type LocalCollector,
  startLocalCollector,
} from '../packages/edge-collector/local/dev-server.ts';
import type {
  CreateSiteResponse,
  Lead,
  LeadList,
  Webhook as Subscription,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookWithSecret,
} from '../packages/schema/src/index.ts';

const ADMIN_TOKEN = 'webhooks-e2e-admin-token';
const ORIGIN = 'https://www.acme.io';
// Without a browser's user agent the collector counts every event as a bot's: no lead, no webhook.
const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let collector: LocalCollector;
let persistTo: string;
const servers: Server[] = [];

beforeAll(async () => {
  persistTo = await mkdtemp(join(tmpdir(), 'leadloop-webhooks-'));
  collector = await startLocalCollector({
    port: await freePort(),
    persistTo,
    adminToken: ADMIN_TOKEN,
    // Development only: every retry after 1 s instead of 5 s, 5 min, 30 min, …
    vars: { LEADLOOP_WEBHOOK_RETRY_SECONDS: '1,1,1,1,1,1,1' },
  });
});

afterAll(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
  await collector?.stop();
  if (persistTo) await rm(persistTo, { recursive: true, force: true });
});

// --- receivers -----------------------------------------------------------------------------

/** One request as a receiver got it, with how it answered. */
type Hit = {
  headers: IncomingHttpHeaders;
  /** The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers, as sent. */
  signed: Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;
  body: string;
  /** 0 until the answer is sent. */
  status: number;
};

type Receiver = {
  url: string;
  hits: Hit[];
  /** The answer to the nth request (0-based): a status, or a Node handler that answers itself. */
  respond: ((index: number) => number) | RequestListener;
};

async function startReceiver(respond: Receiver['respond'] = () => 204): Promise<Receiver> {
  const receiver: Receiver = { url: '', hits: [], respond };
  const server = createServer((request, response) => {
    const index = receiver.hits.length;
    const header = (name: string) => String(request.headers[name] ?? '');
    const hit: Hit = {
      headers: request.headers,
      signed: {
        'webhook-id': header('webhook-id'),
        'webhook-timestamp': header('webhook-timestamp'),
        'webhook-signature': header('webhook-signature'),
      },
      body: '',
      status: 0,
    };
    receiver.hits.push(hit);
    const chunks: Buffer[] = [];
    // Attached before a handler reads the body, so both see every chunk.
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      hit.body = Buffer.concat(chunks).toString('utf8');
    });
    response.on('finish', () => {
      hit.status = response.statusCode;
    });
    const answer = receiver.respond;
    if (answer.length >= 2) (answer as RequestListener)(request, response);
    else
      request.on('end', () =>
        response.writeHead((answer as (index: number) => number)(index)).end(),
      );
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/leadloop`;
  return receiver;
}

/** A delivery's body, `{type, timestamp, data}`, with what these tests read of `data`. */
type Delivered = {
  type: string;
  timestamp: string;
  truncated?: true;
  data: {
    leadId?: string | null;
    lead?: Lead | null;
    anonymousId?: string;
    eventId?: string;
    webhookId?: string;
    page?: { url: string; path: string };
    form?: { id?: string; name?: string; fields: Record<string, string> };
    call?: { number: string; text?: string };
  };
};

/** The body of a hit, verified with the subscription's secret (throws when it does not verify). */
function verified(hit: Hit, secret: string): Delivered {
  return new Webhook(secret).verify(hit.body, hit.signed) as Delivered;
}

// --- the collector's API -------------------------------------------------------------------

async function until<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function newSite(name: string): Promise<CreateSiteResponse> {
  const response = await fetch(`${collector.url}/v1/admin/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, allowedOrigins: [ORIGIN], defaultCountry: 'US' }),
  });
  if (response.status !== 201) throw new Error(`site: ${response.status} ${await response.text()}`);
  return response.json() as Promise<CreateSiteResponse>;
}

function api(site: CreateSiteResponse, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${site.secretKey}`);
  if (init.body) headers.set('content-type', 'application/json');
  return fetch(`${collector.url}${path}`, { ...init, headers });
}

async function read<T>(site: CreateSiteResponse, path: string): Promise<T> {
  const response = await api(site, path);
  if (response.status !== 200)
    throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<T>;
}

async function subscribe(
  site: CreateSiteResponse,
  url: string,
  eventTypes: string[],
  filters: Record<string, unknown> = {},
): Promise<WebhookWithSecret> {
  const response = await api(site, '/v1/webhooks', {
    method: 'POST',
    body: JSON.stringify({ url, eventTypes, filters }),
  });
  if (response.status !== 201)
    throw new Error(`subscribe: ${response.status} ${await response.text()}`);
  return response.json() as Promise<WebhookWithSecret>;
}

const deliveriesOf = (site: CreateSiteResponse, webhookId: string) =>
  read<WebhookDeliveryList>(site, `/v1/webhooks/${webhookId}/deliveries?limit=100`);

async function leadByEmail(site: CreateSiteResponse, email: string): Promise<Lead | undefined> {
  return (await read<LeadList>(site, `/v1/leads?email=${encodeURIComponent(email)}`)).data[0];
}

// --- events as the SDK sends them ----------------------------------------------------------

type Visit = { anonymousId: string; sessionId: string };
const visitor = (name: string): Visit => ({
  anonymousId: `${name}-${crypto.randomUUID()}`,
  sessionId: crypto.randomUUID(),
});

function pageview(who: Visit, path: string, referrer?: string) {
  const url = `${ORIGIN}${path}`;
  const timestamp = new Date().toISOString();
  return {
    id: crypto.randomUUID(),
    type: 'pageview',
    timestamp,
    ...who,
    page: { url, path: path.split('?')[0], title: 'Acme', ...(referrer ? { referrer } : {}) },
    attribution: { last: { landingPage: url, ...(referrer ? { referrer } : {}), timestamp } },
  };
}

function formFill(who: Visit, email: string) {
  return {
    ...pageview(who, '/contact'),
    type: 'form_submit',
    form: {
      id: 'contact',
      name: 'Contact us',
      fields: { name: 'Ada Lovelace', email, message: 'Call me' },
    },
    traits: { email, name: 'Ada Lovelace' },
  };
}

function identify(who: Visit, email: string) {
  return { ...pageview(who, '/account'), type: 'identify', traits: { email } };
}

/** POST /v1/collect the way the SDK's beacon does: text/plain, from the page's origin. */
async function collect(site: CreateSiteResponse, events: unknown[]): Promise<void> {
  const response = await fetch(`${collector.url}/v1/collect`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      'user-agent': BROWSER_USER_AGENT,
      origin: ORIGIN,
    },
    body: JSON.stringify({ writeKey: site.writeKey, sentAt: new Date().toISOString(), events }),
  });
  expect(response.status).toBe(202);
  expect(await response.json()).toEqual({ accepted: events.length, rejected: [] });
}

// --- the cases -----------------------------------------------------------------------------

describe('delivery', () => {
  it('retries a failing receiver until it answers: one delivery, one webhook-id, every attempt logged', async () => {
    const site = await newSite('Retries');
    const receiver = await startReceiver((index: number) => (index < 2 ? 500 : 204));
    const webhook = await subscribe(site, receiver.url, ['form.submitted']);
    await collect(site, [formFill(visitor('ada'), 'ada@retries.io')]);

    const log = await until(
      () => deliveriesOf(site, webhook.id),
      (list) => list.data[0]?.status === 'delivered',
      30_000,
    );
    // On a timeout, say where the delivery stood and what the receiver saw.
    const state = JSON.stringify({
      deliveries: log.data,
      hits: receiver.hits.map((hit) => [hit.signed['webhook-id'], hit.status]),
    });
    expect(log.data, state).toHaveLength(1);
    expect(log.data[0]!.status, state).toBe('delivered');
    const delivery = log.data[0]!;
    expect(delivery).toMatchObject({
      eventType: 'form.submitted',
      status: 'delivered',
      attempts: 3,
      lastStatusCode: 204,
      lastError: null,
      nextAttemptAt: null,
      deliveredAt: expect.any(String),
    });
    expect(
      delivery.attemptLog.map(({ number, outcome, statusCode }) => [number, outcome, statusCode]),
    ).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'delivered', 204],
    ]);
    expect(delivery.attemptLog[0]!.error).toBe('HTTP 500');
    // The retries kept to the (shortened) schedule: a second between attempts, at least.
    const times = delivery.attemptLog.map((attempt) => Date.parse(attempt.at));
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(900);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(900);

    // The receiver saw three requests of one delivery: the same webhook-id and body, each signed
    // anew and verifiable.
    expect(receiver.hits.map((hit) => hit.status)).toEqual([500, 500, 204]);
    expect(receiver.hits.map((hit) => hit.signed['webhook-id'])).toEqual([
      delivery.id,
      delivery.id,
      delivery.id,
    ]);
    expect(new Set(receiver.hits.map((hit) => hit.body)).size).toBe(1);
    for (const hit of receiver.hits)
      expect(verified(hit, webhook.secret)).toMatchObject({ type: 'form.submitted' });
  });

  it('cuts a form too long to send whole to under 20 KB, marked truncated, with the lead intact', async () => {
    const site = await newSite('Long form');
    const receiver = await startReceiver();
    const webhook = await subscribe(site, receiver.url, ['form.submitted']);
    // Seven long answers: 28 KB, within what the collector takes (4,096 characters a field and
    // 32 KB an event), more than a webhook body may be.
    const long = formFill(visitor('long'), 'long@forms.io');
    const answer = 'I would like to know more. '.repeat(148);
    const answers = Object.fromEntries(
      Array.from({ length: 7 }, (_, index) => [`question${index + 1}`, answer]),
    );
    Object.assign(long.form.fields, answers);
    await collect(site, [long]);
    await until(
      () => receiver.hits.filter((hit) => hit.status === 204).length,
      (count) => count >= 1,
    );
    const [hit] = receiver.hits;
    expect(Buffer.byteLength(hit!.body)).toBeLessThan(20 * 1024);
    const event = verified(hit!, webhook.secret);
    expect(event).toMatchObject({ type: 'form.submitted', truncated: true });
    expect(event.data.form?.fields.question1?.length).toBeLessThan(answer.length);
    expect(event.data.form?.fields.question1).toMatch(/^I would like to know more\. .*…$/);
    expect(event.data.form?.fields.email).toBe('long@forms.io');
    expect(event.data.lead).toMatchObject({
      id: expect.stringMatching(/^lead_/),
      identifiers: { emails: ['long@forms.io'] },
      status: 'mql',
    });
  });

  it('disables an endpoint that answers 410 Gone, and sends it nothing more', async () => {
    const site = await newSite('Gone');
    const gone = await startReceiver(() => 410);
    const healthy = await startReceiver();
    const goneHook = await subscribe(site, gone.url, ['form.submitted']);
    const healthyHook = await subscribe(site, healthy.url, ['form.submitted']);

    await collect(site, [formFill(visitor('first'), 'first@gone.io')]);
    const disabled = await until(
      () => read<Subscription>(site, `/v1/webhooks/${goneHook.id}`),
      (webhook) => !webhook.enabled,
    );
    expect(disabled).toMatchObject({
      enabled: false,
      disabledReason: expect.stringContaining('410'),
      failingSince: expect.any(String),
    });
    expect(gone.hits.map((hit) => hit.status)).toEqual([410]);
    const goneLog = await deliveriesOf(site, goneHook.id);
    expect(goneLog.data).toHaveLength(1);
    expect(goneLog.data[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastStatusCode: 410,
      nextAttemptAt: null,
      attemptLog: [expect.objectContaining({ outcome: 'gone', statusCode: 410 })],
    });

    // A later form fill reaches the healthy endpoint only.
    await collect(site, [formFill(visitor('second'), 'second@gone.io')]);
    await until(
      () => healthy.hits.filter((hit) => hit.status === 204).length,
      (count) => count >= 2,
    );
    expect(
      healthy.hits.map((hit) => verified(hit, healthyHook.secret).data.form?.fields.email),
    ).toEqual(['first@gone.io', 'second@gone.io']);
    expect(gone.hits).toHaveLength(1);
    expect((await deliveriesOf(site, goneHook.id)).data).toHaveLength(1);
  });

  it('sends webhook.test through POST /v1/webhooks/{id}/test, signed for the example receiver', async () => {
    const site = await newSite('Test event');
    const receiver = await startReceiver();
    const webhook = await subscribe(site, receiver.url, ['lead.created']);
    const events: LeadloopEvent[] = [];
    receiver.respond = createReceiver({
      secret: webhook.secret,
      onEvent: (event) => void events.push(event),
    });

    const response = await api(site, `/v1/webhooks/${webhook.id}/test`, { method: 'POST' });
    expect(response.status).toBe(200);
    const delivery = (await response.json()) as WebhookDelivery;
    // Sent before the answer: the answer tells how the endpoint took it.
    expect(delivery).toMatchObject({
      webhookId: webhook.id,
      eventType: 'webhook.test',
      leadId: null,
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 204,
      attemptLog: [expect.objectContaining({ number: 1, outcome: 'delivered', statusCode: 204 })],
    });
    expect(events).toEqual([
      {
        id: delivery.id,
        type: 'webhook.test',
        timestamp: expect.any(String),
        data: expect.objectContaining({ webhookId: webhook.id }),
      },
    ]);
    const [hit] = receiver.hits;
    expect(hit!.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': delivery.id,
      'webhook-timestamp': expect.stringMatching(/^\d{10}$/),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]+=*$/),
    });
    expect(Math.abs(Number(hit!.signed['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);

    // The collector's signature covers the body: the same request with one byte changed is refused.
    const replay = (body: string) =>
      fetch(receiver.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...hit!.signed },
        body,
      });
    const tampered = await replay(hit!.body.replace('"webhook.test"', '"lead.created"'));
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toEqual({ error: 'No matching signature found' });
    // The untouched replay verifies, and is acknowledged without being handled twice.
    expect((await replay(hit!.body)).status).toBe(204);
    expect(events).toHaveLength(1);
  });

  it('signs for the old and the new secret while a rotated secret is in its grace period', async () => {
    const site = await newSite('Rotation');
    const receiver = await startReceiver();
    const webhook = await subscribe(site, receiver.url, ['lead.created']);
    // A bare POST, as a backend developer's fetch sends it.
    const rotation = await api(site, `/v1/webhooks/${webhook.id}/rotate-secret`, {
      method: 'POST',
    });
    expect(rotation.status).toBe(200);
    const { secret } = (await rotation.json()) as { secret: string };
    expect(secret).not.toBe(webhook.secret);

    const response = await api(site, `/v1/webhooks/${webhook.id}/test`, { method: 'POST' });
    expect(((await response.json()) as WebhookDelivery).status).toBe('delivered');
    const [hit] = receiver.hits;
    expect(hit!.signed['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verified(hit!, secret).type).toBe('webhook.test');
    expect(verified(hit!, webhook.secret).type).toBe('webhook.test');
  });
});

describe('subscriptions and filters', () => {
  type Received = { type: string; leadId: string | null; data: Delivered['data']; bytes: number };

  let site: CreateSiteResponse;
  const hooks: Record<string, { webhook: WebhookWithSecret; receiver: Receiver }> = {};
  /** What each endpoint received, verified with its own secret. */
  const received = (name: string): Received[] =>
    hooks[name]!.receiver.hits.map((hit) => {
      const event = verified(hit, hooks[name]!.webhook.secret);
      return {
        type: event.type,
        leadId: event.data.lead?.id ?? null,
        data: event.data,
        bytes: Buffer.byteLength(hit.body),
      };
    });
  let leads: Record<'organic' | 'paid' | 'cold', Lead>;

  beforeAll(async () => {
    site = await newSite('Filters');
    const subscriptions: [string, string[], Record<string, unknown>][] = [
      ['everything', ['*'], {}],
      ['mql', ['*'], { statuses: ['mql'] }],
      // At least 10: the organic lead has exactly 10 points (a key page), and passes.
      ['score10', ['*'], { minScore: 10 }],
      ['organic', ['*'], { channels: ['Organic Search'] }],
      ['forms', ['form.submitted'], {}],
    ];
    for (const [name, eventTypes, filters] of subscriptions) {
      const receiver = await startReceiver();
      hooks[name] = { receiver, webhook: await subscribe(site, receiver.url, eventTypes, filters) };
    }

    // Three people, each in their own browser: one found the pricing page through Google search
    // and signed in (a lead with a few points), one came from an ad and filled in the contact
    // form (a marketing-qualified lead), one only signed in (no points).
    const organic = visitor('organic');
    const paid = visitor('paid');
    const cold = visitor('cold');
    await collect(site, [
      pageview(organic, '/pricing', 'https://www.google.com/'),
      identify(organic, 'organic@filters.io'),
    ]);
    await collect(site, [
      pageview(
        paid,
        '/?utm_source=google&utm_medium=cpc&gclid=e2e-gclid',
        'https://www.google.com/',
      ),
      formFill(paid, 'paid@filters.io'),
    ]);
    await collect(site, [identify(cold, 'cold@filters.io')]);
    // And someone who never said who they are asked a question and clicked the phone number.
    const anonymous = visitor('anonymous');
    await collect(site, [
      {
        ...formFill(anonymous, ''),
        form: { id: 'question', fields: { message: 'Open on Sundays?' } },
        traits: undefined,
      },
      {
        ...pageview(anonymous, '/contact'),
        type: 'call_click',
        call: { number: '+1 512 555 0100', text: 'Call us' },
      },
    ]);

    const found = await until(
      async () =>
        Promise.all(
          ['organic', 'paid', 'cold'].map((name) => leadByEmail(site, `${name}@filters.io`)),
        ),
      (all) => all.every((lead) => lead !== undefined),
    );
    leads = { organic: found[0]!, paid: found[1]!, cold: found[2]! };
    // Every endpoint has every delivery it will get, each sent and answered.
    await until(
      async () => {
        const logs = await Promise.all(
          Object.values(hooks).map(({ webhook }) => deliveriesOf(site, webhook.id)),
        );
        return logs.map((log, index) => ({
          log,
          hits: Object.values(hooks)[index]!.receiver.hits.filter((hit) => hit.status === 204)
            .length,
        }));
      },
      (endpoints) =>
        endpoints[0]!.log.data.filter((delivery) => delivery.eventType === 'form.submitted')
          .length === 2 &&
        endpoints[0]!.log.data.some((delivery) => delivery.eventType === 'call.clicked') &&
        endpoints[0]!.log.data.filter((delivery) => delivery.eventType === 'lead.created')
          .length === 3 &&
        endpoints.every(
          ({ log, hits }) =>
            log.data.every((delivery) => delivery.status === 'delivered') &&
            hits === log.data.length,
        ),
      30_000,
    );
  });

  it('has leads that tell the filters apart', () => {
    expect(leads.organic).toMatchObject({
      status: 'lead',
      firstTouch: { channel: 'Organic Search' },
    });
    expect(leads.organic.score).toBeGreaterThanOrEqual(10);
    expect(leads.organic.score).toBeLessThan(50);
    expect(leads.paid).toMatchObject({ status: 'mql', firstTouch: { channel: 'Paid Search' } });
    expect(leads.cold).toMatchObject({ status: 'lead', firstTouch: null });
    expect(leads.cold.score).toBeLessThan(10);
  });

  it('sends every change to a subscription without filters', () => {
    const all = received('everything');
    const types = (leadId: string) =>
      all.filter((event) => event.leadId === leadId).map((event) => event.type);
    expect(types(leads.paid.id)).toEqual(
      expect.arrayContaining([
        'lead.created',
        'form.submitted',
        'lead.score_changed',
        'lead.status_changed',
      ]),
    );
    expect(types(leads.organic.id)).toEqual(
      expect.arrayContaining(['lead.created', 'lead.score_changed']),
    );
    expect(types(leads.cold.id)).toEqual(expect.arrayContaining(['lead.created']));
  });

  it('sends a statuses filter only the changes of leads in those statuses', () => {
    const all = received('everything');
    const mql = received('mql');
    expect(mql.length).toBeGreaterThan(0);
    expect(mql.every((event) => event.data.lead?.status === 'mql')).toBe(true);
    expect(mql.map((event) => event.type).sort()).toEqual(
      all
        .filter((event) => event.leadId === leads.paid.id)
        .map((event) => event.type)
        .sort(),
    );
  });

  it('sends a minScore filter only the changes of leads with at least that score', () => {
    const all = received('everything');
    const scored = received('score10');
    expect(scored.every((event) => (event.data.lead?.score ?? 0) >= 10)).toBe(true);
    expect(new Set(scored.map((event) => event.leadId))).toEqual(
      new Set([leads.organic.id, leads.paid.id]),
    );
    expect(scored).toHaveLength(
      all.filter((event) => event.leadId === leads.organic.id || event.leadId === leads.paid.id)
        .length,
    );
  });

  it('sends a channels filter only the changes of leads touched through those channels', () => {
    const organic = received('organic');
    expect(organic.length).toBeGreaterThan(0);
    expect(new Set(organic.map((event) => event.leadId))).toEqual(new Set([leads.organic.id]));
  });

  it('sends a subscription to form.submitted the form fills and nothing else', () => {
    const forms = received('forms');
    expect(forms.map((event) => event.type)).toEqual(['form.submitted', 'form.submitted']);
    expect(forms.map((event) => event.leadId)).toEqual(
      expect.arrayContaining([leads.paid.id, null]),
    );
  });

  it('announces the form fills and calls of anonymous visitors, with no lead, only where no filter is set', () => {
    const anonymous = received('everything').filter((event) => event.leadId === null);
    expect(anonymous.map((event) => event.type).sort()).toEqual(['call.clicked', 'form.submitted']);
    for (const event of anonymous)
      expect(event.data).toMatchObject({
        leadId: null,
        lead: null,
        anonymousId: expect.stringMatching(/^anonymous-/),
      });
    expect(anonymous.find((event) => event.type === 'form.submitted')!.data.form).toEqual({
      id: 'question',
      fields: { message: 'Open on Sundays?' },
    });
    expect(anonymous.find((event) => event.type === 'call.clicked')!.data.call).toMatchObject({
      number: '+1 512 555 0100',
    });
    for (const name of ['mql', 'score10', 'organic'])
      expect(received(name).filter((event) => event.leadId === null)).toEqual([]);
  });

  it('sends a form fill with the form and the lead as the API shows it, under 20 KB', async () => {
    // The paid visitor's form, whichever form fill the receiver happened to get first.
    const [event] = received('everything').filter(
      (event) => event.type === 'form.submitted' && event.leadId === leads.paid.id,
    );
    expect(event!.bytes).toBeLessThan(20 * 1024);
    expect(event!.data).toMatchObject({
      leadId: leads.paid.id,
      anonymousId: expect.stringMatching(/^paid-/),
      eventId: expect.any(String),
      page: { path: '/contact' },
      form: { id: 'contact', fields: { email: 'paid@filters.io', message: 'Call me' } },
    });
    const lead = await read<Lead>(site, `/v1/leads/${leads.paid.id}`);
    expect(event!.data.lead).toMatchObject({
      id: lead.id,
      email: 'paid@filters.io',
      identifiers: { emails: ['paid@filters.io'], phones: [], externalIds: [] },
      score: lead.score,
      status: 'mql',
      firstTouch: { channel: 'Paid Search', source: 'google', medium: 'cpc', clickIdType: 'gclid' },
      lastTouch: { channel: 'Paid Search' },
      visitorIds: lead.visitorIds,
      createdAt: lead.createdAt,
      mergedInto: null,
    });
    expect(event!.data.lead?.firstTouch).toEqual(lead.firstTouch);
    expect(event!.data.lead?.lastTouch).toEqual(lead.lastTouch);
    // Every lead.* change carries the lead too.
    for (const other of received('everything').filter((item) => item.type.startsWith('lead.')))
      expect(other.data.lead).toMatchObject({ id: other.leadId, identifiers: expect.any(Object) });
  });
});
