// API keys through the real worker on D1, as an operator and a backend developer meet them:
// keys made with the admin API open the REST API within their scopes and stop at once when
// revoked; a secret key pasted into a page is refused on /v1/collect; the last use is recorded
// after the answer; and the per-key limit on the real Workers Rate Limiting binding (miniflare's).
// The same admin API and guard run on D1 and Postgres in test-node/api-keys-suite.ts.

import { env } from 'cloudflare:workers';
import type { ApiKey, ApiKeyList, CreatedApiKey, CreateSiteResponse } from '@leadloop/schema';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';
import { onError } from '../src/http/problem.ts';
import { configuredRateLimit, type RateLimitBinding } from '../src/http/rate-limit.ts';
import { requireSecretKey, type SecretKeyEnv } from '../src/http/secret-key-auth.ts';
import { D1Store } from '../src/store/d1.ts';
import {
  batch,
  collect,
  createSite,
  expectProblem,
  pageview,
  request,
  SITE_ORIGIN,
  storedEvents,
} from './helpers.ts';

const adminHeaders = {
  authorization: `Bearer ${DEVELOPMENT_ADMIN_TOKEN}`,
  'content-type': 'application/json',
};
const HOOK = { url: 'https://hooks.acme.com/leadloop', eventTypes: ['lead.created'] };

let site: CreateSiteResponse;

beforeAll(async () => {
  site = await createSite({ name: 'Keys' });
});

const keysPath = () => `/v1/admin/sites/${site.site.id}/keys`;

async function newKey(body: unknown): Promise<CreatedApiKey> {
  const response = await request(keysPath(), {
    method: 'POST',
    headers: adminHeaders,
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return response.json();
}

const listKeys = async () =>
  (await (await request(keysPath(), { headers: adminHeaders })).json()) as ApiKeyList;

function api(key: string, path: string, method = 'GET', body?: unknown): Promise<Response> {
  return request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('keys made with the admin API, on the REST API', () => {
  it('open the API within their scopes, and stop the moment they are revoked', async () => {
    const created = await newKey({ kind: 'secret', name: 'CRM sync' });
    expect((await api(created.secret, '/v1/webhooks')).status).toBe(200);
    expect((await api(created.secret, '/v1/webhooks', 'POST', HOOK)).status).toBe(201);

    const revoke = await request(`${keysPath()}/${created.key.id}`, {
      method: 'DELETE',
      headers: adminHeaders,
    });
    expect(revoke.status).toBe(200);
    const revoked = (await revoke.json()) as ApiKey;
    expect(revoked.revokedAt).not.toBeNull();

    const refused = await expectProblem(await api(created.secret, '/v1/webhooks'), 401);
    expect(refused.detail).toContain('revoked');
    await expectProblem(await api(created.secret, '/v1/webhooks', 'POST', HOOK), 401);

    const again = await request(`${keysPath()}/${created.key.id}`, {
      method: 'DELETE',
      headers: adminHeaders,
    });
    expect(((await again.json()) as ApiKey).revokedAt).toBe(revoked.revokedAt);
  });

  it('refuse a read-only key on a write route with 403 naming the scope', async () => {
    const reader = await newKey({ kind: 'secret', scopes: ['read'] });
    expect((await api(reader.secret, '/v1/webhooks')).status).toBe(200);
    const refused = await expectProblem(
      await api(reader.secret, '/v1/webhooks', 'POST', HOOK),
      403,
    );
    expect(refused.detail).toContain('"write" scope');
    const writer = await newKey({ kind: 'secret', scopes: ['write'] });
    expect((await expectProblem(await api(writer.secret, '/v1/webhooks'), 403)).detail).toContain(
      '"read" scope',
    );
  });

  it('refuse a public write key, and an unknown one, with 401', async () => {
    const write = await newKey({ kind: 'write' });
    for (const key of [write.secret, site.writeKey]) {
      const refused = await expectProblem(await api(key, '/v1/webhooks'), 401);
      expect(refused.detail).toContain('/v1/collect');
    }
    await expectProblem(await api('sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '/v1/webhooks'), 401);
    await expectProblem(await request('/v1/webhooks'), 401);
  });

  it('record their last use after the answer', async () => {
    const created = await newKey({ kind: 'secret' });
    const before = Date.now();
    expect((await api(created.secret, '/v1/webhooks')).status).toBe(200);
    let lastUsedAt: string | null = null;
    for (let tries = 0; tries < 50 && lastUsedAt === null; tries++) {
      lastUsedAt = (await listKeys()).data.find((key) => key.id === created.key.id)!.lastUsedAt;
      if (lastUsedAt === null) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(lastUsedAt).not.toBeNull();
    expect(Date.parse(lastUsedAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(lastUsedAt!)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('are listed without the key or its hash', async () => {
    const created = await newKey({ kind: 'secret', name: 'Exports' });
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(created.secret));
    const hash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const list = await (await request(keysPath(), { headers: adminHeaders })).text();
    expect(list).toContain(created.key.prefix);
    expect(list).not.toContain(created.secret);
    expect(list).not.toContain(hash);
    expect(list).not.toContain(site.secretKey);
    expect(list).not.toContain(site.writeKey);
  });
});

describe('a secret key on /v1/collect', () => {
  it('is refused from a browser with 403 telling to revoke it, in the body or a header', async () => {
    const inBody = await expectProblem(
      await collect(batch(site.secretKey, [pageview()]), { origin: SITE_ORIGIN }),
      403,
    );
    expect(inBody.detail).toContain('must never be in a web page');
    expect(inBody.detail).toContain('Revoke');
    expect(inBody.detail).toContain(site.secretKey.slice(0, 9));
    expect(inBody.detail).not.toContain(site.secretKey);

    const inHeader = await request('/v1/collect', {
      method: 'POST',
      headers: {
        origin: SITE_ORIGIN,
        authorization: `Bearer ${site.secretKey}`,
        'content-type': 'text/plain',
      },
      body: JSON.stringify(batch(site.writeKey, [pageview()])),
    });
    expect((await expectProblem(inHeader, 403)).detail).toContain('must never be in a web page');
    expect(await storedEvents(site.site.id)).toEqual([]);
  });

  it('is not a write key from a server either (400 at writeKey)', async () => {
    const problem = await expectProblem(
      await collect(batch(site.secretKey, [pageview()]), { origin: '' }),
      400,
    );
    expect(problem.errors?.map((error) => error.path)).toEqual(['writeKey']);
  });

  it('leaves the write key working from the same page', async () => {
    const response = await collect(batch(site.writeKey, [pageview()]), { origin: SITE_ORIGIN });
    expect(response.status).toBe(202);
  });
});

describe('the per-key rate limit', () => {
  const binding = (env as unknown as { API_RATE_LIMIT: RateLimitBinding }).API_RATE_LIMIT;

  it('is configured on in production, off in development unless asked for', () => {
    expect(configuredRateLimit(binding, { development: true })).toBeUndefined();
    expect(configuredRateLimit(binding, { development: true, setting: 'on' })).toBeDefined();
    expect(configuredRateLimit(binding, { development: false })).toBeDefined();
    expect(configuredRateLimit(binding, { development: false, setting: 'off' })).toBeUndefined();
    // Only `off` turns it off: a misspelt value leaves production protected.
    expect(configuredRateLimit(binding, { development: false, setting: 'of' })).toBeDefined();
    expect(configuredRateLimit(undefined, { development: false })).toBeUndefined();
    expect(configuredRateLimit(binding, { development: false })?.retryAfterSeconds).toBe(60);
    expect(
      configuredRateLimit(binding, { development: false, periodSeconds: '10' })?.retryAfterSeconds,
    ).toBe(10);
  });

  it('answers 429 with Retry-After once a key spent its budget on the real binding', async () => {
    const limited = await newKey({ kind: 'secret' });
    const other = await newKey({ kind: 'secret' });
    const rateLimit = configuredRateLimit(binding, { development: false })!;
    const app = new Hono<SecretKeyEnv>()
      .use(requireSecretKey({ store: new D1Store(env.DB), rateLimit }))
      .get('/probe', (c) => c.json({ key: c.get('apiKeyId') }));
    app.onError(onError);
    const probe = (key: string) =>
      app.request('/probe', { headers: { authorization: `Bearer ${key}` } });

    // The binding counts in windows of its period (wrangler.toml: 600 per 60 s): start early in
    // one, so the budget is spent and checked inside the same window.
    const intoWindow = Date.now() % 60_000;
    if (intoWindow > 45_000)
      await new Promise((resolve) => setTimeout(resolve, 61_000 - intoWindow));
    expect((await probe(limited.secret)).status).toBe(200);
    let spent = 1;
    while ((await binding.limit({ key: limited.key.id })).success) spent++;
    expect(spent).toBe(600);

    const refused = await probe(limited.secret);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect((await expectProblem(refused, 429)).detail).toContain('retry after 60 seconds');
    expect((await probe(other.secret)).status).toBe(200);
  }, 90_000);
});
