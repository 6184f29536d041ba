// `GET /v1/exports/offline-conversions` as a marketer uses it: browsers land from Google ads
// (`?gclid=` on the landing URL), fill a form and become leads; the CRM posts the deals; the file
// comes out in Google Ads' import shape. Through the real app and the real events pipeline, on
// D1 (offline-conversions-d1.test.ts) and on Postgres (offline-conversions-postgres.test.ts).

import type { CreateSiteResponse } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';
import { googleAdsFile } from '../src/http/routes/exports.ts';
import type { OfflineConversionStore } from '../src/store/offline-conversion-store.ts';
import type { Store } from '../src/store/types.ts';
import { browser, FROM, harness, MINUTE, ORIGIN, T0 } from './leads-api-harness.ts';

const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const HEADER =
  'Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency';
const EXPORT = '/v1/exports/offline-conversions';

type Landing = (typeof FROM)[keyof typeof FROM];

/** A landing from a Google ad: the click id on the URL, Google as the referrer. */
const fromGoogle = (param: 'gclid' | 'gbraid', id: string) =>
  // The harness types its own landings; this is one more of their shape.
  ({
    query: `?utm_source=google&utm_medium=cpc&${param}=${encodeURIComponent(id)}`,
    referrer: 'https://www.google.com/',
  }) as unknown as Landing;

/** The file's lines, without the empty one after the last line break. */
const linesOf = (text: string) => {
  expect(text.endsWith('\r\n')).toBe(true);
  return text.slice(0, -2).split('\r\n');
};

export function describeOfflineConversions(name: string, getStore: () => Store) {
  const h = harness(getStore);
  let site: CreateSiteResponse;
  let other: CreateSiteResponse;
  let api: ReturnType<typeof h.client>;

  /** A site in New York time, through the admin API as an operator creates it. */
  async function newYorkSite(): Promise<CreateSiteResponse> {
    const operator = h.client({ secretKey: '' } as CreateSiteResponse);
    return operator.ok<CreateSiteResponse>(
      operator.call(
        '/v1/admin/sites',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name: 'Northwind',
            allowedOrigins: [ORIGIN],
            timezone: 'America/New_York',
            defaultCountry: 'US',
          }),
        },
        DEVELOPMENT_ADMIN_TOKEN,
      ),
      201,
    );
  }

  const at = (offset: number) => ({ at: T0 + offset });
  const visit = (visitor: string, session: string, offset: number) => ({
    visitor,
    session: `${visitor}-${session}`,
    ...at(offset),
  });
  /** A browser landing from `from` and filling the contact form a minute later. */
  const landsAndFills = (visitor: string, offset: number, from: Landing) => [
    browser.pageview('/', visit(visitor, 's1', offset), from),
    browser.form({ email: `${visitor}@northwind.io` }, visit(visitor, 's1', offset + MINUTE)),
  ];

  const customer = (
    client: typeof api,
    email: string,
    offset: number,
    value?: number,
    currency?: string,
  ) =>
    client.ok(
      client.send('POST', '/v1/conversions', {
        email,
        stage: 'customer',
        occurredAt: new Date(T0 + offset).toISOString(),
        ...(value === undefined ? {} : { value, currency }),
      }),
      201,
    );

  const exportOf = async (client: typeof api, query: string) => {
    const response = await client.call(`${EXPORT}?${query}`);
    if (response.status !== 200)
      throw new Error(`expected 200, got ${response.status}: ${await response.text()}`);
    return { response, lines: linesOf(await response.text()) };
  };

  beforeAll(async () => {
    site = await newYorkSite();
    api = h.client(site);
    // T0 is 2026-11-23 05:00 in New York (EST, UTC−5).
    await api.browse([
      // Ada: an older ad click, then the one she converts from.
      browser.pageview('/', visit('ada', 's0', -5 * DAY), fromGoogle('gclid', 'ada-first')),
      ...landsAndFills('ada', -60 * MINUTE, fromGoogle('gclid', 'ada-gclid')),
      ...landsAndFills('ken', -120 * MINUTE, fromGoogle('gclid', 'ken-gclid')),
      ...landsAndFills('lia', -110 * MINUTE, fromGoogle('gclid', 'lia-gclid')),
      // Dee typed the address: no click to send.
      ...landsAndFills('dee', -100 * MINUTE, FROM.direct),
      // Old clicked an ad 100 days ago: too old for Google by the time of the deal.
      ...landsAndFills('old', -100 * DAY, fromGoogle('gclid', 'old-gclid')),
      // A click id made to run as a formula in a spreadsheet.
      ...landsAndFills('eve', -30 * MINUTE, fromGoogle('gclid', '=1+2')),
      // An iOS app click: Google's file has no column for it.
      ...landsAndFills('ios', -40 * MINUTE, fromGoogle('gbraid', 'ios-gbraid')),
      ...landsAndFills('late', -20 * MINUTE, fromGoogle('gclid', 'late-gclid')),
      // A shared kiosk: Ana comes from an ad; later Bo fills the form there, with no click of his.
      browser.pageview('/', visit('kiosk', 's1', -50 * MINUTE), fromGoogle('gclid', 'kiosk-ana')),
      browser.form({ email: 'ana@northwind.io' }, visit('kiosk', 's1', -49 * MINUTE)),
      browser.pageview('/', visit('kiosk', 's2', -45 * MINUTE)),
      browser.form({ email: 'bo@northwind.io' }, visit('kiosk', 's2', -44 * MINUTE)),
      // Max: a phone from an ad (the older lead), a laptop typed in (a second lead).
      browser.pageview(
        '/',
        visit('max-phone', 's1', -181 * MINUTE),
        fromGoogle('gclid', 'max-gclid'),
      ),
      browser.identify({ phone: '+1 212 555 0100' }, visit('max-phone', 's1', -180 * MINUTE)),
      browser.pageview('/', visit('max-laptop', 's1', -130 * MINUTE)),
      browser.identify({ email: 'max@northwind.io' }, visit('max-laptop', 's1', -120 * MINUTE)),
    ]);
    // The deal is recorded against the laptop's lead, which is then merged into the phone's.
    await customer(api, 'max@northwind.io', -90 * MINUTE, 2500, 'GBP');
    await api.browse([
      browser.identify(
        { email: 'max@northwind.io', phone: '+1 212 555 0100' },
        visit('max-laptop', 's1', -60 * MINUTE),
      ),
    ]);

    h.advance(DAY);
    // Ada clicks another ad after her deals: it must not take their credit.
    await api.browse([
      browser.pageview('/', visit('ada', 's2', 20 * HOUR), fromGoogle('gclid', 'ada-after')),
    ]);
    await api.ok(
      api.send('POST', '/v1/conversions', {
        email: 'ada@northwind.io',
        stage: 'opportunity',
        occurredAt: new Date(T0 + HOUR).toISOString(),
      }),
      201,
    );
    await customer(api, 'ada@northwind.io', 2 * HOUR, 5000, 'EUR');
    await customer(api, 'ken@northwind.io', 3 * HOUR, 150_000, 'JPY');
    await customer(api, 'lia@northwind.io', 3 * HOUR, 19.99, 'USD');
    await customer(api, 'dee@northwind.io', 4 * HOUR, 100, 'EUR');
    await customer(api, 'old@northwind.io', 5 * HOUR, 700, 'EUR');
    await customer(api, 'eve@northwind.io', 6 * HOUR, 10, 'EUR');
    await customer(api, 'ios@northwind.io', 7 * HOUR, 300, 'EUR');
    await customer(api, 'bo@northwind.io', 8 * HOUR, 50, 'EUR');
    // 2026-11-24 03:00 UTC: still the 23rd in New York.
    await customer(api, 'late@northwind.io', 17 * HOUR, 1, 'EUR');

    // Another site with its own ad click and deal.
    other = await h.createSite('Other');
    const otherApi = h.client(other);
    await otherApi.browse(landsAndFills('zed', -HOUR, fromGoogle('gclid', 'zed-gclid')));
    await customer(otherApi, 'zed@northwind.io', 2 * HOUR, 42, 'EUR');
  });

  const CUSTOMERS = [
    'max-gclid,Leadloop customer,2026-11-23 03:30:00-0500,2500.00,GBP',
    'ada-gclid,Leadloop customer,2026-11-23 07:00:00-0500,5000.00,EUR',
    'ken-gclid,Leadloop customer,2026-11-23 08:00:00-0500,150000,JPY',
    'lia-gclid,Leadloop customer,2026-11-23 08:00:00-0500,19.99,USD',
    "'=1+2,Leadloop customer,2026-11-23 11:00:00-0500,10.00,EUR",
    'late-gclid,Leadloop customer,2026-11-23 22:00:00-0500,1.00,EUR',
  ];

  /** Data lines in time order; two at the same time come in id order, which a test cannot know. */
  const expectLines = (lines: string[], expected: string[]) => {
    expect(lines[0]).toBe(HEADER);
    const rows = lines.slice(1);
    expect([...rows].sort()).toEqual([...expected].sort());
    const times = rows.map((row) => row.split(',').at(-3));
    expect(times).toEqual([...times].sort());
  };

  describe(`${name}: Google Ads offline conversions`, () => {
    it('exports the last 90 days of customers with their gclid, in Google’s columns', async () => {
      const { response, lines } = await exportOf(api, 'platform=google_ads');
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toBe(
        'attachment; filename="google-ads-customer-conversions-2026-08-26-to-2026-11-24.csv"',
      );
      // Left out: Dee (no click), Old (a click over 90 days before the deal), the iOS click, and
      // Bo, whose kiosk click was Ana's.
      expect(response.headers.get('leadloop-skipped')).toBe('4');
      expect(lines).toHaveLength(1 + CUSTOMERS.length);
      expectLines(lines, CUSTOMERS);
      // The merged lead's deal carries the click of the browser it shares with the survivor.
      expect(lines[1]).toBe(CUSTOMERS[0]);
      expect(lines.join('\n')).not.toContain('zed-gclid');
      expect(lines.join('\n')).not.toContain('ada-after');
    });

    it('takes the stage and the conversion name asked for, neutralising a formula', async () => {
      const opportunity = await exportOf(
        api,
        `platform=google_ads&stage=opportunity&conversionName=${encodeURIComponent(' =Qualified deal ')}`,
      );
      expect(opportunity.lines).toEqual([
        HEADER,
        "ada-gclid,'=Qualified deal,2026-11-23 06:00:00-0500,,",
      ]);
      expect(opportunity.response.headers.get('leadloop-skipped')).toBe('0');
    });

    it('exports leads at their first identification, with the click before it', async () => {
      const { response, lines } = await exportOf(api, 'platform=google_ads&stage=lead');
      expectLines(lines, [
        'max-gclid,Leadloop lead,2026-11-23 02:00:00-0500,,',
        'ken-gclid,Leadloop lead,2026-11-23 03:01:00-0500,,',
        'lia-gclid,Leadloop lead,2026-11-23 03:11:00-0500,,',
        'ada-gclid,Leadloop lead,2026-11-23 04:01:00-0500,,',
        'kiosk-ana,Leadloop lead,2026-11-23 04:11:00-0500,,',
        "'=1+2,Leadloop lead,2026-11-23 04:31:00-0500,,",
        'late-gclid,Leadloop lead,2026-11-23 04:41:00-0500,,',
      ]);
      // Dee, Bo and the iOS lead; Old became a lead before the range.
      expect(response.headers.get('leadloop-skipped')).toBe('3');
    });

    it('reads days in the site’s time zone and instants as given, both inclusive', async () => {
      const day = await exportOf(api, 'platform=google_ads&from=2026-11-23&to=2026-11-23');
      expectLines(day.lines, CUSTOMERS);
      expect(day.response.headers.get('content-disposition')).toContain(
        'google-ads-customer-conversions-2026-11-23-to-2026-11-23.csv',
      );
      const from = encodeURIComponent('2026-11-23T07:00:00-05:00');
      const to = encodeURIComponent('2026-11-23T21:59:59-05:00');
      const hours = await exportOf(api, `platform=google_ads&from=${from}&to=${to}`);
      expectLines(hours.lines, CUSTOMERS.slice(1, 5));
      const before = await exportOf(api, 'platform=google_ads&to=2026-11-22');
      expect(before.lines).toEqual([HEADER]);
      expect(before.response.headers.get('leadloop-skipped')).toBe('0');
    });

    it('shows a site its own conversions only', async () => {
      const { lines } = await exportOf(h.client(other), 'platform=google_ads');
      // The other site keeps UTC.
      expect(lines).toEqual([
        HEADER,
        'zed-gclid,Leadloop customer,2026-11-23 12:00:00+0000,42.00,EUR',
      ]);
    });

    it('streams page by page: any page size gives the same file', async () => {
      const { lines } = await exportOf(
        api,
        'platform=google_ads&from=2026-11-01T00:00:00Z&to=2026-11-25T00:00:00Z',
      );
      const real = getStore().offlineConversions;
      for (const [pageSize, pages] of [
        [1, 11],
        [2, 6],
        [3, 4],
      ] as const) {
        let reads = 0;
        const counted: OfflineConversionStore = {
          ...real,
          page: (...args) => {
            reads += 1;
            return real.page(...args);
          },
        };
        const stream = googleAdsFile(
          counted,
          {
            siteId: site.site.id,
            timeZone: 'America/New_York',
            filter: {
              stage: 'customer',
              from: Date.parse('2026-11-01T00:00:00Z'),
              to: Date.parse('2026-11-25T00:00:00Z'),
            },
            conversionName: 'Leadloop customer',
          },
          pageSize,
        );
        expect(linesOf(await new Response(stream).text())).toEqual(lines);
        // Ten deals in the range, those without a click included; a full last page takes one more read.
        expect(reads, `page size ${pageSize}`).toBe(pages);
      }
    });

    it('refuses what it cannot export, naming the parameter', async () => {
      const refused = async (query: string, path: string, message?: RegExp) => {
        const problem = await api.problem(api.call(`${EXPORT}${query}`), 400);
        expect(problem.errors?.map((error) => error.path)).toEqual([path]);
        if (message) expect(problem.errors?.[0]?.message).toMatch(message);
      };
      await refused('', 'platform', /google_ads/);
      await refused('?platform=meta_ads', 'platform', /google_ads/);
      await refused('?platform=google_ads&stage=lost', 'stage', /lead, opportunity, customer/);
      await refused(`?platform=google_ads&conversionName=${'x'.repeat(101)}`, 'conversionName');
      await refused('?platform=google_ads&conversionName=%20%20', 'conversionName');
      await refused('?platform=google_ads&from=yesterday', 'from');
      await refused('?platform=google_ads&from=2026-11-24&to=2026-11-23', 'from', /after to/);
      await refused(
        `?platform=google_ads&from=2026-11-23&to=${encodeURIComponent('2026-11-22T23:00:00-05:00')}`,
        'from',
      );
      await api.problem(api.call(`${EXPORT}?platform=google_ads`, {}, null), 401);
    });
  });
}
