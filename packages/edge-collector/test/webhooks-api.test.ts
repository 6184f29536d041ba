// The webhook subscriptions API as a backend developer uses it, through the real worker on D1:
// create (the secret shown once), list, read, update, delete, rotate the secret, the test event
// and the delivery log, every way a request can be wrong, the SSRF guard outside development, and
// erasure reaching the deliveries that carried a person's data. Nothing here needs a receiver:
// delivery to real servers is covered by tests/webhooks-pipeline.test.ts.

import { env } from 'cloudflare:workers';
import type {
  CreateSiteResponse,
  LeadList,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookList,
  WebhookWithSecret,
} from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { D1Store } from '../src/store/d1.ts';
import {
  batch,
  collect,
  createSite,
  expectProblem,
  pageview,
  request,
  SITE_ORIGIN,
} from './helpers.ts';
import { CHROME_ON_MAC } from './store-suite.ts';

/** Nothing listens on the discard port: an attempt fails at once, without leaving the machine. */
const UNREACHABLE = 'http://127.0.0.1:9/';
const HOOK_URL = 'https://hooks.example.com/leadloop';
const WHSEC = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

let site: CreateSiteResponse;

beforeAll(async () => {
  site = await createSite({ name: 'Webhooks' });
});

function api(path: string, init: RequestInit = {}, key: string | null = site.secretKey) {
  const headers = new Headers(init.headers);
  if (key !== null) headers.set('authorization', `Bearer ${key}`);
  return request(path, { ...init, headers });
}

const send = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

async function createWebhook(
  input: Record<string, unknown> = {},
  key = site.secretKey,
): Promise<WebhookWithSecret> {
  const response = await api(
    '/v1/webhooks',
    send('POST', { url: HOOK_URL, eventTypes: ['*'], ...input }),
    key,
  );
  if (response.status !== 201)
    throw new Error(`createWebhook: ${response.status} ${await response.text()}`);
  return response.json();
}

async function getWebhook(id: string, key = site.secretKey): Promise<Webhook> {
  const response = await api(`/v1/webhooks/${id}`, {}, key);
  expect(response.status).toBe(200);
  return response.json();
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** The problem's field errors, as `path: message` lines (readable in a failed assertion). */
const fieldErrors = (problem: { errors?: { path: string; message: string }[] }) =>
  (problem.errors ?? []).map(({ path, message }) => `${path}: ${message}`);

describe('POST /v1/webhooks', () => {
  it('answers 201 with a Location and the whsec_ secret, which no read shows again', async () => {
    const response = await api(
      '/v1/webhooks',
      send('POST', {
        url: HOOK_URL,
        eventTypes: ['lead.created', 'form.submitted', 'lead.created'],
        filters: { minScore: 10, statuses: ['mql', 'sql'], channels: ['Paid Search'] },
        description: '  CRM intake  ',
      }),
    );
    expect(response.status).toBe(201);
    const created = (await response.json()) as WebhookWithSecret;
    expect(created).toMatchObject({
      id: expect.stringMatching(/^wh_/),
      url: HOOK_URL,
      eventTypes: ['lead.created', 'form.submitted'], // a repeated type once
      filters: { minScore: 10, statuses: ['mql', 'sql'], channels: ['Paid Search'] },
      description: 'CRM intake',
      enabled: true,
      disabledReason: null,
      failingSince: null,
    });
    expect(created.createdAt).toBe(created.updatedAt);
    expect(response.headers.get('location')).toBe(`/v1/webhooks/${created.id}`);
    // Standard Webhooks: whsec_ and the base64 of 24 to 64 random bytes.
    expect(created.secret).toMatch(WHSEC);
    const bytes = atob(created.secret.slice('whsec_'.length)).length;
    expect(bytes).toBeGreaterThanOrEqual(24);
    expect(bytes).toBeLessThanOrEqual(64);

    const read = await api(response.headers.get('location')!);
    expect(read.status).toBe(200);
    const text = await read.text();
    expect(text).not.toContain(created.secret);
    const { secret: _secret, ...shown } = created;
    expect(JSON.parse(text)).toEqual(shown);
    const list = await (await api('/v1/webhooks?limit=100')).text();
    expect(list).toContain(created.id);
    expect(list).not.toContain(created.secret);
    expect(list).not.toContain('whsec_');
  });

  it('defaults the filters and the description, and gives every subscription its own secret', async () => {
    const one = await createWebhook({ eventTypes: ['lead.status_changed'] });
    const two = await createWebhook({ eventTypes: ['lead.status_changed'] });
    expect(one).toMatchObject({
      filters: {},
      description: '',
      eventTypes: ['lead.status_changed'],
    });
    expect(one.secret).not.toBe(two.secret);
    expect(one.id).not.toBe(two.id);
  });
});

describe('GET /v1/webhooks', () => {
  it('pages through the subscriptions in creation order with a cursor', async () => {
    const own = await createSite({ name: 'Paging' });
    const created: string[] = [];
    for (const description of ['first', 'second', 'third'])
      created.push((await createWebhook({ description }, own.secretKey)).id);

    const first = (await (
      await api('/v1/webhooks?limit=2', {}, own.secretKey)
    ).json()) as WebhookList;
    expect(first.data.map((webhook) => webhook.id)).toEqual(created.slice(0, 2));
    expect(first.data.map((webhook) => webhook.description)).toEqual(['first', 'second']);
    expect(first.nextCursor).toEqual(expect.any(String));

    const second = (await (
      await api(
        `/v1/webhooks?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`,
        {},
        own.secretKey,
      )
    ).json()) as WebhookList;
    expect(second.data.map((webhook) => webhook.id)).toEqual(created.slice(2));
    expect(second.nextCursor).toBeNull();

    const all = (await (await api('/v1/webhooks', {}, own.secretKey)).json()) as WebhookList;
    expect(all.data.map((webhook) => webhook.id)).toEqual(created);
    expect(all.nextCursor).toBeNull();
    expect(JSON.stringify(all)).not.toContain('whsec_');
  });

  it('refuses a cursor it did not make, and limits out of range, by name', async () => {
    for (const cursor of ['garbage', '123', 'abc_wh_x', `${'9'.repeat(16)}_wh_x`]) {
      const problem = await expectProblem(
        await api(`/v1/webhooks?cursor=${encodeURIComponent(cursor)}`),
        400,
      );
      expect(problem.errors?.map((error) => error.path)).toEqual(['cursor']);
    }
    for (const limit of ['0', '101', 'ten']) {
      const problem = await expectProblem(await api(`/v1/webhooks?limit=${limit}`), 400);
      expect(problem.errors?.map((error) => error.path)).toEqual(['limit']);
    }
    const unknown = await expectProblem(await api('/v1/webhooks?enabled=true'), 400);
    expect(fieldErrors(unknown).join('\n')).toContain('enabled');
  });
});

describe('PATCH /v1/webhooks/{id}', () => {
  it('replaces what is given and keeps the rest', async () => {
    const webhook = await createWebhook({
      eventTypes: ['lead.created'],
      filters: { minScore: 5 },
      description: 'before',
    });
    const response = await api(
      `/v1/webhooks/${webhook.id}`,
      send('PATCH', {
        eventTypes: ['form.submitted', 'lead.score_changed'],
        filters: { statuses: ['sql'], channels: ['Email', 'Organic Search'] },
        description: 'after',
      }),
    );
    expect(response.status).toBe(200);
    const updated = (await response.json()) as Webhook;
    expect(updated).toMatchObject({
      id: webhook.id,
      url: HOOK_URL,
      eventTypes: ['form.submitted', 'lead.score_changed'],
      // The filters are replaced as a whole: minScore is gone.
      filters: { statuses: ['sql'], channels: ['Email', 'Organic Search'] },
      description: 'after',
      enabled: true,
      createdAt: webhook.createdAt,
    });
    expect('secret' in updated).toBe(false);
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(webhook.updatedAt));
    expect(await getWebhook(webhook.id)).toEqual(updated);

    const url = 'https://crm.example.org/hooks/leadloop?token=abc';
    const moved = (await (
      await api(`/v1/webhooks/${webhook.id}`, send('PATCH', { url }))
    ).json()) as Webhook;
    expect(moved).toMatchObject({ url, description: 'after', filters: updated.filters });
  });

  it('disables by hand with a reason; enabling again clears the reason and the failing streak', async () => {
    const webhook = await createWebhook({ url: UNREACHABLE });
    // A failed test attempt starts the endpoint's failing streak.
    expect((await api(`/v1/webhooks/${webhook.id}/test`, { method: 'POST' })).status).toBe(200);
    const failing = await getWebhook(webhook.id);
    expect(failing.failingSince).toEqual(expect.any(String));

    const disabled = (await (
      await api(`/v1/webhooks/${webhook.id}`, send('PATCH', { enabled: false }))
    ).json()) as Webhook;
    expect(disabled).toMatchObject({
      enabled: false,
      disabledReason: expect.stringMatching(/API/),
    });
    expect(await getWebhook(webhook.id)).toMatchObject({ enabled: false });

    const enabled = (await (
      await api(`/v1/webhooks/${webhook.id}`, send('PATCH', { enabled: true }))
    ).json()) as Webhook;
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    expect(await getWebhook(webhook.id)).toMatchObject({
      enabled: true,
      disabledReason: null,
      failingSince: null,
    });
  });

  it('refuses an empty update and bad fields by name, and changes nothing', async () => {
    const webhook = await createWebhook({ description: 'kept' });
    const path = `/v1/webhooks/${webhook.id}`;
    await expectProblem(await api(path, send('PATCH', {})), 400);
    await expectProblem(await api(path, { method: 'PATCH' }), 400);
    await expectProblem(
      await api(path, { method: 'PATCH', headers: { 'content-length': '0' }, body: '' }),
      400,
    );
    const cases: [body: Record<string, unknown>, path: string][] = [
      [{ url: 'ftp://example.com/' }, 'url'],
      [{ enabled: 'yes' }, 'enabled'],
      [{ eventTypes: [] }, 'eventTypes'],
      [{ eventTypes: ['lead.exploded'] }, 'eventTypes.0'],
      [{ filters: { minScore: -1 } }, 'filters.minScore'],
    ];
    for (const [body, field] of cases) {
      const problem = await expectProblem(await api(path, send('PATCH', body)), 400);
      expect(problem.errors?.map((error) => error.path)).toContain(field);
    }
    const secret = await expectProblem(await api(path, send('PATCH', { secret: 'whsec_x' })), 400);
    expect(fieldErrors(secret).join('\n')).toContain('secret');
    expect(await getWebhook(webhook.id)).toEqual(
      expect.objectContaining({ description: 'kept', url: HOOK_URL, updatedAt: webhook.updatedAt }),
    );
  });

  it('is a 404 for an unknown id', async () => {
    await expectProblem(
      await api('/v1/webhooks/wh_missing', send('PATCH', { description: 'x' })),
      404,
    );
  });
});

describe('DELETE /v1/webhooks/{id}', () => {
  it('answers 204, then the subscription is gone: 404 to read, to delete and to list', async () => {
    const webhook = await createWebhook();
    const response = await api(`/v1/webhooks/${webhook.id}`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    const problem = await expectProblem(await api(`/v1/webhooks/${webhook.id}`), 404);
    expect(problem.detail).toContain(webhook.id);
    await expectProblem(await api(`/v1/webhooks/${webhook.id}`, { method: 'DELETE' }), 404);
    const list = await (await api('/v1/webhooks?limit=100')).text();
    expect(list).not.toContain(webhook.id);
  });

  it("takes the subscription's delivery log with it", async () => {
    const webhook = await createWebhook({ url: UNREACHABLE });
    const delivery = (await (
      await api(`/v1/webhooks/${webhook.id}/test`, { method: 'POST' })
    ).json()) as WebhookDelivery;
    expect((await api(`/v1/webhooks/${webhook.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectProblem(await api(`/v1/webhook-deliveries/${delivery.id}`), 404);
    const left = await env.DB.prepare(
      'SELECT (SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?1) AS deliveries, (SELECT COUNT(*) FROM webhook_attempts WHERE delivery_id = ?2) AS attempts',
    )
      .bind(webhook.id, delivery.id)
      .first<{ deliveries: number; attempts: number }>();
    expect(left).toEqual({ deliveries: 0, attempts: 0 });
  });
});

describe('POST /v1/webhooks/{id}/rotate-secret', () => {
  it('answers a new secret; the old one stays valid for the grace period (a day by default)', async () => {
    const webhook = await createWebhook();
    const before = Date.now();
    const response = await api(`/v1/webhooks/${webhook.id}/rotate-secret`, send('POST', {}));
    expect(response.status).toBe(200);
    const rotated = (await response.json()) as WebhookWithSecret & {
      previousSecretExpiresAt: string | null;
    };
    expect(rotated.id).toBe(webhook.id);
    expect(rotated.secret).toMatch(WHSEC);
    expect(rotated.secret).not.toBe(webhook.secret);
    const expires = Date.parse(rotated.previousSecretExpiresAt!);
    expect(expires).toBeGreaterThanOrEqual(before + 86_400_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 86_400_000 + 1000);
    // Neither secret is shown by a read.
    const read = await (await api(`/v1/webhooks/${webhook.id}`)).text();
    expect(read).not.toContain(rotated.secret);
    expect(read).not.toContain(webhook.secret);

    const short = (await (
      await api(`/v1/webhooks/${webhook.id}/rotate-secret`, send('POST', { graceSeconds: 60 }))
    ).json()) as { secret: string; previousSecretExpiresAt: string };
    expect(Date.parse(short.previousSecretExpiresAt) - Date.now()).toBeLessThanOrEqual(61_000);
    expect(short.secret).not.toBe(rotated.secret);

    const now = (await (
      await api(`/v1/webhooks/${webhook.id}/rotate-secret`, send('POST', { graceSeconds: 0 }))
    ).json()) as { previousSecretExpiresAt: string | null };
    expect(now.previousSecretExpiresAt).toBeNull();
  });

  it('needs no body: a bare POST rotates with the default grace period', async () => {
    const webhook = await createWebhook();
    // A body-less POST as it reaches the worker through a service binding or any in-process
    // caller: no body and no Content-Length header (over HTTP, workerd adds `Content-Length: 0`).
    const response = await api(`/v1/webhooks/${webhook.id}/rotate-secret`, { method: 'POST' });
    expect(response.status, await response.clone().text()).toBe(200);
    const rotated = (await response.json()) as { secret: string };
    expect(rotated.secret).not.toBe(webhook.secret);
  });

  it('refuses a grace period over 7 days, by name', async () => {
    const webhook = await createWebhook();
    const problem = await expectProblem(
      await api(
        `/v1/webhooks/${webhook.id}/rotate-secret`,
        send('POST', { graceSeconds: 8 * 86_400 }),
      ),
      400,
    );
    expect(problem.errors?.map((error) => error.path)).toEqual(['graceSeconds']);
  });
});

describe('bad requests', () => {
  const valid = { url: HOOK_URL, eventTypes: ['lead.created'] };
  const cases: [what: string, body: Record<string, unknown>, path: string, names?: string][] = [
    ['a URL that is not http(s)', { ...valid, url: 'ftp://example.com/hook' }, 'url'],
    ['a javascript: URL', { ...valid, url: 'javascript:alert(1)' }, 'url'],
    ['a relative URL', { ...valid, url: '/hooks' }, 'url'],
    ['no URL', { eventTypes: ['lead.created'] }, 'url'],
    ['an unknown event type', { ...valid, eventTypes: ['lead.exploded'] }, 'eventTypes.0'],
    ['no event types', { ...valid, eventTypes: [] }, 'eventTypes'],
    ['webhook.test as a subscription', { ...valid, eventTypes: ['webhook.test'] }, 'eventTypes.0'],
    ['an unknown key at the top', { ...valid, secret: 'whsec_mine' }, 'secret', 'Unknown field'],
    ['an unknown filter', { ...valid, filters: { score: 5 } }, 'filters.score', 'Unknown field'],
    [
      'an unknown channel',
      { ...valid, filters: { channels: ['Paid Search', 'Carrier Pigeon'] } },
      'filters.channels.1',
    ],
    ['a negative minScore', { ...valid, filters: { minScore: -1 } }, 'filters.minScore'],
    ['a fractional minScore', { ...valid, filters: { minScore: 2.5 } }, 'filters.minScore'],
    ['an unknown status', { ...valid, filters: { statuses: ['hot'] } }, 'filters.statuses.0'],
    ['an empty status list', { ...valid, filters: { statuses: [] } }, 'filters.statuses'],
  ];

  it.each(cases)(
    'refuses %s with 400 problem+json naming the field',
    async (_what, body, path, names) => {
      const problem = await expectProblem(await api('/v1/webhooks', send('POST', body)), 400);
      expect(problem).toMatchObject({
        type: 'urn:leadloop:problem:validation-failed',
        status: 400,
      });
      expect(problem.errors?.map((error) => error.path)).toContain(path);
      if (names) expect(fieldErrors(problem).join('\n')).toContain(names);
    },
  );

  it('refuses a body that is not JSON, or not JSON at all by type', async () => {
    const malformed = await expectProblem(await api('/v1/webhooks', send('POST', '{"url":')), 400);
    expect(malformed.type).toBe('urn:leadloop:problem:malformed-json');
    await expectProblem(
      await api('/v1/webhooks', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'url=https://hooks.example.com/',
      }),
      415,
    );
  });

  it('refuses a body over 16 KB with 413 problem+json, before reading it', async () => {
    const body = { ...valid, description: 'x'.repeat(20_000) };
    const problem = await expectProblem(await api('/v1/webhooks', send('POST', body)), 413);
    expect(problem.type).toBe('urn:leadloop:problem:payload-too-large');
    const webhook = await createWebhook();
    await expectProblem(await api(`/v1/webhooks/${webhook.id}`, send('PATCH', body)), 413);
  });

  it('refuses bad delivery log queries by name', async () => {
    const webhook = await createWebhook();
    const deliveries = `/v1/webhooks/${webhook.id}/deliveries`;
    const status = await expectProblem(await api(`${deliveries}?status=lost`), 400);
    expect(status.errors?.map((error) => error.path)).toEqual(['status']);
    const cursor = await expectProblem(await api(`${deliveries}?cursor=nope`), 400);
    expect(cursor.errors?.map((error) => error.path)).toEqual(['cursor']);
    const limit = await expectProblem(await api(`${deliveries}?limit=500`), 400);
    expect(limit.errors?.map((error) => error.path)).toEqual(['limit']);
  });
});

describe('keys', () => {
  it('needs a secret key: none is 401, the public write key is 401 by name, an unknown one 401', async () => {
    await expectProblem(await api('/v1/webhooks', {}, null), 401);
    await expectProblem(
      await api('/v1/webhooks', send('POST', { url: HOOK_URL, eventTypes: ['*'] }), null),
      401,
    );
    const problem = await expectProblem(await api('/v1/webhooks', {}, site.writeKey), 401);
    expect(problem.detail).toContain('/v1/collect');
    await expectProblem(
      await api('/v1/webhooks', send('POST', { url: HOOK_URL, eventTypes: ['*'] }), site.writeKey),
      401,
    );
    await expectProblem(await api('/v1/webhooks', {}, 'sk_not-a-key'), 401);
    await expectProblem(await api('/v1/webhook-deliveries/msg_x', {}, null), 401);
    await expectProblem(await api('/v1/webhook-deliveries/msg_x', {}, site.writeKey), 401);
  });

  it("answers another site's key 404 for every route of a webhook, and leaks nothing", async () => {
    const webhook = await createWebhook({ url: UNREACHABLE, description: 'private' });
    const delivery = (await (
      await api(`/v1/webhooks/${webhook.id}/test`, { method: 'POST' })
    ).json()) as WebhookDelivery;
    const other = await createSite({ name: 'Other' });
    const as = (path: string, init: RequestInit = {}) => api(path, init, other.secretKey);
    const attempts = [
      as(`/v1/webhooks/${webhook.id}`),
      as(`/v1/webhooks/${webhook.id}`, send('PATCH', { description: 'mine now' })),
      as(`/v1/webhooks/${webhook.id}`, { method: 'DELETE' }),
      as(`/v1/webhooks/${webhook.id}/rotate-secret`, send('POST', {})),
      as(`/v1/webhooks/${webhook.id}/test`, { method: 'POST' }),
      as(`/v1/webhooks/${webhook.id}/deliveries`),
      as(`/v1/webhook-deliveries/${delivery.id}`),
      as(`/v1/webhook-deliveries/${delivery.id}/redeliver`, { method: 'POST' }),
    ];
    for (const response of await Promise.all(attempts)) {
      const problem = await expectProblem(response, 404);
      const text = JSON.stringify(problem);
      expect(text).not.toContain(webhook.url);
      expect(text).not.toContain('private');
      expect(text).not.toContain(webhook.secret);
    }
    const list = (await (await as('/v1/webhooks')).json()) as WebhookList;
    expect(list.data).toEqual([]);
    // Nothing the other site tried changed anything.
    expect(await getWebhook(webhook.id)).toMatchObject({ description: 'private', enabled: true });
    const log = (await (
      await api(`/v1/webhooks/${webhook.id}/deliveries`)
    ).json()) as WebhookDeliveryList;
    expect(log.data.map((item) => item.id)).toEqual([delivery.id]);
  });

  it('answers an unknown delivery id 404, to read and to redeliver', async () => {
    const read = await expectProblem(await api('/v1/webhook-deliveries/msg_missing'), 404);
    expect(read.detail).toContain('msg_missing');
    await expectProblem(
      await api('/v1/webhook-deliveries/msg_missing/redeliver', { method: 'POST' }),
      404,
    );
    await expectProblem(await api('/v1/webhooks/wh_missing/deliveries'), 404);
    await expectProblem(await api('/v1/webhooks/wh_missing/test', { method: 'POST' }), 404);
  });
});

describe('the SSRF guard at registration, outside development', () => {
  const ADMIN_TOKEN = 'webhooks-api-admin-token';
  const app = createApp({
    store: new D1Store(env.DB),
    events: async () => {},
    delivery: { allowPrivate: false, enqueue: async () => {} },
    config: { environment: 'production', adminToken: ADMIN_TOKEN },
    sdkScript: { code: '', etag: '""' },
  });
  let secretKey: string;

  beforeAll(async () => {
    const response = await app.request('/v1/admin/sites', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Production', allowedOrigins: [SITE_ORIGIN] }),
    });
    expect(response.status).toBe(201);
    ({ secretKey } = (await response.json()) as CreateSiteResponse);
  });

  const register = (url: string) =>
    app.request('/v1/webhooks', {
      method: 'POST',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url, eventTypes: ['*'] }),
    });

  const refused = [
    'http://127.0.0.1/',
    'http://localhost/',
    'http://2130706433/', // 127.0.0.1 in decimal
    'http://0x7f.1/', // in hex, shortened
    'http://017700000001/', // in octal
    'http://[::ffff:127.0.0.1]/', // IPv4-mapped IPv6
    'http://169.254.169.254/latest', // cloud metadata
    'http://10.0.0.1/',
    'http://100.64.0.1/', // CGNAT
    'http://localhost./', // trailing dot
    'ftp://example.com/',
    // More spellings of the same places.
    'http://127.1:8080/hook',
    'http://0/',
    'http://0.0.0.0/',
    'http://[::1]/',
    'http://[::]/',
    'http://192.168.1.10/',
    'http://172.16.0.1/',
    'http://[fd00:ec2::254]/',
    'http://[fe80::1]/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://api.localhost/',
    'http://%31%32%37.0.0.1/', // percent-encoded
    'https://user:pass@hooks.example.com/', // credentials in the URL
  ];

  it.each(refused)('refuses %s with 400 naming url', async (url) => {
    const problem = await expectProblem(await register(url), 400);
    expect(problem.errors?.map((error) => error.path)).toEqual(['url']);
  });

  it('accepts a public https endpoint, and refuses a move to a private one', async () => {
    const response = await register(HOOK_URL);
    expect(response.status).toBe(201);
    const webhook = (await response.json()) as WebhookWithSecret;
    expect(webhook.url).toBe(HOOK_URL);
    const moved = await app.request(`/v1/webhooks/${webhook.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://169.254.169.254/latest/meta-data/' }),
    });
    const problem = await expectProblem(moved, 400);
    expect(problem.errors?.map((error) => error.path)).toEqual(['url']);
  });
});

describe('the test event and the delivery log', () => {
  it('sends webhook.test now; a failed attempt is logged and left pending for its retry', async () => {
    const webhook = await createWebhook({ url: UNREACHABLE });
    const before = Date.now();
    const response = await api(`/v1/webhooks/${webhook.id}/test`, { method: 'POST' });
    expect(response.status).toBe(200);
    const delivery = (await response.json()) as WebhookDelivery;
    expect(delivery).toMatchObject({
      id: expect.stringMatching(/^msg_/),
      webhookId: webhook.id,
      eventType: 'webhook.test',
      leadId: null,
      status: 'pending',
      attempts: 1,
      lastStatusCode: null,
      lastError: expect.any(String),
      deliveredAt: null,
    });
    expect(delivery.attemptLog).toEqual([
      {
        number: 1,
        at: expect.any(String),
        outcome: 'failed',
        statusCode: null,
        latencyMs: expect.any(Number),
        error: expect.any(String),
      },
    ]);
    expect(Date.parse(delivery.attemptLog[0]!.at)).toBeGreaterThanOrEqual(before - 1000);
    // The first retry of the schedule: 5 s after the failure.
    expect(Date.parse(delivery.nextAttemptAt!)).toBeGreaterThan(before);

    const log = (await (
      await api(`/v1/webhooks/${webhook.id}/deliveries`)
    ).json()) as WebhookDeliveryList;
    expect(log.nextCursor).toBeNull();
    expect(log.data).toHaveLength(1);
    expect(log.data[0]).toMatchObject({
      id: delivery.id,
      eventType: 'webhook.test',
      attemptLog: [expect.objectContaining({ number: 1, outcome: 'failed' })],
    });
    const pending = (await (
      await api(`/v1/webhooks/${webhook.id}/deliveries?status=pending`)
    ).json()) as WebhookDeliveryList;
    expect(pending.data.map((item) => item.id)).toEqual([delivery.id]);
    const delivered = (await (
      await api(`/v1/webhooks/${webhook.id}/deliveries?status=delivered`)
    ).json()) as WebhookDeliveryList;
    expect(delivered.data).toEqual([]);

    const one = await api(`/v1/webhook-deliveries/${delivery.id}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: delivery.id, webhookId: webhook.id });

    const redelivered = await api(`/v1/webhook-deliveries/${delivery.id}/redeliver`, {
      method: 'POST',
    });
    expect(redelivered.status).toBe(202);
    expect(await redelivered.json()).toMatchObject({
      id: delivery.id,
      status: 'pending',
      nextAttemptAt: expect.any(String),
    });
    // The body was stored once, whatever happens to its attempts.
    const body = await env.DB.prepare('SELECT body FROM webhook_deliveries WHERE id = ?')
      .bind(delivery.id)
      .first<{ body: string }>();
    expect(JSON.parse(body!.body)).toMatchObject({
      type: 'webhook.test',
      timestamp: expect.any(String),
      data: { webhookId: webhook.id },
    });
  });

  it('pages the delivery log newest first with a cursor', async () => {
    const webhook = await createWebhook({ url: UNREACHABLE });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          (await (
            await api(`/v1/webhooks/${webhook.id}/test`, { method: 'POST' })
          ).json()) as WebhookDelivery
        ).id,
      );
    const first = (await (
      await api(`/v1/webhooks/${webhook.id}/deliveries?limit=2`)
    ).json()) as WebhookDeliveryList;
    expect(first.data).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await (
      await api(
        `/v1/webhooks/${webhook.id}/deliveries?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`,
      )
    ).json()) as WebhookDeliveryList;
    expect(second.data).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const seen = [...first.data, ...second.data].map((item) => item.id);
    expect([...seen].sort()).toEqual([...ids].sort());
    const created = [...first.data, ...second.data].map((item) => Date.parse(item.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });
});

describe('erasing a lead', () => {
  type DeliveryRow = { id: string; lead_id: string | null; change_id: string; event_type: string };

  const deliveriesOf = async (webhookId: string) =>
    (
      await env.DB.prepare(
        'SELECT id, lead_id, change_id, event_type FROM webhook_deliveries WHERE webhook_id = ?',
      )
        .bind(webhookId)
        .all<DeliveryRow>()
    ).results;

  const unrelayed = async (siteId: string) =>
    (await env.DB.prepare(
      'SELECT COUNT(*) AS n FROM outbox WHERE site_id = ? AND relayed_at IS NULL',
    )
      .bind(siteId)
      .first<{ n: number }>())!.n;

  const formFill = (anonymousId: string, email: string) =>
    pageview({
      type: 'form_submit',
      anonymousId,
      sessionId: `${anonymousId}-s`,
      page: { url: `${SITE_ORIGIN}/contact`, path: '/contact', title: 'Contact' },
      form: { id: 'contact', fields: { email, name: 'Eve', message: 'Call me' } },
      traits: { email, name: 'Eve' },
    } as never);

  it('removes the webhook deliveries that carried its data, and their attempts', async () => {
    const own = await createSite({ name: 'Erasure' });
    const as = (path: string, init: RequestInit = {}) => api(path, init, own.secretKey);
    const webhook = (await (
      await as('/v1/webhooks', send('POST', { url: UNREACHABLE, eventTypes: ['*'] }))
    ).json()) as WebhookWithSecret;
    const test = (await (
      await as(`/v1/webhooks/${webhook.id}/test`, { method: 'POST' })
    ).json()) as WebhookDelivery;

    const eve = formFill('eve-laptop', 'eve@erasure.io');
    const bob = formFill('bob-laptop', 'bob@erasure.io');
    const response = await collect(batch(own.writeKey, [eve, bob]), { userAgent: CHROME_ON_MAC });
    expect(response.status).toBe(202);

    const leadOf = async (email: string) =>
      ((await (await as(`/v1/leads?email=${email}`)).json()) as LeadList).data[0];
    const eveLead = await until(
      () => leadOf('eve@erasure.io'),
      (lead) => lead !== undefined,
    );
    const bobLead = await until(
      () => leadOf('bob@erasure.io'),
      (lead) => lead !== undefined,
    );
    expect(eveLead).toBeDefined();
    expect(bobLead).toBeDefined();
    // Every change is relayed into deliveries: the form fill and the lead's own changes.
    const announced = await until(
      async () => ({ rows: await deliveriesOf(webhook.id), waiting: await unrelayed(own.site.id) }),
      ({ rows, waiting }) =>
        waiting === 0 &&
        rows.some((row) => row.change_id === `form.submitted:${eve.id}`) &&
        rows.some((row) => row.change_id === `form.submitted:${bob.id}`),
    );
    expect(announced.waiting).toBe(0);
    const eves = announced.rows.filter(
      (row) => row.lead_id === eveLead!.id || row.change_id === `form.submitted:${eve.id}`,
    );
    expect(eves.map((row) => row.event_type)).toEqual(
      expect.arrayContaining(['lead.created', 'form.submitted']),
    );
    const bobs = announced.rows.filter((row) => row.lead_id === bobLead!.id);
    expect(bobs.length).toBeGreaterThan(0);
    // The deliveries were attempted (and failed): the attempts hold their outcomes.
    await until(
      async () =>
        (await env.DB.prepare(
          `SELECT COUNT(*) AS n FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE webhook_id = ?)`,
        )
          .bind(webhook.id)
          .first<{ n: number }>())!.n,
      (n) => n > eves.length,
    );

    expect((await as(`/v1/leads/${eveLead!.id}`, { method: 'DELETE' })).status).toBe(204);

    const after = await deliveriesOf(webhook.id);
    expect(after.filter((row) => row.lead_id === eveLead!.id)).toEqual([]);
    expect(after.filter((row) => row.change_id === `form.submitted:${eve.id}`)).toEqual([]);
    const orphanAttempts = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM webhook_attempts WHERE delivery_id IN (${eves.map(() => '?').join(', ')})`,
    )
      .bind(...eves.map((row) => row.id))
      .first<{ n: number }>();
    expect(orphanAttempts!.n).toBe(0);
    const bodies = await env.DB.prepare('SELECT body FROM webhook_deliveries WHERE site_id = ?')
      .bind(own.site.id)
      .all<{ body: string }>();
    expect(bodies.results.map((row) => row.body).join('\n')).not.toContain('eve@erasure.io');
    // The events queue still holds the batch (the form fill was announced before its consumer
    // ran): when it comes, the erased person's form fill is not announced again.
    const reappeared = await until(
      async () =>
        (await env.DB.prepare(
          "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE site_id = ? AND body LIKE '%eve@erasure.io%'",
        )
          .bind(own.site.id)
          .first<{ n: number }>())!.n,
      (n) => n > 0,
      3000,
    );
    expect(reappeared).toBe(0);
    // Bob's deliveries and the test event stay.
    const kept = after.map((row) => row.id);
    expect(kept).toEqual(expect.arrayContaining([...bobs.map((row) => row.id), test.id]));
    const log = (await (
      await as(`/v1/webhooks/${webhook.id}/deliveries?limit=100`)
    ).json()) as WebhookDeliveryList;
    expect(log.data.some((item) => item.leadId === eveLead!.id)).toBe(false);
  }, 30_000);
});
