// `GET /v1/attribution` as a marketer reads it, on a real database: the hand-computed closed loop
// of attribution-scenario.ts through the real pipeline, on D1 (attribution-d1.test.ts) and on
// Postgres (attribution-postgres.test.ts).

import {
  ATTRIBUTION_COLUMNS,
  ATTRIBUTION_MODELS,
  type AttributionReport,
  type CreateSiteResponse,
  type JsonObject,
} from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { attributionReport } from '../src/runtime/attribution-report.ts';
import type { Store } from '../src/store/types.ts';
import { DAY, seedClosedLoop } from './attribution-scenario.ts';
import { browser, harness, MINUTE } from './leads-api-harness.ts';

/** RFC 4180 records: quoted fields may hold commas, quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += char;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

const credits = (value: number) => Math.round(value * 1_000_000);
const sumOf = (report: AttributionReport, column: 'conversions' | 'leads' | 'customers') =>
  report.rows.reduce((sum, row) => sum + credits(row[column]), 0);

export function describeAttribution(name: string, getStore: () => Store) {
  const h = harness(getStore);
  let site: CreateSiteResponse;
  let api: Awaited<ReturnType<typeof seedClosedLoop>>['api'];

  const report = async (query = '') =>
    api.ok<AttributionReport>(api.call(`/v1/attribution${query}`));
  const rowOf = (result: AttributionReport, key: string) =>
    result.rows.find((row) => row[result.groupBy] === key);

  beforeAll(async () => {
    site = await h.createSite('Closed loop');
    ({ api } = await seedClosedLoop(h, site));
  }, 120_000);

  describe(`${name}: GET /v1/attribution`, () => {
    it('credits each lead and customer to the first touch, beside sessions, spend and returns', async () => {
      const result = await report('?model=first_touch');
      expect(result).toMatchObject({
        model: 'first_touch',
        groupBy: 'channel',
        conversion: 'lead',
        lookbackDays: 90,
        currency: 'USD',
        to: new Date(h.now()).toISOString(),
        from: new Date(h.now() - 90 * 24 * 3_600_000).toISOString(),
      });
      expect(result.rows).toEqual([
        {
          channel: 'Paid Search',
          conversions: 1,
          revenue: 5000,
          sessions: 2,
          visitors: 2,
          leads: 1,
          visitToLeadRate: 0.5,
          customers: 1,
          leadToCustomerRate: 1,
          cost: 150,
          costPerLead: 150,
          costPerCustomer: 150,
          roas: 33.333333,
          roi: 32.333333,
          // Ada: first touch T0, lead T0 + 8 d + 1 min.
          medianHoursToConvert: 192.0167,
        },
        {
          channel: 'Email',
          conversions: 1,
          revenue: 0,
          sessions: 1,
          visitors: 1,
          leads: 1,
          visitToLeadRate: 1,
          customers: 0,
          leadToCustomerRate: 0,
          cost: 10,
          costPerLead: 10,
          costPerCustomer: null,
          roas: 0,
          roi: -1,
          medianHoursToConvert: 0.0333,
        },
        ...['Direct', 'Organic Social'].map((channel) => ({
          channel,
          conversions: 0,
          revenue: 0,
          sessions: 1,
          visitors: 1,
          leads: 0,
          visitToLeadRate: 0,
          customers: 0,
          leadToCustomerRate: null,
          cost: 0,
          costPerLead: null,
          costPerCustomer: null,
          roas: null,
          roi: null,
          medianHoursToConvert: null,
        })),
      ]);
      expect(result.totals).toEqual({
        conversions: 2,
        revenue: 5000,
        sessions: 5,
        visitors: 3,
        leads: 2,
        visitToLeadRate: 0.4,
        customers: 1,
        leadToCustomerRate: 0.5,
        cost: 160,
        costPerLead: 80,
        costPerCustomer: 160,
        roas: 31.25,
        roi: 30.25,
        // 2 min and 11,521 min: the mean of the two.
        medianHoursToConvert: 96.025,
      });
    });

    it('splits credit and revenue exactly under linear, and skips Direct under last_non_direct', async () => {
      const linear = await report('?model=linear');
      expect(
        linear.rows.map((row) => [row.channel, row.conversions, row.customers, row.revenue]),
      ).toEqual([
        ['Email', 1, 0, 0],
        ['Paid Search', 0.333334, 0.333334, 1666.67],
        ['Direct', 0.333333, 0.333333, 1666.66],
        ['Organic Social', 0.333333, 0.333333, 1666.67],
      ]);
      expect(linear.totals.revenue).toBe(5000);
      const lastNonDirect = await report('?model=last_non_direct');
      expect(rowOf(lastNonDirect, 'Organic Social')).toMatchObject({ leads: 1, customers: 1 });
      expect(rowOf(lastNonDirect, 'Direct')).toMatchObject({ leads: 0, customers: 0 });
      const lastTouch = await report('?model=last_touch');
      expect(rowOf(lastTouch, 'Direct')).toMatchObject({ leads: 1, revenue: 5000 });
    });

    it('fits data_driven to the journeys that did not convert too', async () => {
      // Leads: Cy's lone Paid Search visit did not convert, so every channel on Ada's path has a
      // removal effect of 1/2 and her lead splits equally; Bob's goes to Email whole.
      const result = await report('?model=data_driven');
      expect(rowOf(result, 'Email')!.leads).toBe(1);
      expect(rowOf(result, 'Paid Search')!.leads).toBe(0.333334);
      expect(rowOf(result, 'Organic Social')!.leads).toBe(0.333333);
      expect(result.totals.customers).toBe(1);
    });

    it('gives every model credits that add up to each conversion', async () => {
      for (const model of ATTRIBUTION_MODELS) {
        for (const conversion of ['lead', 'customer'] as const) {
          const result = await report(`?model=${model}&conversion=${conversion}`);
          expect(sumOf(result, 'leads'), `${model} leads`).toBe(2_000_000);
          expect(sumOf(result, 'customers'), `${model} customers`).toBe(1_000_000);
          expect(sumOf(result, 'conversions'), `${model} ${conversion}`).toBe(
            conversion === 'lead' ? 2_000_000 : 1_000_000,
          );
          const revenue = result.rows.reduce((sum, row) => sum + Math.round(row.revenue * 100), 0);
          expect(revenue, `${model} revenue`).toBe(500_000);
        }
      }
    });

    it('counts customers as the conversion, with their own time to convert', async () => {
      const result = await report('?model=first_touch&conversion=customer');
      expect(rowOf(result, 'Paid Search')).toMatchObject({
        conversions: 1,
        customers: 1,
        medianHoursToConvert: 216,
      });
      expect(result.totals.conversions).toBe(1);
      const opportunities = await report('?conversion=opportunity');
      expect(opportunities.totals.conversions).toBe(0);
      expect(opportunities.totals.leads).toBe(2);
    });

    it('keeps touches older than the lookback window out of the path', async () => {
      // Four days before Ada's lead (T0 + 8 d) the Google Ads visit (T0) is out, Facebook (T0 + 5 d) in.
      const result = await report('?model=first_touch&lookbackDays=4');
      expect(rowOf(result, 'Organic Social')!.leads).toBe(1);
      expect(rowOf(result, 'Paid Search')!.leads).toBe(0);
    });

    it('groups by campaign, landing page and the rest, spend only where it can be split', async () => {
      const campaigns = await report('?model=first_touch&groupBy=campaign');
      expect(campaigns.rows.map((row) => [row.campaign, row.leads, row.cost])).toEqual([
        ['(not set)', 1, 10],
        ['storms', 1, 150],
      ]);
      const pages = await report('?model=first_touch&groupBy=landing_page');
      expect(
        pages.rows.map((row) => [row.landing_page, row.leads, row.sessions, row.cost]),
      ).toEqual([
        ['https://www.acme.com/storm-doors', 1, 2, null],
        ['https://www.acme.com/offer', 1, 1, null],
        ['https://www.acme.com/', 0, 1, null],
        ['https://www.acme.com/blog/storms', 0, 1, null],
      ]);
      expect(pages.totals.cost).toBeNull();
      for (const groupBy of [
        'source',
        'medium',
        'term',
        'content',
        'referrer_domain',
        'country',
        'region',
        'city',
        'device',
      ]) {
        const result = await report(`?groupBy=${groupBy}`);
        expect(result.rows.length, groupBy).toBeGreaterThan(0);
        expect(result.totals.leads, groupBy).toBe(2);
        expect(sumOf(result, 'leads'), groupBy).toBe(2_000_000);
      }
      const sources = await report('?model=first_touch&groupBy=source');
      expect(rowOf(sources, 'google')).toMatchObject({ leads: 1, cost: 150 });
      expect(rowOf(sources, 'newsletter')).toMatchObject({ leads: 1, cost: 10 });
    });

    it('answers the same a page of paths at a time', async () => {
      const whole = await report('?model=time_decay&conversion=customer');
      const store = getStore();
      const stored = (await store.findSites([site.site.id]))[0]!;
      const paged = await attributionReport(
        store,
        stored.id,
        {
          model: 'time_decay',
          groupBy: 'channel',
          conversion: 'customer',
          from: Date.parse(whole.from),
          to: Date.parse(whole.to),
          lookbackDays: 90,
          timezone: stored.timezone,
        },
        1,
      );
      expect(paged).toEqual(whole);
    });

    it('streams CSV with a header, one record per group, and NDJSON with one row per line', async () => {
      const response = await api.call('/v1/attribution?model=linear&format=csv');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toMatch(
        /^attachment; filename="leadloop-attribution-linear-channel-.*\.csv"$/,
      );
      const records = parseCsv(await response.text());
      expect(records[0]).toEqual(['channel', ...ATTRIBUTION_COLUMNS]);
      expect(records[0]!.slice(0, 3)).toEqual(['channel', 'conversions', 'revenue']);
      expect(records.slice(1).map((record) => record.slice(0, 3))).toEqual([
        ['Email', '1', '0'],
        ['Paid Search', '0.333334', '1666.67'],
        ['Direct', '0.333333', '1666.66'],
        ['Organic Social', '0.333333', '1666.67'],
      ]);
      // Null is an empty cell.
      expect(records[1]![ATTRIBUTION_COLUMNS.indexOf('costPerCustomer') + 1]).toBe('');

      const ndjson = await api.call('/v1/attribution?model=linear&format=ndjson');
      expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      const lines = (await ndjson.text())
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines).toEqual((await report('?model=linear')).rows);
    });

    it('keeps a campaign named like a formula, or holding line breaks, from breaking the file', async () => {
      const other = await h.createSite('Hostile campaigns');
      const client = h.client(other);
      const nasty = [
        '=HYPERLINK("http://evil.example")',
        '+1',
        '-2',
        '@SUM(A1)',
        'two\r\nlines, "quoted"',
      ];
      await client.browse(
        nasty.map((campaign, index) =>
          browser.pageview('/', { visitor: `v${index}`, session: `v${index}-s`, at: h.now() }, {
            query: `?utm_source=x&utm_medium=cpc&utm_campaign=${encodeURIComponent(campaign)}`,
            referrer: undefined,
          } as never),
        ),
      );
      const text = await (await client.call('/v1/attribution?groupBy=campaign&format=csv')).text();
      const records = parseCsv(text);
      expect(records).toHaveLength(1 + nasty.length);
      const cells = records.slice(1).map((record) => record[0]);
      expect(cells.sort()).toEqual(
        [
          `'=HYPERLINK("http://evil.example")`,
          `'+1`,
          `'-2`,
          `'@SUM(A1)`,
          'two\r\nlines, "quoted"',
        ].sort(),
      );
      // Valid UTF-8 out.
      expect(() =>
        new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(
          new TextEncoder().encode(text),
        ),
      ).not.toThrow();
      // And this site's report shows nothing of the closed loop's.
      const json = await client.ok<AttributionReport>(client.call('/v1/attribution'));
      expect(json.totals).toMatchObject({ leads: 0, customers: 0, sessions: nasty.length });
      expect(json.rows.map((row) => row.channel)).not.toContain('Email');
    });

    it('refuses bad parameters with a 400 naming each', async () => {
      const cases: [string, string][] = [
        ['?model=u_shaped', 'model'],
        ['?groupBy=browser', 'groupBy'],
        ['?conversion=signup', 'conversion'],
        ['?format=xlsx', 'format'],
        ['?from=yesterday', 'from'],
        ['?from=2026-12-01&to=2026-11-01', 'from'],
        ['?lookbackDays=0', 'lookbackDays'],
        ['?lookbackDays=366', 'lookbackDays'],
        ['?currency=dollars', 'currency'],
        ['?sort=revenue', 'sort'],
      ];
      for (const [query, field] of cases) {
        const problem = await api.problem(api.call(`/v1/attribution${query}`), 400);
        expect(
          problem.errors?.map((error) => error.path),
          query,
        ).toContain(field);
      }
      await api.problem(api.call('/v1/attribution', {}, null), 401);
    });

    it('leaves a shared device’s visits with whoever used it then', async () => {
      // One kiosk: Dee lands from Google Ads and fills the form; a day later the kiosk lands from
      // the newsletter, then Eve fills the form. The newsletter visit began while the kiosk was
      // Dee's (after her lead, so not in her path) and Eve had no visit of her own: (not set).
      const kiosk = h.client(await h.createSite('Shared kiosk'));
      const at = h.now();
      const visit = (session: string, offset: number) => ({
        visitor: 'kiosk',
        session,
        at: at + offset,
      });
      const send = async (offset: number, events: unknown[]) => {
        h.advance(at + offset - h.now());
        await kiosk.browse(events);
      };
      await send(0, [
        browser.pageview('/storm-doors', visit('k-1', 0), {
          query: '?utm_source=google&utm_medium=cpc&utm_campaign=storms',
          referrer: 'https://www.google.com/',
        }),
      ]);
      await send(MINUTE, [
        browser.form({ email: 'dee@northwind.io' } as JsonObject, visit('k-1', MINUTE)),
      ]);
      await send(DAY, [
        browser.pageview('/offer', visit('k-2', DAY), {
          query: '?utm_source=newsletter&utm_medium=email',
          referrer: undefined,
        }),
      ]);
      await send(DAY + MINUTE, [
        browser.form({ email: 'eve@northwind.io' } as JsonObject, visit('k-2', DAY + MINUTE)),
      ]);
      for (const model of ['first_touch', 'linear', 'data_driven']) {
        const result = await kiosk.ok<AttributionReport>(
          kiosk.call(`/v1/attribution?model=${model}`),
        );
        const leads = Object.fromEntries(result.rows.map((row) => [row.channel, row.leads]));
        expect(leads, model).toEqual({ 'Paid Search': 1, '(not set)': 1, Email: 0 });
      }
    });
  });
}
