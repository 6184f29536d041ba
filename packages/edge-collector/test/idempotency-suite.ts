// `Idempotency-Key` on POST routes (here /v1/costs and /v1/conversions) on a real database: the
// same cases run on D1 in workerd (idempotency-d1.test.ts) and on Postgres in Node
// (test-node/idempotency-postgres.test.ts).

import type { Conversion, ConversionList, CostList } from '@leadloop/schema';
import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { requestFingerprint } from '../src/core/idempotency.ts';
import { sha256Hex } from '../src/core/keys.ts';
import type { Store } from '../src/store/types.ts';
import { identify, processBatch } from './lead-suite.ts';
import {
  type ApiSite,
  apiOn,
  DAY,
  faultOnce,
  HOUR,
  MINUTE,
  problemOf,
  siteThrough,
  T0,
} from './outcomes-api.ts';

export function describeIdempotency(name: string, getStore: () => Store) {
  describe(`Idempotency-Key on ${name}`, () => {
    const clock = { now: T0 + 2 * DAY };
    let app: Hono;
    let site: ApiSite;
    let leadId: string;
    beforeAll(async () => {
      const store = getStore();
      app = apiOn(store, clock);
      site = await siteThrough(app, store);
      await processBatch(store, site.site, [
        identify(site.site, { email: 'eva@acme.com' }, { at: T0, visitor: 'v-eva' }),
      ]);
      [leadId] = (await store.leads.findLeadIdsByIdentifier(site.site.id, {
        kind: 'email',
        value: 'eva@acme.com',
      })) as [string];
    });

    const post = (path: string, body: unknown, key?: string, on: ApiSite = site) =>
      on.api(path, {
        method: 'POST',
        body,
        headers: key === undefined ? {} : { 'idempotency-key': key },
      });
    const costs = (amount: number, source = 'google') => ({
      costs: [{ date: '2026-11-20', source, amount, currency: 'EUR' }],
    });
    const conversionCount = async () =>
      ((await (await site.api('/v1/conversions?limit=100')).json()) as ConversionList).data.length;

    it('replays the first answer to the same request, marked, without running it again', async () => {
      const key = crypto.randomUUID();
      const body = { leadId, stage: 'opportunity', value: 10, currency: 'EUR' };
      const before = await conversionCount();
      const first = await post('/v1/conversions', body, key);
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const created = (await first.json()) as Conversion;

      clock.now += MINUTE;
      const replayed = await post('/v1/conversions', body, key);
      expect(replayed.status).toBe(201);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      expect(replayed.headers.get('content-type')).toContain('application/json');
      expect(await replayed.json()).toEqual(created);
      // Without an externalId, only the key keeps a retry from recording the deal twice.
      expect(await conversionCount()).toBe(before + 1);
      const recorded = (await getStore().leads.listOutbox(site.site.id)).filter(
        (change) => change.id === `conversion.recorded:${created.id}`,
      );
      expect(recorded).toHaveLength(1);

      // Without the key, the same body is a new request.
      expect((await post('/v1/conversions', body)).status).toBe(201);
      expect(await conversionCount()).toBe(before + 2);
    });

    it('refuses the key with another body, path or method: 409 that says so', async () => {
      const key = crypto.randomUUID();
      expect((await post('/v1/costs', costs(10), key)).status).toBe(200);
      for (const [path, body] of [
        ['/v1/costs', costs(11)],
        ['/v1/conversions', costs(10)],
      ] as const) {
        const problem = await problemOf(await post(path, body, key), 409);
        expect(problem.type).toBe('urn:leadloop:problem:idempotency-key-reused');
        expect(problem.detail).toMatch(/different request/);
      }
      const list = (await (await site.api('/v1/costs')).json()) as CostList;
      expect(list.data.find((row) => row.source === 'google')?.amount).toBe(10);
    });

    it('answers 409 while the first request with the key is in flight, and lets a stale one go', async () => {
      const key = crypto.randomUUID();
      const body = costs(20, 'bing');
      const hash = await sha256Hex(requestFingerprint('POST', '/v1/costs', JSON.stringify(body)));
      const store = getStore();
      // A first request that has claimed the key and not answered yet.
      await store.idempotency.claim(site.site.id, key, hash, clock.now, {
        expiredBefore: clock.now - DAY,
        abandonedBefore: clock.now - MINUTE,
      });
      const busy = await post('/v1/costs', body, key);
      const problem = await problemOf(busy, 409);
      expect(problem.type).toBe('urn:leadloop:problem:idempotency-key-in-use');
      expect(busy.headers.get('retry-after')).toBe('1');

      // Its worker went away: after a minute, a retry runs.
      clock.now += 2 * MINUTE;
      const retried = await post('/v1/costs', body, key);
      expect(retried.status).toBe(200);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
    });

    it('keeps no 5xx, so a retry after a failure runs again', async () => {
      const key = crypto.randomUUID();
      const body = costs(30, 'meta');
      const faulty = apiOn(faultOnce(getStore(), 'costs', 'upsert'), clock);
      const failed = await faulty.request('/v1/costs', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${site.secretKey}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify(body),
      });
      expect(failed.status).toBe(500);
      const retried = await post('/v1/costs', body, key);
      expect(retried.status).toBe(200);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      const list = (await (await site.api('/v1/costs?source=meta')).json()) as CostList;
      expect(list.data.map((row) => row.amount)).toEqual([30]);
      expect((await post('/v1/costs', body, key)).headers.get('idempotent-replayed')).toBe('true');
    });

    it('keeps a 4xx: the same request gets it again, a corrected one needs a new key', async () => {
      const key = crypto.randomUUID();
      const invalid = {
        costs: [{ date: '2026-11-20', source: 'google', amount: -1, currency: 'EUR' }],
      };
      await problemOf(await post('/v1/costs', invalid, key), 400);
      const again = await post('/v1/costs', invalid, key);
      const replayed = await problemOf(again, 400);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(replayed.errors?.map((error) => error.path)).toEqual(['costs.0.amount']);
      await problemOf(await post('/v1/costs', costs(1), key), 409);
    });

    it('forgets an answer after 24 hours', async () => {
      const key = crypto.randomUUID();
      expect((await post('/v1/costs', costs(40, 'tiktok'), key)).status).toBe(200);
      clock.now += 24 * HOUR - MINUTE;
      await problemOf(await post('/v1/costs', costs(41, 'tiktok'), key), 409);
      clock.now += 2 * MINUTE;
      const later = await post('/v1/costs', costs(41, 'tiktok'), key);
      expect(later.status).toBe(200);
      expect(later.headers.get('idempotent-replayed')).toBeNull();
    });

    it('purges keys claimed before a given time (the sweep), and only those', async () => {
      const store = getStore();
      const old = crypto.randomUUID();
      const recent = crypto.randomUUID();
      expect((await post('/v1/costs', costs(60, 'purge'), old)).status).toBe(200);
      clock.now += HOUR;
      expect((await post('/v1/costs', costs(61, 'purge'), recent)).status).toBe(200);
      await store.idempotency.purgeExpired(clock.now - MINUTE);
      expect(await store.idempotency.find(site.site.id, old)).toBeNull();
      expect(await store.idempotency.find(site.site.id, recent)).toMatchObject({ status: 200 });
    });

    it('keeps keys per site', async () => {
      const key = crypto.randomUUID();
      const other = await siteThrough(app, getStore());
      expect((await post('/v1/costs', costs(50, 'x'), key)).status).toBe(200);
      const theirs = await post('/v1/costs', costs(51, 'x'), key, other);
      expect(theirs.status).toBe(200);
      expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    });

    it('refuses a key that is empty, too long or not printable ASCII', async () => {
      for (const key of ['', 'k'.repeat(256), 'clé']) {
        const problem = await problemOf(await post('/v1/costs', costs(1), key), 400);
        expect(problem.errors?.map((error) => error.path)).toEqual(['Idempotency-Key']);
      }
    });
  });
}
