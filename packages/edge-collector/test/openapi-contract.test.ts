// The OpenAPI document against the real worker on D1: every documented operation is called for
// real, once as it should succeed and once as it should fail, and each answer's status,
// content type, body and headers must be what the document says for that status (ajv, JSON
// Schema 2020-12). A documented route the router does not know, or a route the router serves that
// the document leaves out, fails here.

import { env } from 'cloudflare:workers';
import type {
  ApiKey,
  Conversion,
  CreatedApiKey,
  CreateSiteResponse,
  LeadList,
  LeadTimeline,
  ServerEventsResponse,
  WebhookDelivery,
  WebhookWithSecret,
} from '@leadloop/schema';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';
import { notFound } from '../src/http/problem.ts';
import { D1Store } from '../src/store/d1.ts';
import { batch, collect, createSite, pageview, request, SITE_ORIGIN } from './helpers.ts';
import { CHROME_ON_MAC } from './store-suite.ts';

type Schema = Record<string, unknown>;
type ResponseSpec = {
  $ref?: string;
  content?: Record<string, { schema?: Schema }>;
  headers?: Record<string, unknown>;
};
type Operation = { operationId: string; responses: Record<string, ResponseSpec> };
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { responses?: Record<string, ResponseSpec> };
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options'];
/** Headers a client acts on: when an answer carries one, the document must say so for its status. */
const API_HEADERS = [
  'location',
  'content-location',
  'idempotent-replayed',
  'retry-after',
  'www-authenticate',
  'cache-control',
];
const DOCUMENT_ID = 'urn:leadloop:openapi';
/** Nothing listens on the discard port: a delivery attempt fails at once. */
const UNREACHABLE = 'http://127.0.0.1:9/';

const addFormats =
  (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule;

let doc: Document;
let ajv: Ajv2020;
let site: CreateSiteResponse;

/** A JSON pointer into the document, as a URI fragment. */
const pointer = (parts: string[]) =>
  `${DOCUMENT_ID}#/${parts.map((part) => encodeURIComponent(part.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')}`;

/** `/v1/webhooks/wh_1/test` → `/v1/webhooks/{id}/test`, among the documented paths. */
function templateOf(path: string): string | undefined {
  return Object.keys(doc.paths).find((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
}

type Checked = { operation: string; status: number };
const checked: Checked[] = [];

/**
 * Asserts that `response` is documented for `method path`: its status is listed, its content type
 * is one the document gives for that status, and its body validates against that schema.
 */
async function expectDocumented(method: string, path: string, response: Response, status: number) {
  const text = await response.text();
  expect(response.status, `${method} ${path}: ${text.slice(0, 300)}`).toBe(status);
  const bare = path.split('?')[0]!;
  const template = templateOf(bare);
  expect(template, `${bare} is not documented`).toBeDefined();
  const operation = doc.paths[template!]![method.toLowerCase()];
  expect(operation, `${method} ${template} is not documented`).toBeDefined();
  if (status === 404) {
    // The router's own 404 means the route does not exist, whatever the document says.
    expect(JSON.parse(text), `${method} ${path} reached no route`).not.toEqual(notFound().toJSON());
  }
  const key = String(status);
  expect(Object.keys(operation!.responses), `${method} ${template}`).toContain(key);
  let spec = operation!.responses[key]!;
  let at = ['paths', template!, method.toLowerCase(), 'responses', key];
  if (spec.$ref) {
    const name = spec.$ref.split('/').at(-1)!;
    spec = doc.components.responses![name]!;
    at = ['components', 'responses', name];
  }
  checked.push({ operation: `${method.toUpperCase()} ${template}`, status });
  const documentedHeaders = Object.keys(spec.headers ?? {}).map((name) => name.toLowerCase());
  for (const name of API_HEADERS)
    if (response.headers.has(name))
      expect(documentedHeaders, `${method} ${template} ${status} sends ${name}`).toContain(name);

  if (!spec.content) {
    expect(text, `${method} ${template} ${status} has no documented body`).toBe('');
    return;
  }
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  expect(Object.keys(spec.content), `${method} ${template} ${status}`).toContain(mediaType);
  const body = isJson(mediaType) ? JSON.parse(text) : text;
  const validate = ajv.getSchema(pointer([...at, 'content', mediaType, 'schema']));
  expect(validate, `no schema for ${method} ${template} ${status}`).toBeDefined();
  const valid = validate!(body);
  expect(
    validate!.errors ?? [],
    `${method} ${template} ${status} body: ${text.slice(0, 500)}`,
  ).toEqual([]);
  expect(valid).toBe(true);
  if (mediaType === 'application/problem+json') expect(body.status).toBe(status);
}

/** JSON documents (`application/json`, `…+json`), not JSON lines. */
const isJson = (mediaType: string) => /^application\/(?:json|[\w.-]+\+json)$/.test(mediaType);

const json = (method: string, body: unknown, key: string | null = site.secretKey): RequestInit => ({
  method,
  headers: {
    'content-type': 'application/json',
    ...(key ? { authorization: `Bearer ${key}` } : {}),
  },
  body: JSON.stringify(body),
});
const withKey = (method = 'GET', key: string | null = site.secretKey): RequestInit => ({
  method,
  headers: key ? { authorization: `Bearer ${key}` } : {},
});

/** Calls the worker and checks the answer against the document: its body and headers. */
async function answer(
  path: string,
  init: RequestInit,
  status: number,
): Promise<{ body: unknown; headers: Headers }> {
  const response = await request(path, init);
  const copy = response.clone();
  await expectDocumented(init.method ?? 'GET', path, response, status);
  const body = isJson((copy.headers.get('content-type') ?? '').split(';')[0]!.trim())
    ? await copy.json()
    : await copy.text();
  return { body, headers: copy.headers };
}

/** Calls the worker and checks the answer against the document; its body. */
async function call(path: string, init: RequestInit, status: number): Promise<unknown> {
  return (await answer(path, init, status)).body;
}

const admin = (method: string, body?: unknown): RequestInit =>
  body === undefined
    ? { method, headers: { authorization: `Bearer ${DEVELOPMENT_ADMIN_TOKEN}` } }
    : json(method, body, DEVELOPMENT_ADMIN_TOKEN);

const withIdempotencyKey = (init: RequestInit, key: string): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), 'idempotency-key': key },
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

function identify(anonymousId: string, traits: Record<string, unknown>) {
  return pageview({
    type: 'identify',
    anonymousId,
    sessionId: `${anonymousId}-s`,
    traits,
  } as never);
}

async function leadByEmail(email: string) {
  const list = await until(
    async () => (await (await request(`/v1/leads?email=${email}`, withKey())).json()) as LeadList,
    (found) => found.data.length === 1,
  );
  expect(list.data, `no lead for ${email}`).toHaveLength(1);
  return list.data[0]!;
}

beforeAll(async () => {
  doc = (await (await request('/v1/openapi.json')).json()) as Document;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc as unknown as Schema, DOCUMENT_ID);
  site = await createSite({ name: 'Contract' });
  const response = await collect(
    batch(site.writeKey, [
      pageview({ anonymousId: 'grace-laptop', sessionId: 'grace-laptop-s' }),
      identify('grace-laptop', { email: 'grace@hopper-labs.com', name: 'Grace Hopper' }),
      identify('linus-phone', { email: 'linus@kernel-works.com' }),
    ]),
    { userAgent: CHROME_ON_MAC },
  );
  expect(response.status).toBe(202);
}, 30_000);

/**
 * One entry per documented operation: a request that succeeds and one that fails (where the
 * route can fail at all), each checked against the document.
 */
const CASES: Record<string, () => Promise<void>> = {
  'GET /healthz': async () => {
    await call('/healthz', {}, 200);
  },
  'GET /leadloop.js': async () => {
    const response = await request('/leadloop.js');
    const etag = response.headers.get('etag')!;
    await expectDocumented('GET', '/leadloop.js', response, 200);
    // Nothing can fail here; the other documented answer is the revalidation.
    await call('/leadloop.js', { headers: { 'if-none-match': etag } }, 304);
  },
  'GET /v1/openapi.json': async () => {
    await call('/v1/openapi.json', {}, 200);
  },
  'GET /docs': async () => {
    await call('/docs', {}, 200);
  },
  'POST /v1/collect': async () => {
    const body = batch(site.writeKey, [pageview(), { type: 'pageview', id: 'not-a-uuid' }]);
    const init = {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN },
      body: JSON.stringify(body),
    };
    const accepted = (await call('/v1/collect', init, 202)) as { rejected: unknown[] };
    expect(accepted.rejected).toHaveLength(1);
    const unknownKey = JSON.stringify(batch('pk_unknown', [pageview()]));
    await call('/v1/collect', { ...init, body: unknownKey }, 401);
  },
  'OPTIONS /v1/collect': async () => {
    // A preflight never fails: an origin no site allows gets an answer without the grant.
    const headers = { origin: SITE_ORIGIN, 'access-control-request-method': 'POST' };
    await call('/v1/collect', { method: 'OPTIONS', headers }, 204);
  },
  'POST /v1/admin/sites': async () => {
    const body = { name: 'Contract admin', allowedOrigins: ['https://www.acme.com'] };
    await call('/v1/admin/sites', json('POST', body, DEVELOPMENT_ADMIN_TOKEN), 201);
    await call('/v1/admin/sites', json('POST', body, null), 401);
  },
  'GET /v1/admin/sites': async () => {
    const page = (await call('/v1/admin/sites?limit=1', admin('GET'), 200)) as {
      data: unknown[];
    };
    expect(page.data).toHaveLength(1);
    await call('/v1/admin/sites?limit=0', admin('GET'), 400);
  },
  'PATCH /v1/admin/sites/{siteId}': async () => {
    const path = `/v1/admin/sites/${site.site.id}`;
    const updated = (await call(path, admin('PATCH', { retentionDays: 90 }), 200)) as {
      retentionDays: number | null;
    };
    expect(updated.retentionDays).toBe(90);
    // Below the 30-day floor: a 400 naming the field.
    await call(path, admin('PATCH', { retentionDays: 7 }), 400);
    await call('/v1/admin/sites/site_missing', admin('PATCH', { retentionDays: null }), 404);
    // Back to keeping everything, so the other cases see the site as created.
    await call(path, admin('PATCH', { retentionDays: null }), 200);
  },
  'GET /v1/admin/sites/{siteId}': async () => {
    const found = (await call(`/v1/admin/sites/${site.site.id}`, admin('GET'), 200)) as {
      id: string;
    };
    expect(found.id).toBe(site.site.id);
    await call('/v1/admin/sites/site_missing', admin('GET'), 404);
  },
  'POST /v1/admin/sites/{siteId}/keys': async () => {
    const keys = `/v1/admin/sites/${site.site.id}/keys`;
    const body = { kind: 'secret', name: 'CRM sync', scopes: ['read'] };
    const created = await answer(keys, admin('POST', body), 201);
    const { key, secret } = created.body as CreatedApiKey;
    expect(secret).toMatch(/^sk_/);
    expect(created.headers.get('location')).toBe(`${keys}/${key.id}`);
    expect(created.headers.get('cache-control')).toBe('no-store');
    await call(keys, admin('POST', { kind: 'write', scopes: ['read'] }), 400);
  },
  'GET /v1/admin/sites/{siteId}/keys': async () => {
    const list = (await call(`/v1/admin/sites/${site.site.id}/keys`, admin('GET'), 200)) as {
      data: ApiKey[];
    };
    expect(list.data.map((key) => key.kind)).toContain('write');
    await call('/v1/admin/sites/site_missing/keys', admin('GET'), 404);
  },
  'GET /v1/admin/sites/{siteId}/keys/{keyId}': async () => {
    const key = await newKey();
    await call(`/v1/admin/sites/${site.site.id}/keys/${key.id}`, admin('GET'), 200);
    await call(`/v1/admin/sites/${site.site.id}/keys/key_missing`, admin('GET'), 404);
  },
  'DELETE /v1/admin/sites/{siteId}/keys/{keyId}': async () => {
    const key = await newKey();
    const path = `/v1/admin/sites/${site.site.id}/keys/${key.id}`;
    const revoked = (await call(path, admin('DELETE'), 200)) as ApiKey;
    expect(revoked.revokedAt).not.toBeNull();
    await call(path, { method: 'DELETE' }, 401);
  },
  'GET /v1/leads': async () => {
    await leadByEmail('grace@hopper-labs.com');
    await call('/v1/leads?limit=1', withKey(), 200);
    // Every documented filter at once: Grace came from a Google Ads click.
    const filters = new URLSearchParams({
      status: 'lead,mql,sql,opportunity,customer,lost',
      minScore: '0',
      email: 'Grace@Hopper-Labs.com',
      channel: 'Paid Search',
      updatedSince: '2020-01-01T00:00:00+02:00',
    });
    const found = (await call(`/v1/leads?${filters}`, withKey(), 200)) as LeadList;
    expect(found.data.map((lead) => lead.email)).toEqual(['grace@hopper-labs.com']);
    await call('/v1/leads?limit=0', withKey(), 400);
    await call('/v1/leads?status=won', withKey(), 400);
  },
  'GET /v1/leads/{id}': async () => {
    const lead = await leadByEmail('grace@hopper-labs.com');
    await call(`/v1/leads/${lead.id}`, withKey(), 200);
    await call('/v1/leads/lead_missing', withKey(), 404);
  },
  'PATCH /v1/leads/{id}': async () => {
    const lead = await leadByEmail('grace@hopper-labs.com');
    const body = { owner: 'sam@acme.com', traits: { plan: 'enterprise' } };
    const updated = (await call(`/v1/leads/${lead.id}`, json('PATCH', body), 200)) as {
      owner: string | null;
      traits: Record<string, unknown>;
    };
    expect(updated.owner).toBe('sam@acme.com');
    expect(updated.traits.plan).toBe('enterprise');
    await call(`/v1/leads/${lead.id}`, json('PATCH', {}), 400);
  },
  'POST /v1/identify': async () => {
    const body = { email: 'ada@lovelace-labs.com', traits: { name: 'Ada Lovelace' } };
    const accepted = (await call('/v1/identify', json('POST', body), 202)) as ServerEventsResponse;
    expect(accepted).toMatchObject({ accepted: 1, rejected: [] });
    await call('/v1/identify', json('POST', { leadId: 'lead_missing' }), 404);
  },
  'POST /v1/events': async () => {
    const logged = {
      type: 'track',
      id: `call-${crypto.randomUUID()}`,
      name: 'call_completed',
      email: 'grace@hopper-labs.com',
      properties: { duration: 312, outcome: 'answered', trackingNumber: '+4930123456' },
    };
    const nameless = { type: 'track', email: 'grace@hopper-labs.com' };
    const accepted = (await call(
      '/v1/events',
      json('POST', { events: [logged, nameless] }),
      202,
    )) as ServerEventsResponse;
    expect(accepted.ids).toEqual([logged.id]);
    expect(accepted.rejected.map((rejected) => rejected.index)).toEqual([1]);
    await call('/v1/events', json('POST', { events: [] }), 400);
  },
  'POST /v1/conversions': async () => {
    const body = {
      email: 'grace@hopper-labs.com',
      stage: 'opportunity',
      value: 5000,
      currency: 'eur',
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
      externalId: `deal-${crypto.randomUUID()}`,
    };
    const created = await answer('/v1/conversions', json('POST', body), 201);
    const conversion = created.body as Conversion;
    expect(conversion).toMatchObject({ stage: 'opportunity', value: 5000, currency: 'EUR' });
    expect(created.headers.get('location')).toBe(`/v1/conversions/${conversion.id}`);
    // The same externalId and body again: the stored conversion, 200.
    expect(await call('/v1/conversions', json('POST', body), 200)).toEqual(conversion);
    // The same Idempotency-Key again: the first answer, replayed.
    const keyed = withIdempotencyKey(
      json('POST', { email: 'grace@hopper-labs.com', stage: 'customer' }),
      crypto.randomUUID(),
    );
    const first = (await call('/v1/conversions', keyed, 201)) as Conversion;
    const replay = await answer('/v1/conversions', keyed, 201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first);
    await call('/v1/conversions', json('POST', { ...body, value: 6000 }), 409);
  },
  'GET /v1/conversions': async () => {
    await call('/v1/conversions?stage=opportunity&limit=1', withKey(), 200);
    await call('/v1/conversions?stage=won', withKey(), 400);
  },
  'GET /v1/conversions/{id}': async () => {
    const list = (await call('/v1/conversions?limit=1', withKey(), 200)) as {
      data: Conversion[];
    };
    expect(list.data).toHaveLength(1);
    await call(`/v1/conversions/${list.data[0]!.id}`, withKey(), 200);
    await call('/v1/conversions/conv_missing', withKey(), 404);
  },
  'POST /v1/costs': async () => {
    const day = {
      date: '2026-11-20',
      source: 'google',
      medium: 'cpc',
      campaign: 'brand',
      amount: 120.5,
      currency: 'EUR',
    };
    const key = crypto.randomUUID();
    const sent = withIdempotencyKey(json('POST', { costs: [day] }), key);
    expect(await call('/v1/costs', sent, 200)).toEqual({ upserted: 1 });
    const replay = await answer('/v1/costs', sent, 200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    // The same key with another body is refused rather than replayed.
    const other = withIdempotencyKey(json('POST', { costs: [{ ...day, amount: 99 }] }), key);
    await call('/v1/costs', other, 409);
  },
  'GET /v1/costs': async () => {
    const page = (await call('/v1/costs?from=2026-11-01&to=2026-11-30', withKey(), 200)) as {
      data: { amount: number }[];
    };
    expect(page.data.map((cost) => cost.amount)).toEqual([120.5]);
    await call('/v1/costs?from=2026-11-30&to=2026-11-01', withKey(), 400);
  },
  'GET /v1/attribution': async () => {
    const report = (await call('/v1/attribution?model=linear', withKey(), 200)) as {
      totals: { leads: number };
    };
    expect(report.totals.leads).toBeGreaterThan(0);
    const csv = (await call('/v1/attribution?format=csv', withKey(), 200)) as string;
    expect(csv.split('\r\n')[0]).toMatch(/^channel,conversions,revenue,/);
    await call('/v1/attribution?format=ndjson&groupBy=source', withKey(), 200);
    await call('/v1/attribution?model=u_shaped', withKey(), 400);
  },
  'GET /v1/exports/offline-conversions': async () => {
    const path = '/v1/exports/offline-conversions';
    const { body, headers } = await answer(`${path}?platform=google_ads`, withKey(), 200);
    expect((body as string).split('\r\n')[0]).toBe(
      'Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency',
    );
    expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(headers.get('leadloop-skipped')).toBe('0');
    await call(`${path}?platform=meta_ads`, withKey(), 400);
    await call(`${path}?platform=google_ads`, withKey('GET', null), 401);
  },
  'GET /report': async () => {
    await call('/report', {}, 200);
  },
  'GET /report.js': async () => {
    await call('/report.js', {}, 200);
  },
  'GET /v1/reports/funnel': async () => {
    const funnel = (await call('/v1/reports/funnel', withKey(), 200)) as {
      stages: { stage: string; count: number }[];
    };
    expect(funnel.stages.map((stage) => stage.stage)).toEqual([
      'sessions',
      'leads',
      'mql',
      'sql',
      'opportunity',
      'customer',
    ]);
    await call('/v1/reports/funnel?from=2026-11-30&to=2026-11-01', withKey(), 400);
    await call('/v1/reports/funnel', withKey('GET', null), 401);
  },
  'GET /v1/reports/inquiries': async () => {
    const inquiries = (await call('/v1/reports/inquiries', withKey(), 200)) as {
      cells: unknown[];
    };
    expect(inquiries.cells).toHaveLength(168);
    await call('/v1/reports/inquiries?from=yesterday', withKey(), 400);
  },
  'GET /v1/reports/locations': async () => {
    await call('/v1/reports/locations?by=city', withKey(), 200);
    await call('/v1/reports/locations?by=planet', withKey(), 400);
  },
  'GET /v1/reports/speed-to-lead': async () => {
    const speed = (await call('/v1/reports/speed-to-lead', withKey(), 200)) as {
      buckets: unknown[];
    };
    expect(speed.buckets).toHaveLength(6);
    await call('/v1/reports/speed-to-lead?to=2026-11-01T10:00:00', withKey(), 400);
  },
  'GET /v1/leads/{id}/timeline': async () => {
    const lead = await leadByEmail('grace@hopper-labs.com');
    // Every kind of item, the server's call included, once the queue has stored it.
    const timeline = await until(
      async () =>
        (await (await request(`/v1/leads/${lead.id}/timeline`, withKey())).json()) as LeadTimeline,
      (page) =>
        ['touch', 'event', 'score', 'conversion'].every((kind) =>
          page.data.some((item) => item.kind === kind),
        ) && page.data.some((item) => item.kind === 'event' && item.origin === 'server'),
    );
    expect(new Set(timeline.data.map((item) => item.kind))).toEqual(
      new Set(['touch', 'event', 'score', 'conversion']),
    );
    await call(`/v1/leads/${lead.id}/timeline`, withKey(), 200);
    await call(`/v1/leads/${lead.id}/timeline?limit=2`, withKey(), 200);
    await call('/v1/leads/lead_missing/timeline', withKey(), 404);
  },
  'DELETE /v1/leads/{id}': async () => {
    const lead = await leadByEmail('linus@kernel-works.com');
    await call(`/v1/leads/${lead.id}`, withKey('DELETE'), 204);
    await call(`/v1/leads/${lead.id}`, withKey('DELETE', null), 401);
  },
  'GET /v1/scoring': async () => {
    await call('/v1/scoring', withKey(), 200);
    await call('/v1/scoring', withKey('GET', site.writeKey), 401);
  },
  'PUT /v1/scoring': async () => {
    await call('/v1/scoring', json('PUT', { scoreChangeStep: 10 }), 200);
    await call('/v1/scoring', json('PUT', { thresholds: { mql: 90, sql: 10 } }), 400);
  },
  'POST /v1/webhooks': async () => {
    await call(
      '/v1/webhooks',
      json('POST', { url: UNREACHABLE, eventTypes: ['lead.created'] }),
      201,
    );
    await call(
      '/v1/webhooks',
      json('POST', { url: 'ftp://files.acme.com', eventTypes: ['*'] }),
      400,
    );
  },
  'GET /v1/webhooks': async () => {
    await call('/v1/webhooks?limit=1', withKey(), 200);
    await call('/v1/webhooks?cursor=nonsense', withKey(), 400);
  },
  'GET /v1/webhooks/{id}': async () => {
    const webhook = await newWebhook();
    await call(`/v1/webhooks/${webhook.id}`, withKey(), 200);
    await call('/v1/webhooks/wh_missing', withKey(), 404);
  },
  'PATCH /v1/webhooks/{id}': async () => {
    const webhook = await newWebhook();
    await call(`/v1/webhooks/${webhook.id}`, json('PATCH', { enabled: false }), 200);
    await call(`/v1/webhooks/${webhook.id}`, json('PATCH', {}), 400);
  },
  'DELETE /v1/webhooks/{id}': async () => {
    const webhook = await newWebhook();
    await call(`/v1/webhooks/${webhook.id}`, withKey('DELETE'), 204);
    await call(`/v1/webhooks/${webhook.id}`, withKey('DELETE'), 404);
  },
  'POST /v1/webhooks/{id}/rotate-secret': async () => {
    const webhook = await newWebhook();
    await call(`/v1/webhooks/${webhook.id}/rotate-secret`, json('POST', { graceSeconds: 60 }), 200);
    await call('/v1/webhooks/wh_missing/rotate-secret', json('POST', {}), 404);
  },
  'POST /v1/webhooks/{id}/test': async () => {
    const webhook = await newWebhook();
    await call(`/v1/webhooks/${webhook.id}/test`, withKey('POST'), 200);
    await call('/v1/webhooks/wh_missing/test', withKey('POST'), 404);
  },
  'GET /v1/webhooks/{id}/deliveries': async () => {
    const { webhook } = await failedDelivery();
    const list = (await call(`/v1/webhooks/${webhook.id}/deliveries`, withKey(), 200)) as {
      data: unknown[];
    };
    expect(list.data).toHaveLength(1);
    await call(`/v1/webhooks/${webhook.id}/deliveries?status=lost`, withKey(), 400);
  },
  'GET /v1/webhook-deliveries/{id}': async () => {
    const { delivery } = await failedDelivery();
    await call(`/v1/webhook-deliveries/${delivery.id}`, withKey(), 200);
    await call('/v1/webhook-deliveries/msg_missing', withKey(), 404);
  },
  'POST /v1/webhook-deliveries/{id}/redeliver': async () => {
    const { delivery } = await failedDelivery();
    await call(`/v1/webhook-deliveries/${delivery.id}/redeliver`, withKey('POST'), 202);
    await call('/v1/webhook-deliveries/msg_missing/redeliver', withKey('POST'), 404);
  },
};

async function newKey(): Promise<ApiKey> {
  const response = await request(
    `/v1/admin/sites/${site.site.id}/keys`,
    admin('POST', { kind: 'secret', name: 'contract' }),
  );
  expect(response.status).toBe(201);
  return ((await response.json()) as CreatedApiKey).key;
}

async function newWebhook(): Promise<WebhookWithSecret> {
  const response = await request(
    '/v1/webhooks',
    json('POST', { url: UNREACHABLE, eventTypes: ['*'] }),
  );
  expect(response.status).toBe(201);
  return response.json();
}

/** A webhook whose test event failed at once (nothing listens), so it has a delivery with an attempt. */
async function failedDelivery() {
  const webhook = await newWebhook();
  const response = await request(`/v1/webhooks/${webhook.id}/test`, withKey('POST'));
  expect(response.status).toBe(200);
  const delivery = (await response.json()) as WebhookDelivery;
  expect(delivery.attemptLog.length).toBeGreaterThan(0);
  return { webhook, delivery };
}

/** `METHOD /path/{param}` of every route the router serves, middleware left out. */
function routerOperations(): string[] {
  const app = createApp({
    store: new D1Store(env.DB),
    events: async () => {},
    delivery: { allowPrivate: true, enqueue: async () => {} },
    config: { environment: 'development' },
    sdkScript: { code: '', etag: '""' },
  });
  const operations = app.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
  return [...new Set(operations)].sort();
}

function documentedOperations(): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

describe('the document and the router', () => {
  it('documents every route the router serves, and nothing else', () => {
    const served = routerOperations();
    const documented = documentedOperations();
    expect(
      served.filter((operation) => !documented.includes(operation)),
      'served, not documented',
    ).toEqual([]);
    expect(
      documented.filter((operation) => !served.includes(operation)),
      'documented, not served',
    ).toEqual([]);
  });

  it('has a contract case here for every documented operation', () => {
    expect(Object.keys(CASES).sort()).toEqual(documentedOperations());
  });
});

describe('every documented operation, called for real', () => {
  for (const [operation, run] of Object.entries(CASES)) {
    it(operation, run, 30_000);
  }

  it('checked a success and a failure of every operation that can fail', () => {
    const cannotFail = [
      'GET /healthz',
      'GET /leadloop.js',
      'GET /v1/openapi.json',
      'GET /docs',
      'GET /report',
      'GET /report.js',
      'OPTIONS /v1/collect',
    ];
    for (const operation of documentedOperations()) {
      const statuses = checked
        .filter((check) => check.operation === operation)
        .map((check) => check.status);
      expect(
        statuses.some((status) => status < 300),
        `${operation} success`,
      ).toBe(true);
      if (!cannotFail.includes(operation))
        expect(
          statuses.some((status) => status >= 400),
          `${operation} failure`,
        ).toBe(true);
    }
  });
});

describe('answers no contract case reaches', () => {
  it('a key over its rate limit gets the documented 429 with Retry-After', async () => {
    const app = createApp({
      store: new D1Store(env.DB),
      events: async () => {},
      delivery: { allowPrivate: true, enqueue: async () => {} },
      rateLimit: { limit: async () => false, retryAfterSeconds: 60 },
      config: { environment: 'development' },
      sdkScript: { code: '', etag: '""' },
    });
    for (const path of ['/v1/leads', '/v1/conversions', '/v1/costs']) {
      const response = await app.request(path, withKey());
      expect(response.headers.get('retry-after'), path).toBe('60');
      await expectDocumented('GET', path, response, 429);
    }
  });
});

describe('the checker itself', () => {
  it('fails a body the document does not allow', async () => {
    const wrong = new Response(JSON.stringify({ status: 'ok', extra: true }), {
      headers: { 'content-type': 'application/json' },
    });
    await expect(expectDocumented('GET', '/healthz', wrong, 200)).rejects.toThrow(
      'GET /healthz 200 body',
    );
  });

  it('fails a header the document does not give for the status', async () => {
    const moved = new Response(JSON.stringify({ status: 'ok' }), {
      headers: { 'content-type': 'application/json', location: '/elsewhere' },
    });
    await expect(expectDocumented('GET', '/healthz', moved, 200)).rejects.toThrow(
      'GET /healthz 200 sends location',
    );
  });

  it('fails a status the document does not list', async () => {
    const teapot = new Response('', { status: 418 });
    await expect(expectDocumented('GET', '/healthz', teapot, 418)).rejects.toThrow(
      "to include '418'",
    );
  });

  it("fails a documented route that only reaches the router's 404", async () => {
    const missing = await request('/v1/webhooks/wh_1/unknown-action', withKey('POST'));
    await expect(expectDocumented('POST', '/v1/webhooks/{id}/test', missing, 404)).rejects.toThrow(
      'reached no route',
    );
  });
});
