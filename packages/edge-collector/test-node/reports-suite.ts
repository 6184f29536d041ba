// The reports under /v1/reports/ as a marketer reads them, on data sent through the real
// pipeline (browser events through /v1/collect with Cloudflare's place, server identifies, CRM
// conversions and PATCHes) — the same hand-computed answers on D1 (reports-d1.test.ts) and on
// Postgres (reports-postgres.test.ts).

import type {
  CreateSiteResponse,
  FunnelReport,
  InquiriesReport,
  JsonObject,
  LocationsReport,
  SpeedToLeadReport,
} from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import type { EventSink } from '../src/core/event-sink.ts';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';
import { consumeEvents } from '../src/runtime/events-consumer.ts';
import type { Store } from '../src/store/types.ts';
import { enqueue, messageBatch } from '../test/message-batch.ts';
import { CHROME_ON_MAC, GOOGLEBOT } from '../test/store-suite.ts';
import { FROM, harness, MINUTE, ORIGIN, T0 } from './leads-api-harness.ts';

const HOUR = 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

type Place = { country: string; region: string; city: string };
const MUNICH: Place = { country: 'DE', region: 'Bavaria', city: 'Munich' };
const PARIS: Place = { country: 'FR', region: 'Ile-de-France', city: 'Paris' };
const LONDON: Place = { country: 'GB', region: 'England', city: 'London' };
const LOS_ANGELES: Place = { country: 'US', region: 'California', city: 'Los Angeles' };

type Visit = { visitor: string; at: number };

function browserEvent(type: string, path: string, { visitor, at }: Visit, fields = {}, query = '') {
  return {
    id: crypto.randomUUID(),
    type,
    timestamp: iso(at),
    anonymousId: visitor,
    sessionId: `${visitor}-s1`,
    page: { url: `${ORIGIN}${path}${query}`, path, title: 'Acme' },
    ...fields,
  };
}

const pageview = (
  visit: Visit,
  from: (typeof FROM)[keyof typeof FROM] = FROM.direct,
  path = '/',
) => {
  const event = browserEvent('pageview', path, visit, {}, from.query);
  if (from.referrer) Object.assign(event.page, { referrer: from.referrer });
  return event;
};
const form = (email: string, visit: Visit) =>
  browserEvent('form_submit', '/contact', visit, {
    traits: { email },
    form: { id: 'contact', fields: { email } },
  });
const call = (visit: Visit) =>
  browserEvent('call_click', '/contact', visit, { call: { number: '+49 89 1234567' } });
const identify = (traits: JsonObject, visit: Visit) =>
  browserEvent('identify', '/', visit, { traits });

export function describeReports(name: string, getStore: () => Store) {
  const h = harness(getStore);

  // The harness's app, but with the place Cloudflare would put on the request (`request.cf`),
  // which a test can only set on a Request object it builds itself.
  const events: EventSink = async (messages) => {
    const { batch, settle } = messageBatch('leadloop-events', enqueue(messages));
    await consumeEvents(batch, getStore(), { now: h.now });
    if (settle().retried.length > 0) throw new Error('the consumer retried messages');
  };
  let app: ReturnType<typeof createApp> | undefined;
  const appOf = () =>
    (app ??= createApp({
      store: getStore(),
      events,
      delivery: { allowPrivate: true, enqueue: async () => {} },
      config: { environment: 'development' },
      sdkScript: { code: '', etag: '""' },
      now: h.now,
    }));

  async function browseFrom(
    site: CreateSiteResponse,
    place: Place | null,
    batch: unknown[],
    userAgent = CHROME_ON_MAC,
  ) {
    const body = JSON.stringify({ writeKey: site.writeKey, sentAt: iso(h.now()), events: batch });
    const request = new Request('http://collector.test/v1/collect', {
      method: 'POST',
      headers: {
        'content-type': 'text/plain',
        // With its length known, the body limit reads this request as it is; without, it would
        // wrap it in a new one, and Node's Request would not carry `cf` over as workerd's does.
        'content-length': String(new TextEncoder().encode(body).length),
        origin: ORIGIN,
        'user-agent': userAgent,
      },
      body,
    });
    if (place) Object.defineProperty(request, 'cf', { value: { ...place } });
    const response = await appOf().request(request);
    expect(response.status).toBe(202);
    expect(((await response.json()) as { rejected: unknown[] }).rejected).toEqual([]);
  }

  /** A site in this time zone, through the admin API. */
  async function siteIn(siteName: string, timezone: string): Promise<CreateSiteResponse> {
    const admin = h.client({ secretKey: DEVELOPMENT_ADMIN_TOKEN } as CreateSiteResponse);
    return admin.ok<CreateSiteResponse>(
      admin.send('POST', '/v1/admin/sites', { name: siteName, allowedOrigins: [ORIGIN], timezone }),
      201,
    );
  }

  describe(`${name}: reports on one site's week`, () => {
    let site: CreateSiteResponse;
    let api: ReturnType<typeof h.client>;
    const report = <T>(path: string) => api.ok<T>(api.call(`/v1/reports/${path}`));
    const convert = (body: Record<string, unknown>) =>
      api.ok(api.send('POST', '/v1/conversions', body), 201);

    beforeAll(async () => {
      site = await h.createSite('Reports');
      api = h.client(site);
      const t = (minutes: number) => T0 + minutes * MINUTE;
      // Monday 2026-11-23; the clock reads 10:00 UTC. The site keeps UTC.
      // Ada: from a Google ad in Munich, fills the form and clicks to call.
      await browseFrom(site, MUNICH, [
        pageview({ visitor: 'ada', at: t(-60) }, FROM.googleAds),
        form('ada@northwind.io', { visitor: 'ada', at: t(-59) }),
        call({ visitor: 'ada', at: t(-58) }),
      ]);
      // Bob: from Facebook in Paris, identifies (a lead, no form).
      await browseFrom(site, PARIS, [
        pageview({ visitor: 'bob', at: t(-50) }, FROM.facebook),
        identify({ email: 'bob@northwind.io' }, { visitor: 'bob', at: t(-45) }),
      ]);
      // Dee: typed the address in Munich, reads the pricing, fills the form.
      await browseFrom(site, MUNICH, [
        pageview({ visitor: 'dee', at: t(-40) }, FROM.direct, '/pricing'),
        form('dee@northwind.io', { visitor: 'dee', at: t(-39) }),
      ]);
      // Hal: on his laptop in London fills the form; on his phone identifies by phone (a second
      // lead); then one identify carrying both merges the phone's lead into the laptop's.
      await browseFrom(site, LONDON, [
        pageview({ visitor: 'hal-laptop', at: t(-37) }),
        form('hal@northwind.io', { visitor: 'hal-laptop', at: t(-36) }),
      ]);
      await browseFrom(site, null, [
        identify({ phone: '+49 30 1234567' }, { visitor: 'hal-phone', at: t(-35) }),
      ]);
      await convert({ phone: '+49 30 1234567', stage: 'opportunity', occurredAt: iso(t(-33)) });
      await browseFrom(site, LONDON, [
        identify(
          { email: 'hal@northwind.io', phone: '+49 30 1234567' },
          { visitor: 'hal-laptop', at: t(-30) },
        ),
      ]);
      // Fay: an anonymous visitor in Los Angeles who clicks to call.
      await browseFrom(site, LOS_ANGELES, [
        pageview({ visitor: 'fay', at: t(-21) }),
        call({ visitor: 'fay', at: t(-20) }),
      ]);
      // Ivy from Paris and Kim (no place known) fill the form.
      await browseFrom(site, PARIS, [
        pageview({ visitor: 'ivy', at: t(-12) }),
        form('ivy@northwind.io', { visitor: 'ivy', at: t(-10) }),
      ]);
      await browseFrom(site, null, [
        pageview({ visitor: 'kim', at: t(-8) }),
        form('kim@northwind.io', { visitor: 'kim', at: t(-7) }),
      ]);
      // A crawler fills the form too: no session, no lead, no inquiry.
      await browseFrom(
        site,
        MUNICH,
        [
          pageview({ visitor: 'crawler', at: t(-5) }),
          form('crawler@northwind.io', { visitor: 'crawler', at: t(-4) }),
        ],
        GOOGLEBOT,
      );
      // Cyd and Jon: known only to the backend (no visit), identified now (10:00).
      await api.ok(api.send('POST', '/v1/identify', { email: 'cyd@northwind.io' }), 202);
      await api.ok(api.send('POST', '/v1/identify', { email: 'jon@northwind.io' }), 202);
      // The CRM: Ada an opportunity 3 minutes after her form, a customer for 5,000 EUR;
      // Bob an opportunity after 25 minutes, lost later.
      await convert({ email: 'ada@northwind.io', stage: 'opportunity', occurredAt: iso(t(-56)) });
      await convert({
        email: 'ada@northwind.io',
        stage: 'customer',
        value: 5000,
        currency: 'EUR',
        occurredAt: iso(t(-30)),
      });
      await convert({ email: 'bob@northwind.io', stage: 'opportunity', occurredAt: iso(t(-20)) });
      await convert({ email: 'bob@northwind.io', stage: 'lost', occurredAt: iso(t(-10)) });
      // Kim, an MQL from her form, is lost 7 minutes after it: only her history says MQL now.
      await convert({ email: 'kim@northwind.io', stage: 'lost', occurredAt: iso(t(0)) });
      // 10:45: sales marks Cyd a customer straight away (a PATCH, no conversion).
      h.advance(45 * MINUTE);
      const cyd = await api.byEmail('cyd@northwind.io');
      await api.ok(api.send('PATCH', `/v1/leads/${cyd.id}`, { status: 'customer' }));
      // 13:00: Dee is sales-qualified.
      h.advance(2 * HOUR + 15 * MINUTE);
      const dee = await api.byEmail('dee@northwind.io');
      await api.ok(api.send('PATCH', `/v1/leads/${dee.id}`, { status: 'sql' }));
      // Tuesday 11:00: Ivy buys, for 1,200.50 USD.
      h.advance(22 * HOUR);
      await convert({
        email: 'ivy@northwind.io',
        stage: 'customer',
        value: 1200.5,
        currency: 'USD',
        occurredAt: iso(h.now()),
      });
    });

    it('starts from what the leads are', async () => {
      // Hal's two leads are one now; Bob's deal was lost.
      const byEmail = await api.byEmail('hal@northwind.io');
      const byPhone = (await api.list(`?phone=${encodeURIComponent('+49 30 1234567')}`)).data;
      expect(byPhone.map((lead) => lead.id)).toEqual([byEmail.id]);
      expect(byEmail.status).toBe('opportunity');
      expect((await api.byEmail('bob@northwind.io')).status).toBe('lost');
      expect((await api.byEmail('kim@northwind.io')).status).toBe('lost');
      expect((await api.list()).data).toHaveLength(8);
    });

    it('funnel: sessions, then the cohort of leads and the stages each reached', async () => {
      const funnel = await report<FunnelReport>('funnel');
      expect(funnel).toEqual({
        from: iso(h.now() - 90 * 24 * HOUR),
        to: iso(h.now()),
        timezone: 'UTC',
        stages: [
          // Ada, Bob, Dee, Hal's laptop, Fay, Ivy, Kim: not the crawler, not the backend's.
          { stage: 'sessions', count: 7, rate: null },
          // Ada, Bob, Cyd, Dee, Hal (his phone's lead merged into him), Ivy, Jon, Kim.
          { stage: 'leads', count: 8, rate: 1.1429 },
          // All but Jon: Cyd went straight to customer; Bob's lost deal was an opportunity, Kim
          // was an MQL before she was lost.
          { stage: 'mql', count: 7, rate: 0.875 },
          // Not Kim either.
          { stage: 'sql', count: 6, rate: 0.8571 },
          // Ada, Bob, Cyd, Hal (his phone's opportunity), Ivy: not Dee.
          { stage: 'opportunity', count: 5, rate: 0.8333 },
          // Ada, Cyd, Ivy.
          { stage: 'customer', count: 3, rate: 0.6 },
        ],
      });
    });

    it('funnel over part of the morning, and over a day with nothing', async () => {
      const part = await report<FunnelReport>(
        'funnel?from=2026-11-23T09:30:00Z&to=2026-11-23T10:55:00%2B01:00',
      );
      expect(part.to).toBe('2026-11-23T09:55:00.000Z');
      // Fay, Ivy and Kim's sessions; Ivy (a customer since) and Kim (an MQL, lost) became leads.
      expect(part.stages.map((stage) => [stage.stage, stage.count])).toEqual([
        ['sessions', 3],
        ['leads', 2],
        ['mql', 2],
        ['sql', 1],
        ['opportunity', 1],
        ['customer', 1],
      ]);
      const empty = await report<FunnelReport>('funnel?from=2026-11-25&to=2026-11-26');
      expect(empty.from).toBe('2026-11-25T00:00:00.000Z');
      expect(empty.to).toBe('2026-11-26T23:59:59.999Z');
      expect(empty.stages.every((stage) => stage.count === 0 && stage.rate === null)).toBe(true);
    });

    it('inquiries: forms and calls by hour of week, every cell there', async () => {
      const inquiries = await report<InquiriesReport>('inquiries');
      expect(inquiries.timezone).toBe('UTC');
      expect(inquiries.cells).toHaveLength(168);
      expect(inquiries.cells.slice(0, 2)).toEqual([
        { weekday: 0, hour: 0, forms: 0, calls: 0 },
        { weekday: 0, hour: 1, forms: 0, calls: 0 },
      ]);
      // Everything happened on Monday between 09:00 and 10:00 UTC: five forms and two calls,
      // the crawler's form left out.
      const busy = inquiries.cells.filter((cell) => cell.forms + cell.calls > 0);
      expect(busy).toEqual([{ weekday: 0, hour: 9, forms: 5, calls: 2 }]);
      expect(inquiries.totals).toEqual({ forms: 5, calls: 2 });
    });

    it('locations: places by customers, then leads; revenue per currency', async () => {
      const byCountry = await report<LocationsReport>('locations');
      expect(byCountry.by).toBe('country');
      expect(byCountry.rows).toEqual([
        // Cyd and Jon never visited, Kim's network gave no place: Cyd is a customer.
        { country: null, sessions: 1, leads: 3, customers: 1, revenue: {} },
        { country: 'DE', sessions: 2, leads: 2, customers: 1, revenue: { EUR: 5000 } },
        { country: 'FR', sessions: 2, leads: 2, customers: 1, revenue: { USD: 1200.5 } },
        { country: 'GB', sessions: 1, leads: 1, customers: 0, revenue: {} },
        { country: 'US', sessions: 1, leads: 0, customers: 0, revenue: {} },
      ]);
      expect(byCountry.totals).toEqual({
        sessions: 7,
        leads: 8,
        customers: 3,
        revenue: { EUR: 5000, USD: 1200.5 },
      });
      const byCity = await report<LocationsReport>('locations?by=city');
      expect(byCity.rows.slice(1, 3)).toEqual([
        { ...MUNICH, sessions: 2, leads: 2, customers: 1, revenue: { EUR: 5000 } },
        { ...PARIS, sessions: 2, leads: 2, customers: 1, revenue: { USD: 1200.5 } },
      ]);
      const byRegion = await report<LocationsReport>('locations?by=region');
      expect(byRegion.rows.find((row) => row.country === 'GB')).toEqual({
        country: 'GB',
        region: 'England',
        sessions: 1,
        leads: 1,
        customers: 0,
        revenue: {},
      });
    });

    it('speed to lead: minutes from creation to first work, percentiles and buckets', async () => {
      const speed = await report<SpeedToLeadReport>('speed-to-lead');
      // Worked after: Ada 3 min, Hal 3 (his phone's opportunity), Kim 7, Bob 25, Cyd 45,
      // Dee 219, Ivy 1,510; Jon not yet.
      expect(speed).toEqual({
        from: iso(h.now() - 90 * 24 * HOUR),
        to: iso(h.now()),
        timezone: 'UTC',
        leads: 8,
        worked: 7,
        medianMinutes: 25,
        // Rank 6.4 of 7: 219 + 0.4 × (1510 − 219).
        p90Minutes: 735.4,
        buckets: [
          { bucket: 'under_5m', count: 2 },
          { bucket: '5m_to_30m', count: 2 },
          { bucket: '30m_to_2h', count: 1 },
          { bucket: '2h_to_24h', count: 1 },
          { bucket: 'over_24h', count: 1 },
          { bucket: 'not_yet', count: 1 },
        ],
      });
    });

    it('refuses bad parameters with 400 naming the field, and needs a secret key', async () => {
      const cases: [string, string][] = [
        ['funnel?from=yesterday', 'from'],
        ['inquiries?to=2026-13-01', 'to'],
        ['funnel?from=2026-11-24&to=2026-11-23', 'from'],
        ['speed-to-lead?from=2026-11-24T10:00:00Z&to=2026-11-24T09:00:00Z', 'from'],
        ['locations?by=planet', 'by'],
        ['speed-to-lead?to=2026-11-23T10:00:00', 'to'],
      ];
      for (const [path, field] of cases) {
        const problem = await api.problem(api.call(`/v1/reports/${path}`), 400);
        expect(
          problem.errors?.map((error) => error.path),
          path,
        ).toEqual([field]);
      }
      await api.problem(api.call('/v1/reports/funnel?model=linear'), 400);
      await api.problem(api.call('/v1/reports/funnel', {}, null), 401);
      await api.problem(api.call('/v1/reports/funnel', {}, site.writeKey), 401);
    });

    it("never shows another site's data", async () => {
      const other = await h.createSite('Other');
      await browseFrom(other, MUNICH, [
        pageview({ visitor: 'uma', at: h.now() - 2 * MINUTE }),
        form('uma@northwind.io', { visitor: 'uma', at: h.now() - MINUTE }),
      ]);
      const otherApi = h.client(other);
      const theirs = await otherApi.ok<FunnelReport>(otherApi.call('/v1/reports/funnel'));
      expect(theirs.stages.map((stage) => stage.count)).toEqual([1, 1, 1, 0, 0, 0]);
      const places = await otherApi.ok<LocationsReport>(otherApi.call('/v1/reports/locations'));
      expect(places.rows).toEqual([
        { country: 'DE', sessions: 1, leads: 1, customers: 0, revenue: {} },
      ]);
      const speed = await otherApi.ok<SpeedToLeadReport>(
        otherApi.call('/v1/reports/speed-to-lead'),
      );
      expect(speed).toMatchObject({ leads: 1, worked: 0, medianMinutes: null });
      // And this site's figures are what they were.
      const ours = await report<FunnelReport>('funnel');
      expect(ours.stages.map((stage) => stage.count)).toEqual([7, 8, 7, 6, 5, 3]);
      const inquiries = await report<InquiriesReport>('inquiries');
      expect(inquiries.totals).toEqual({ forms: 5, calls: 2 });
    });
  });

  describe(`${name}: inquiries in the site's time zone`, () => {
    let site: CreateSiteResponse;
    let api: ReturnType<typeof h.client>;

    beforeAll(async () => {
      site = await siteIn('Berlin', 'Europe/Berlin');
      api = h.client(site);
      await browseFrom(site, MUNICH, [
        // Monday 2026-11-16 23:30 UTC: Tuesday 00:30 in Berlin (CET, +01:00).
        form('ada@northwind.io', { visitor: 'ada', at: Date.parse('2026-11-16T23:30:00Z') }),
        // Saturday 2026-10-24 22:30 UTC: Sunday 00:30 in Berlin, still summer time (+02:00).
        form('bob@northwind.io', { visitor: 'bob', at: Date.parse('2026-10-24T22:30:00Z') }),
        // Sunday 2026-10-25 23:30 UTC, the clocks went back that night: Monday 00:30 (+01:00).
        call({ visitor: 'cyd', at: Date.parse('2026-10-25T23:30:00Z') }),
      ]);
    });

    it('puts each inquiry in the hour the wall clock in Berlin showed, across DST', async () => {
      const inquiries = await api.ok<InquiriesReport>(api.call('/v1/reports/inquiries'));
      expect(inquiries.timezone).toBe('Europe/Berlin');
      expect(inquiries.cells.filter((cell) => cell.forms + cell.calls > 0)).toEqual([
        { weekday: 0, hour: 0, forms: 0, calls: 1 },
        { weekday: 1, hour: 0, forms: 1, calls: 0 },
        { weekday: 6, hour: 0, forms: 1, calls: 0 },
      ]);
    });

    it('answers every cell for a range with nothing in it, or one wider than the data', async () => {
      const none = await api.ok<InquiriesReport>(
        api.call('/v1/reports/inquiries?from=2020-01-01&to=2020-12-31'),
      );
      expect(none.cells).toHaveLength(168);
      expect(none.cells.every((cell) => cell.forms === 0 && cell.calls === 0)).toBe(true);
      const all = await api.ok<InquiriesReport>(
        api.call('/v1/reports/inquiries?from=0001-01-01&to=9999-12-31'),
      );
      expect(all.totals).toEqual({ forms: 2, calls: 1 });
    });

    it('reads days in Berlin: Tuesday the 17th starts at 23:00 UTC on Monday', async () => {
      const day = await api.ok<InquiriesReport>(
        api.call('/v1/reports/inquiries?from=2026-11-17&to=2026-11-17'),
      );
      expect(day).toMatchObject({
        from: '2026-11-16T23:00:00.000Z',
        to: '2026-11-17T22:59:59.999Z',
        totals: { forms: 1, calls: 0 },
      });
      const funnel = await api.ok<FunnelReport>(
        api.call('/v1/reports/funnel?from=2026-10-25&to=2026-10-25'),
      );
      // Bob became a lead on Sunday the 25th, Berlin time (22:30 UTC on the 24th).
      expect(funnel.from).toBe('2026-10-24T22:00:00.000Z');
      expect(funnel.stages[1]).toEqual({ stage: 'leads', count: 1, rate: null });
    });
  });
}
