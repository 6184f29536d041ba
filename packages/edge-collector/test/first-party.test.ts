import { env, exports } from 'cloudflare:workers';
import sdkScript from '@leadloop/sdk/script';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';
import { D1Store } from '../src/store/d1.ts';
import { batch, collect, createSite, pageview, SITE_ORIGIN, waitForEvents } from './helpers.ts';

// The test worker runs with LEADLOOP_BASE_PATH=/ll, as on a route `www.acme.test/ll/*`.
const ROUTED = `${SITE_ORIGIN}/ll`;
const fetchWorker = (url: string, init?: RequestInit) =>
  exports.default.fetch(new Request(url, init));

describe('base path', () => {
  it('serves health, the script, the admin API and collect under the prefix', async () => {
    const health = await fetchWorker(`${ROUTED}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const script = await fetchWorker(`${ROUTED}/leadloop.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toBe(sdkScript);

    const created = await fetchWorker(`${ROUTED}/v1/admin/sites`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${DEVELOPMENT_ADMIN_TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'Routed', allowedOrigins: [SITE_ORIGIN] }),
    });
    expect(created.status).toBe(201);
    const { site, writeKey } = await created.json<{ site: { id: string }; writeKey: string }>();

    const collected = await collect(batch(writeKey, [pageview()]), { url: `${ROUTED}/v1/collect` });
    expect(collected.status).toBe(202);
    expect(await collected.json()).toEqual({ accepted: 1, rejected: [] });
    expect(await waitForEvents(site.id, 1)).toHaveLength(1);
  });

  it('points Location at the prefixed path, so a client can follow it', async () => {
    const { secretKey } = await createSite({ name: 'Routed hooks' });
    const authorization = `Bearer ${secretKey}`;
    const created = await fetchWorker(`${ROUTED}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://hooks.example.com/in', eventTypes: ['*'] }),
    });
    expect(created.status).toBe(201);
    const { id } = await created.json<{ id: string }>();
    const location = created.headers.get('location');
    expect(location).toBe(`/ll/v1/webhooks/${id}`);
    const followed = await fetchWorker(`${SITE_ORIGIN}${location}`, { headers: { authorization } });
    expect(followed.status).toBe(200);
  });

  it('answers a preflight under the prefix, and 404 under any other prefix', async () => {
    const preflight = await fetchWorker(`${ROUTED}/v1/collect`, {
      method: 'OPTIONS',
      headers: { origin: SITE_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);
    expect((await fetchWorker(`${SITE_ORIGIN}/other/healthz`)).status).toBe(404);
    expect((await fetchWorker(`${SITE_ORIGIN}/llx/healthz`)).status).toBe(404);
  });

  it('refuses an invalid base path when the app is created', async () => {
    const app = (basePath: string) =>
      createApp({
        delivery: { allowPrivate: true, enqueue: async () => {} },
        store: new D1Store(env.DB),
        events: async () => {},
        config: { environment: 'development', basePath },
        sdkScript: { code: '', etag: '""' },
      });
    expect(() => app('ll')).toThrow('Invalid base path "ll": must start with "/".');
    expect(() => app('/ll/')).toThrow('must not end with "/"');
    expect(() => app('/:site')).toThrow('must be path segments');
    expect((await app('/ll').request('/ll/healthz')).status).toBe(200);
  });
});

describe('first-party cookie', () => {
  const SAME_SITE_COOKIE =
    'll_aid=anon-1; Max-Age=31536000; Domain=acme.test; Path=/; Secure; SameSite=Lax';
  const withDomain = (writeKey: string, cookieDomain: string, events = [pageview()]) => ({
    ...batch(writeKey, events),
    context: { cookieDomain },
  });

  it('sets ll_aid on the site domain when the page and the collector are the same site', async () => {
    const { writeKey } = await createSite();
    const response = await collect(withDomain(writeKey, 'acme.test'), {
      cookie: 'll_aid=anon-1',
      url: `${ROUTED}/v1/collect`,
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('set-cookie')).toBe(SAME_SITE_COOKIE);
    expect(response.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);
  });

  it('leaves Secure off when the collector is reached over plain http', async () => {
    const { writeKey } = await createSite({ allowedOrigins: ['http://www.acme.test'] });
    const response = await collect(withDomain(writeKey, 'acme.test'), {
      cookie: 'll_aid=anon-1',
      url: 'http://www.acme.test/ll/v1/collect',
      origin: 'http://www.acme.test',
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('set-cookie')).toBe(
      'll_aid=anon-1; Max-Age=31536000; Domain=acme.test; Path=/; SameSite=Lax',
    );
  });

  it('sets none from a collector on its own hostname (cross-site)', async () => {
    const { writeKey } = await createSite();
    const response = await collect(withDomain(writeKey, 'acme.test'), { cookie: 'll_aid=anon-1' });
    expect(response.status).toBe(202);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('sets none for a cookie domain the request host is not in', async () => {
    const { writeKey } = await createSite();
    const response = await collect(withDomain(writeKey, 'evil.test'), {
      cookie: 'll_aid=anon-1',
      url: `${ROUTED}/v1/collect`,
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('sets none when the page is on another site than the collector', async () => {
    const { writeKey } = await createSite({
      allowedOrigins: [SITE_ORIGIN, 'https://shop.other.test'],
    });
    const response = await collect(withDomain(writeKey, 'acme.test'), {
      cookie: 'll_aid=anon-1',
      url: `${ROUTED}/v1/collect`,
      origin: 'https://shop.other.test',
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('sets none for mixed or unsafe anonymous ids, or without a cookie domain', async () => {
    const { writeKey } = await createSite();
    const url = `${ROUTED}/v1/collect`;
    const mixed = withDomain(writeKey, 'acme.test', [
      pageview(),
      pageview({ anonymousId: 'anon-2' }),
    ]);
    const unsafe = withDomain(writeKey, 'acme.test', [
      pageview({ anonymousId: 'anon;Domain=evil.test' }),
    ]);
    for (const body of [mixed, unsafe, batch(writeKey, [pageview()])]) {
      const response = await collect(body, { url });
      expect(response.status).toBe(202);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });

  it('uses only the accepted events: a rejected one with another id does not block the cookie', async () => {
    const { writeKey } = await createSite();
    const rejected = pageview({ anonymousId: 'anon-2', page: { url: 'not a url', path: '/' } });
    const response = await collect(withDomain(writeKey, 'acme.test', [pageview(), rejected]), {
      cookie: 'll_aid=anon-1',
      url: `${ROUTED}/v1/collect`,
    });
    expect(await response.json()).toMatchObject({ accepted: 1 });
    expect(response.headers.get('set-cookie')).toBe(SAME_SITE_COOKIE);
  });

  it('sets none when the origin is refused', async () => {
    const { writeKey } = await createSite();
    const response = await collect(withDomain(writeKey, 'acme.test'), {
      cookie: 'll_aid=anon-1',
      url: `${ROUTED}/v1/collect`,
      origin: 'https://shop.acme.test',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it("never creates or replaces the id: only the browser's own ll_aid is refreshed", async () => {
    const { writeKey } = await createSite();
    const url = `${ROUTED}/v1/collect`;
    for (const cookie of ['', 'll_aid=someone-else']) {
      const response = await collect(withDomain(writeKey, 'acme.test'), { url, cookie });
      expect(response.status, cookie).toBe(202);
      expect(response.headers.get('set-cookie'), cookie).toBeNull();
    }
  });
});
