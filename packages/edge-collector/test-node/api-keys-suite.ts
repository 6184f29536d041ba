// API keys on a real database: the admin API that creates, lists and revokes them, and the guard
// that checks them on every REST request, through the app with the same cases on D1 (workerd,
// through wrangler's platform proxy) and on Postgres.

import type {
  ApiKey,
  ApiKeyList,
  CreatedApiKey,
  CreateSiteResponse,
  SiteList,
} from '@leadloop/schema';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { sha256Hex } from '../src/core/keys.ts';
import { onError } from '../src/http/problem.ts';
import type { ApiRateLimit } from '../src/http/rate-limit.ts';
import { requireSecretKey, type SecretKeyEnv } from '../src/http/secret-key-auth.ts';
import type { Store } from '../src/store/types.ts';

const ADMIN_TOKEN = 'operator-token-for-tests';
const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const MINUTE = 60_000;

type Problem = { status: number; detail?: string; errors?: { path: string; message: string }[] };

export function describeApiKeys(name: string, storeOf: () => Store) {
  describe(`API keys on ${name}`, () => {
    const clock = { now: T0 };
    let rateLimit: ApiRateLimit | undefined;
    const app = () =>
      createApp({
        store: storeOf(),
        events: async () => {},
        delivery: { allowPrivate: false, enqueue: async () => {} },
        config: { environment: 'production', adminToken: ADMIN_TOKEN },
        sdkScript: { code: '', etag: '""' },
        now: () => clock.now,
        ...(rateLimit ? { rateLimit } : {}),
      });

    const admin = (path: string, init: { method?: string; body?: unknown } = {}) =>
      app().request(`/v1/admin${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    const api = (key: string, path: string, init: { method?: string; body?: unknown } = {}) =>
      app().request(path, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    /**
     * The guard as a route file uses it, `requireSecretKey(deps)`, with this suite's clock and
     * limiter: `/read` and `/write` take the scope from the method; `/export` asks for `read` on
     * a POST.
     */
    const guarded = (key: string, method: 'GET' | 'POST', path: string) => {
      const deps = { store: storeOf(), now: () => clock.now, ...(rateLimit ? { rateLimit } : {}) };
      const echo = (c: {
        get(name: 'site' | 'apiKeyId'): unknown;
        json(body: unknown): Response;
      }) => c.json({ site: c.get('site'), apiKeyId: c.get('apiKeyId') });
      const probe = new Hono<SecretKeyEnv>()
        .get('/read', requireSecretKey(deps), echo)
        .post('/write', requireSecretKey(deps), echo)
        .post('/export', requireSecretKey(deps, 'read'), echo);
      probe.onError(onError);
      return probe.request(path, { method, headers: { authorization: `Bearer ${key}` } });
    };
    const newWebhook = { url: 'https://hooks.acme.com/leadloop', eventTypes: ['lead.created'] };

    async function problem(response: Response, status: number): Promise<Problem> {
      expect(response.status, await response.clone().text()).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      return response.json();
    }

    async function newSite(siteName = 'Acme Roofing'): Promise<CreateSiteResponse> {
      const response = await admin('/sites', {
        method: 'POST',
        body: { name: siteName, allowedOrigins: ['https://www.acme.com'] },
      });
      expect(response.status).toBe(201);
      return response.json();
    }

    async function newKey(siteId: string, body: unknown): Promise<CreatedApiKey> {
      const response = await admin(`/sites/${siteId}/keys`, { method: 'POST', body });
      expect(response.status, await response.clone().text()).toBe(201);
      return response.json();
    }

    const listKeys = async (siteId: string) =>
      (await (await admin(`/sites/${siteId}/keys`)).json()) as ApiKeyList;

    it('stores the keys made with a site with their name and explicit scopes', async () => {
      const { site, writeKey, secretKey } = await newSite();
      const { data, nextCursor } = await listKeys(site.id);
      expect(nextCursor).toBeNull();
      expect(
        data.map(({ kind, name, prefix, scopes }) => ({ kind, name, prefix, scopes })),
      ).toEqual(
        expect.arrayContaining([
          { kind: 'write', name: 'Default', prefix: writeKey.slice(0, 9), scopes: [] },
          {
            kind: 'secret',
            name: 'Default',
            prefix: secretKey.slice(0, 9),
            scopes: ['read', 'write'],
          },
        ]),
      );
      expect(data).toHaveLength(2);
    });

    it('creates a secret key, shows it once, and never again', async () => {
      const { site } = await newSite();
      clock.now = T0 + 5_000;
      const response = await admin(`/sites/${site.id}/keys`, {
        method: 'POST',
        body: { kind: 'secret', name: 'CRM sync', scopes: ['read'] },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toMatch(
        new RegExp(`/v1/admin/sites/${site.id}/keys/key_`),
      );
      const created = (await response.json()) as CreatedApiKey;
      expect(created.secret).toMatch(/^sk_[A-Za-z0-9_-]{32}$/);
      expect(created.key).toEqual({
        id: expect.stringMatching(/^key_/),
        kind: 'secret',
        name: 'CRM sync',
        prefix: created.secret.slice(0, 9),
        scopes: ['read'],
        createdAt: new Date(T0 + 5_000).toISOString(),
        lastUsedAt: null,
        revokedAt: null,
      });

      const hash = await sha256Hex(created.secret);
      const list = await (await admin(`/sites/${site.id}/keys`)).text();
      const one = await (await admin(`/sites/${site.id}/keys/${created.key.id}`)).text();
      for (const body of [list, one]) {
        expect(body).toContain(created.key.id);
        expect(body).not.toContain(created.secret);
        expect(body).not.toContain(hash);
      }
      expect(JSON.parse(one)).toEqual(created.key);
    });

    it('opens the REST API with a new secret key, within its scopes', async () => {
      const { site } = await newSite();
      const both = await newKey(site.id, { kind: 'secret' });
      const reader = await newKey(site.id, { kind: 'secret', scopes: ['read'] });
      const writer = await newKey(site.id, { kind: 'secret', scopes: ['write'] });
      expect(both.key.scopes).toEqual(['read', 'write']);

      expect((await api(both.secret, '/v1/webhooks')).status).toBe(200);
      expect(
        (await api(both.secret, '/v1/webhooks', { method: 'POST', body: newWebhook })).status,
      ).toBe(201);

      expect((await api(reader.secret, '/v1/webhooks')).status).toBe(200);
      const noWrite = await problem(
        await api(reader.secret, '/v1/webhooks', { method: 'POST', body: newWebhook }),
        403,
      );
      expect(noWrite.detail).toContain('"write" scope');

      const noRead = await problem(await api(writer.secret, '/v1/webhooks'), 403);
      expect(noRead.detail).toContain('"read" scope');
      expect(
        (await api(writer.secret, '/v1/webhooks', { method: 'POST', body: newWebhook })).status,
      ).toBe(201);
    });

    it('takes the scope a route names over the method, and tells the route which key it was', async () => {
      const { site } = await newSite();
      const reader = await newKey(site.id, { kind: 'secret', scopes: ['read'] });
      const exported = await guarded(reader.secret, 'POST', '/export');
      expect(exported.status).toBe(200);
      expect(await exported.json()).toEqual({ site, apiKeyId: reader.key.id });
      const refused = await problem(await guarded(reader.secret, 'POST', '/write'), 403);
      expect(refused.detail).toContain('"write" scope');
    });

    it('makes write keys that collect and never open the REST API', async () => {
      const { site } = await newSite();
      const created = await newKey(site.id, { kind: 'write', name: 'Landing pages' });
      expect(created.secret).toMatch(/^pk_[A-Za-z0-9_-]{32}$/);
      expect(created.key).toMatchObject({ kind: 'write', name: 'Landing pages', scopes: [] });
      expect(await storeOf().findSiteByKey('write', await sha256Hex(created.secret))).toMatchObject(
        { id: site.id },
      );
      const refused = await problem(await api(created.secret, '/v1/webhooks'), 401);
      expect(refused.detail).toContain('/v1/collect');
    });

    it('revokes a key at once, and revoking again changes nothing', async () => {
      const { site } = await newSite();
      const created = await newKey(site.id, { kind: 'secret' });
      expect((await api(created.secret, '/v1/webhooks')).status).toBe(200);

      clock.now = T0 + 10 * MINUTE;
      const first = await admin(`/sites/${site.id}/keys/${created.key.id}`, { method: 'DELETE' });
      expect(first.status).toBe(200);
      const revoked = (await first.json()) as ApiKey;
      expect(revoked).toMatchObject({
        id: created.key.id,
        revokedAt: new Date(T0 + 10 * MINUTE).toISOString(),
      });

      const refused = await problem(await api(created.secret, '/v1/webhooks'), 401);
      expect(refused.detail).toContain('revoked');

      clock.now = T0 + 20 * MINUTE;
      const again = await admin(`/sites/${site.id}/keys/${created.key.id}`, { method: 'DELETE' });
      expect(again.status).toBe(200);
      expect(((await again.json()) as ApiKey).revokedAt).toBe(revoked.revokedAt);
      const listed = (await listKeys(site.id)).data.find((key) => key.id === created.key.id);
      expect(listed?.revokedAt).toBe(revoked.revokedAt);
    });

    it('revokes a write key for /v1/collect too', async () => {
      const { site, writeKey } = await newSite();
      const [write] = (await listKeys(site.id)).data.filter((key) => key.kind === 'write');
      await admin(`/sites/${site.id}/keys/${write!.id}`, { method: 'DELETE' });
      expect(await storeOf().findSiteByKey('write', await sha256Hex(writeKey))).toBeNull();
    });

    it('answers 404 for an unknown site, and for a key of another site', async () => {
      const { site } = await newSite();
      const other = await newSite('Other Roofing');
      const otherKey = await newKey(other.site.id, { kind: 'secret' });
      for (const [method, path] of [
        ['GET', '/sites/site_nope'],
        ['GET', '/sites/site_nope/keys'],
        ['POST', '/sites/site_nope/keys'],
        ['DELETE', `/sites/site_nope/keys/${otherKey.key.id}`],
        ['GET', `/sites/${site.id}/keys/key_nope`],
        ['DELETE', `/sites/${site.id}/keys/key_nope`],
        ['DELETE', `/sites/${site.id}/keys/${otherKey.key.id}`],
      ] as const) {
        const body = method === 'POST' ? { kind: 'secret' } : undefined;
        await problem(await admin(path, { method, body }), 404);
      }
      // The other site's key was left alone.
      expect((await api(otherKey.secret, '/v1/webhooks')).status).toBe(200);
    });

    it('shows one site, and lists every site once across pages', async () => {
      const created = [await newSite('One'), await newSite('Two'), await newSite('Three')];
      const one = await admin(`/sites/${created[1]!.site.id}`);
      expect(await one.json()).toEqual(created[1]!.site);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page = (await (await admin(`/sites?limit=2${query}`)).json()) as SiteList;
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.data.map((site) => site.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(created.map(({ site }) => site.id)));
      expect(seen).toHaveLength((await storeOf().listSiteIds()).length);
    });

    it('pages through every site once, whatever characters its id has', async () => {
      const ids = ['site_B', 'site_a', 'site-c', 'site_A', 'site_-', 'site_Z9'];
      for (const id of ids)
        await storeOf().createSite(
          {
            id,
            name: id,
            allowedOrigins: [],
            timezone: 'UTC',
            defaultCountry: null,
            createdAt: new Date(T0),
          },
          [],
        );
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page = (await (await admin(`/sites?limit=1${query}`)).json()) as SiteList;
        seen.push(...page.data.map((site) => site.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(ids));
    });

    it('records when a key was last used, at most once a minute', async () => {
      const { site } = await newSite();
      const created = await newKey(site.id, { kind: 'secret' });
      const lastUsed = async () =>
        (await listKeys(site.id)).data.find((key) => key.id === created.key.id)!.lastUsedAt;
      // Without an execution context the write runs on its own: wait for it.
      const settled = async (expected: string) => {
        for (let tries = 0; tries < 50 && (await lastUsed()) !== expected; tries++)
          await new Promise((resolve) => setTimeout(resolve, 20));
        return lastUsed();
      };

      clock.now = T0 + 60 * MINUTE;
      expect((await guarded(created.secret, 'GET', '/read')).status).toBe(200);
      const first = new Date(T0 + 60 * MINUTE).toISOString();
      expect(await settled(first)).toBe(first);

      clock.now = T0 + 60 * MINUTE + 30_000;
      expect((await guarded(created.secret, 'GET', '/read')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await lastUsed()).toBe(first);

      clock.now = T0 + 61 * MINUTE;
      expect((await guarded(created.secret, 'POST', '/write')).status).toBe(200);
      const second = new Date(T0 + 61 * MINUTE).toISOString();
      expect(await settled(second)).toBe(second);
    });

    it('keeps the later use when two requests race (the store guards it too)', async () => {
      const { site } = await newSite();
      const created = await newKey(site.id, { kind: 'secret' });
      const keys = storeOf().keys;
      await keys.recordUse(created.key.id, T0 + 2 * MINUTE, MINUTE);
      await keys.recordUse(created.key.id, T0 + 2 * MINUTE + 10_000, MINUTE);
      expect((await keys.getKey(site.id, created.key.id))?.lastUsedAt).toBe(T0 + 2 * MINUTE);
      await keys.recordUse(created.key.id, T0 + 3 * MINUTE, MINUTE);
      expect((await keys.getKey(site.id, created.key.id))?.lastUsedAt).toBe(T0 + 3 * MINUTE);
    });

    it('finds a key by its hash with its site, revoked or not', async () => {
      const { site } = await newSite();
      const created = await newKey(site.id, { kind: 'secret', scopes: ['write'] });
      const found = await storeOf().keys.findByHash(await sha256Hex(created.secret));
      expect(found?.site).toEqual(site);
      expect(found?.key).toMatchObject({ id: created.key.id, scopes: ['write'], revokedAt: null });
      expect(await storeOf().keys.findByHash(await sha256Hex('sk_unknown'))).toBeNull();
    });

    it('answers 401 without the operator token, and with a wrong one', async () => {
      const { site, secretKey } = await newSite();
      for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${secretKey}`]) {
        for (const [method, path] of [
          ['GET', '/v1/admin/sites'],
          ['GET', `/v1/admin/sites/${site.id}`],
          ['GET', `/v1/admin/sites/${site.id}/keys`],
          ['POST', `/v1/admin/sites/${site.id}/keys`],
          ['DELETE', `/v1/admin/sites/${site.id}/keys/key_x`],
        ] as const) {
          const response = await app().request(path, {
            method,
            headers: {
              'content-type': 'application/json',
              ...(authorization ? { authorization } : {}),
            },
            ...(method === 'POST' ? { body: '{"kind":"secret"}' } : {}),
          });
          await problem(response, 401);
        }
      }
      expect((await listKeys(site.id)).data).toHaveLength(2);
    });

    it('names each invalid field of a new key', async () => {
      const { site } = await newSite();
      const cases: [unknown, string[]][] = [
        [{ kind: 'secret', scope: ['read'] }, ['scope']],
        [{ kind: 1 }, ['kind']],
        [{}, ['kind']],
        [{ kind: 'secret', name: 7 }, ['name']],
        [{ kind: 'secret', scopes: [] }, ['scopes']],
        [{ kind: 'secret', scopes: ['admin'] }, ['scopes.0']],
        [{ kind: 'write', scopes: ['read'] }, ['scopes']],
      ];
      for (const [body, paths] of cases) {
        const refused = await problem(
          await admin(`/sites/${site.id}/keys`, { method: 'POST', body }),
          400,
        );
        expect(
          refused.errors?.map((error) => error.path),
          JSON.stringify(body),
        ).toEqual(paths);
      }
      expect((await listKeys(site.id)).data).toHaveLength(2);
    });

    it('refuses bad list parameters with their names', async () => {
      for (const [query, path] of [
        ['limit=0', 'limit'],
        ['limit=many', 'limit'],
        ['cursor=not%20a%20cursor', 'cursor'],
        ['order=name', 'order'],
      ]) {
        const refused = await problem(await admin(`/sites?${query}`), 400);
        expect(refused.errors?.map((error) => error.path)).toEqual([path]);
      }
    });

    it('limits each key on its own: 429 with Retry-After over the limit', async () => {
      const { site } = await newSite();
      const first = await newKey(site.id, { kind: 'secret' });
      const second = await newKey(site.id, { kind: 'secret' });
      rateLimit = inMemoryRateLimit(2, 60, () => clock.now);
      try {
        clock.now = T0 + 100 * MINUTE;
        expect((await guarded(first.secret, 'GET', '/read')).status).toBe(200);
        expect((await guarded(first.secret, 'POST', '/write')).status).toBe(200);
        const limited = await guarded(first.secret, 'GET', '/read');
        expect(limited.headers.get('retry-after')).toBe('60');
        expect((await problem(limited, 429)).detail).toContain('60 seconds');
        // Another key of the same site has its own budget; the admin API has none.
        expect((await guarded(second.secret, 'GET', '/read')).status).toBe(200);
        expect((await admin(`/sites/${site.id}/keys`)).status).toBe(200);
        // A key is refused before it is counted when unknown.
        await problem(await guarded('sk_not_a_key', 'GET', '/read'), 401);

        clock.now = T0 + 101 * MINUTE;
        expect((await guarded(first.secret, 'GET', '/read')).status).toBe(200);
      } finally {
        rateLimit = undefined;
      }
    });

    it('lets requests through when the limiter itself fails', async () => {
      const { secretKey } = await newSite();
      rateLimit = {
        limit: () => Promise.reject(new Error('limiter down')),
        retryAfterSeconds: 60,
      };
      try {
        expect((await guarded(secretKey, 'GET', '/read')).status).toBe(200);
        // Let its last-use write land before the database goes away.
        const hash = await sha256Hex(secretKey);
        for (let tries = 0; tries < 50; tries++) {
          if ((await storeOf().keys.findByHash(hash))?.key.lastUsedAt) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        rateLimit = undefined;
      }
    });
  });
}

/** A fixed-window limiter in memory, the shape of the Workers binding, for the app's tests. */
export function inMemoryRateLimit(
  limit: number,
  periodSeconds: number,
  now: () => number,
): ApiRateLimit {
  const counts = new Map<string, { window: number; count: number }>();
  return {
    retryAfterSeconds: periodSeconds,
    async limit(key) {
      const window = Math.floor(now() / (periodSeconds * 1000));
      const current = counts.get(key);
      const count = current?.window === window ? current.count : 0;
      if (count >= limit) return false;
      counts.set(key, { window, count: count + 1 });
      return true;
    },
  };
}
