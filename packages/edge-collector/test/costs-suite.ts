// `POST` / `GET /v1/costs` on a real database: the same cases run on D1 in workerd
// (costs-d1.test.ts) and on Postgres in Node (test-node/costs-postgres.test.ts).

import type { CostList, UpsertCostsInput } from '@leadloop/schema';
import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/types.ts';
import { type ApiSite, apiOn, DAY, MINUTE, problemOf, siteThrough, T0 } from './outcomes-api.ts';

type CostInput = UpsertCostsInput['costs'][number];

export function describeCosts(name: string, getStore: () => Store) {
  describe(`costs on ${name}`, () => {
    const clock = { now: T0 + 2 * DAY };
    let app: Hono;
    beforeAll(() => {
      app = apiOn(getStore(), clock);
    });

    const upsert = (site: ApiSite, costs: unknown) =>
      site.api('/v1/costs', { method: 'POST', body: { costs } });
    const list = async (site: ApiSite, query = '') => {
      const response = await site.api(`/v1/costs${query}`);
      expect(response.status).toBe(200);
      return (await response.json()) as CostList;
    };
    /** Every row, through every page. */
    async function all(site: ApiSite, query = '') {
      const rows: CostList['data'] = [];
      let cursor: string | null = null;
      do {
        const page: CostList = await list(
          site,
          `?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        rows.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      return rows;
    }

    const google = { date: '2026-11-20', source: 'google', medium: 'cpc', currency: 'EUR' };

    it('stores daily spend and lists it oldest day first, in major units', async () => {
      const site = await siteThrough(app, getStore());
      const response = await upsert(site, [
        { ...google, date: '2026-11-21', campaign: 'brand', amount: 80.25 },
        { ...google, campaign: ' brand ', amount: 120.5 },
        { date: '2026-11-20', source: ' newsletter ', amount: 0, currency: 'usd' },
        {
          date: '2026-11-20',
          source: 'yahoo-japan',
          medium: 'cpc',
          amount: 15000,
          currency: 'JPY',
        },
      ]);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ upserted: 4 });
      const updatedAt = new Date(clock.now).toISOString();
      expect((await list(site)).data).toEqual([
        {
          date: '2026-11-20',
          source: 'google',
          medium: 'cpc',
          campaign: 'brand',
          amount: 120.5,
          currency: 'EUR',
          updatedAt,
        },
        {
          date: '2026-11-20',
          source: 'newsletter',
          medium: '',
          campaign: '',
          amount: 0,
          currency: 'USD',
          updatedAt,
        },
        {
          date: '2026-11-20',
          source: 'yahoo-japan',
          medium: 'cpc',
          campaign: '',
          amount: 15000,
          currency: 'JPY',
          updatedAt,
        },
        {
          date: '2026-11-21',
          source: 'google',
          medium: 'cpc',
          campaign: 'brand',
          amount: 80.25,
          currency: 'EUR',
          updatedAt,
        },
      ]);
    });

    it('replaces a day and key on a repeat, currency included, and keeps the others', async () => {
      const site = await siteThrough(app, getStore());
      await upsert(site, [
        { ...google, campaign: 'brand', amount: 100 },
        { ...google, campaign: 'generic', amount: 40 },
      ]);
      clock.now += MINUTE;
      const again = await upsert(site, [
        { ...google, campaign: 'brand', amount: 110.1, currency: 'USD' },
      ]);
      expect(await again.json()).toEqual({ upserted: 1 });
      const rows = await list(site);
      expect(
        rows.data.map((row) => [row.campaign, row.amount, row.currency, row.updatedAt]),
      ).toEqual([
        ['brand', 110.1, 'USD', new Date(clock.now).toISOString()],
        ['generic', 40, 'EUR', new Date(clock.now - MINUTE).toISOString()],
      ]);
    });

    it('keeps amounts beyond 32-bit minor units exact', async () => {
      const site = await siteThrough(app, getStore());
      await upsert(site, [{ ...google, amount: 987_654_321.99 }]);
      expect((await list(site)).data[0]?.amount).toBe(987_654_321.99);
    });

    it('takes 1,000 items in one request', async () => {
      const site = await siteThrough(app, getStore());
      const costs: CostInput[] = Array.from({ length: 1000 }, (_, index) => ({
        date: `2026-${String(1 + Math.floor(index / 100)).padStart(2, '0')}-${String(1 + (index % 25)).padStart(2, '0')}`,
        source: 'google',
        medium: 'cpc',
        campaign: `campaign ${Math.floor(index / 25) % 4} – “quoted” 🌞`,
        amount: index + 0.01,
        currency: 'EUR',
      }));
      const response = await upsert(site, costs);
      expect(await response.json()).toEqual({ upserted: 1000 });
      const rows = await all(site);
      expect(rows).toHaveLength(1000);
      expect(rows.reduce((sum, row) => sum + Math.round(row.amount * 100), 0)).toBe(
        costs.reduce((sum, cost) => sum + Math.round(cost.amount * 100), 0),
      );
    });

    it('pages in key order with an opaque cursor, and filters by day range and key', async () => {
      const site = await siteThrough(app, getStore());
      await upsert(site, [
        { ...google, date: '2026-11-01', amount: 1 },
        { ...google, date: '2026-11-02', amount: 2 },
        { ...google, date: '2026-11-02', campaign: 'brand', amount: 3 },
        { ...google, date: '2026-11-03', medium: 'display', amount: 4 },
        { date: '2026-11-03', source: 'bing', amount: 5, currency: 'EUR' },
      ]);
      const amounts: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: CostList = await list(site, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        amounts.push(...page.data.map((row) => row.amount));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(amounts).toEqual([1, 2, 3, 5, 4]);

      const amountsOf = async (query: string) => (await all(site, query)).map((row) => row.amount);
      expect(await amountsOf('&from=2026-11-02&to=2026-11-02')).toEqual([2, 3]);
      expect(await amountsOf('&source=google&medium=cpc')).toEqual([1, 2, 3]);
      expect(await amountsOf('&campaign=brand')).toEqual([3]);
      expect(await amountsOf('&medium=')).toEqual([5]);
      expect(await amountsOf('&from=2026-11-03')).toEqual([5, 4]);
    });

    it('refuses a bad cursor, unknown filters and bad days by name', async () => {
      const site = await siteThrough(app, getStore());
      const paths = async (query: string) =>
        (await problemOf(await site.api(`/v1/costs${query}`), 400)).errors?.map(
          (error) => error.path,
        );
      expect(await paths('?cursor=garbage!')).toEqual(['cursor']);
      expect(await paths('?cursor=WzEsMl0')).toEqual(['cursor']); // [1,2]
      expect(await paths('?channel=Paid%20Search')).toContain('channel');
      expect(await paths('?from=2026-13-01')).toContain('from');
      expect(await paths('?from=2026-11-02&to=2026-11-01')).toContain('from');
    });

    describe('refuses bad items by field', () => {
      let site: ApiSite;
      beforeAll(async () => {
        site = await siteThrough(app, getStore());
      });
      const item = { ...google, amount: 10 };
      const cases: [what: string, costs: unknown, path: string][] = [
        ['no items', [], 'costs'],
        [
          'more than 1,000 items',
          Array.from({ length: 1001 }, (_, i) => ({ ...item, campaign: `c${i}` })),
          'costs',
        ],
        ['an impossible date', [item, { ...item, date: '2026-02-30' }], 'costs.1.date'],
        ['a date and time', [{ ...item, date: '2026-11-20T00:00:00Z' }], 'costs.0.date'],
        ['an empty source', [{ ...item, source: ' ' }], 'costs.0.source'],
        ['a negative amount', [{ ...item, amount: -5 }], 'costs.0.amount'],
        ['cents of yen', [{ ...item, amount: 10.5, currency: 'JPY' }], 'costs.0.amount'],
        ['an unknown currency', [{ ...item, currency: 'XYZ' }], 'costs.0.currency'],
        ['no currency', [{ ...item, currency: undefined }], 'costs.0.currency'],
        ['an unknown key', [{ ...item, spend: 10 }], 'costs.0.spend'],
        ['the same day and key twice', [item, { ...item, amount: 5 }], 'costs.1'],
      ];
      it.each(cases)('%s → 400 naming the field', async (_what, costs, path) => {
        const problem = await problemOf(await upsert(site, costs), 400);
        expect(problem.errors?.map((error) => error.path)).toContain(path);
        expect((await list(site)).data).toEqual([]);
      });

      it('refuses a body that is not {costs: [...]}', async () => {
        const problem = await problemOf(
          await site.api('/v1/costs', { method: 'POST', body: [item] }),
          400,
        );
        expect(problem.type).toBe('urn:leadloop:problem:validation-failed');
      });

      it('refuses a write key with 401', async () => {
        await problemOf(
          await site.api('/v1/costs', {
            method: 'POST',
            body: { costs: [item] },
            key: site.writeKey,
          }),
          401,
        );
        await problemOf(await site.api('/v1/costs', { key: site.writeKey }), 401);
      });
    });
  });
}
