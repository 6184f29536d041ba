// A small closed loop, small enough to compute every figure by hand, sent through the real
// pipeline (collect → consumer → leads) and the REST API (conversions, costs):
//
//   T0 (Mon 2026-11-23 10:00 UTC)  Ada lands from Google Ads (campaign "storms")  Paid Search
//                                  Cy lands from Google Ads too, and never converts  Paid Search
//   T0 + 5 d                       Ada comes back from Facebook                       Organic Social
//   T0 + 7 d                       Bob lands from the newsletter                      Email
//   T0 + 7 d + 2 min               Bob fills the form: lead
//   T0 + 8 d                       Ada comes back directly                            Direct
//   T0 + 8 d + 1 min               Ada fills the form: lead
//   T0 + 9 d                       Ada becomes a customer: 5,000.00 USD
//   spend: google/cpc/storms 100 USD (Nov 23) + 50 USD (Nov 24); newsletter/email 10 USD (Nov 30)
//   the report is read at T0 + 10 d.

import type { CreateSiteResponse, JsonObject } from '@leadloop/schema';
import { expect } from 'vitest';
import { browser, type harness, MINUTE } from './leads-api-harness.ts';

export const DAY = 24 * 60 * MINUTE;
const ORIGIN_QUERY = {
  googleAds: '?utm_source=google&utm_medium=cpc&utm_campaign=storms&gclid=abc',
  newsletter: '?utm_source=newsletter&utm_medium=email',
};

type Harness = ReturnType<typeof harness>;
type Visit = { visitor: string; session: string; at: number };
type Source = { query: string; referrer: string | undefined };

const land = (path: string, visit: Visit, from: Source) => browser.pageview(path, visit, from);

/** Moves the clock to `at` (never back) and sends the events then. */
async function at(h: Harness, api: ReturnType<Harness['client']>, when: number, events: unknown[]) {
  h.advance(when - h.now());
  await api.browse(events);
}

export async function seedClosedLoop(h: Harness, site: CreateSiteResponse) {
  const api = h.client(site);
  const t0 = h.now();
  const visit = (visitor: string, session: string, offset: number): Visit => ({
    visitor,
    session,
    at: t0 + offset,
  });
  const ads: Source = { query: ORIGIN_QUERY.googleAds, referrer: 'https://www.google.com/' };
  const direct: Source = { query: '', referrer: undefined };

  await at(h, api, t0, [
    land('/storm-doors', visit('ada', 'ada-1', 0), ads),
    land('/storm-doors', visit('cy', 'cy-1', 0), ads),
  ]);
  await at(h, api, t0 + 5 * DAY, [
    land('/blog/storms', visit('ada', 'ada-2', 5 * DAY), {
      query: '',
      referrer: 'https://www.facebook.com/',
    }),
  ]);
  await at(h, api, t0 + 7 * DAY, [
    land('/offer', visit('bob', 'bob-1', 7 * DAY), {
      query: ORIGIN_QUERY.newsletter,
      referrer: undefined,
    }),
  ]);
  await at(h, api, t0 + 7 * DAY + 2 * MINUTE, [
    browser.form(
      { email: 'bob@northwind.io' } as JsonObject,
      visit('bob', 'bob-1', 7 * DAY + 2 * MINUTE),
    ),
  ]);
  await at(h, api, t0 + 8 * DAY, [land('/', visit('ada', 'ada-3', 8 * DAY), direct)]);
  await at(h, api, t0 + 8 * DAY + MINUTE, [
    browser.form(
      { email: 'ada@northwind.io' } as JsonObject,
      visit('ada', 'ada-3', 8 * DAY + MINUTE),
    ),
  ]);

  h.advance(t0 + 9 * DAY - h.now());
  const ada = await api.byEmail('ada@northwind.io');
  await api.ok(
    api.send('POST', '/v1/conversions', {
      leadId: ada.id,
      stage: 'customer',
      value: 5000,
      currency: 'USD',
      occurredAt: new Date(h.now()).toISOString(),
      externalId: 'deal-ada',
    }),
    201,
  );
  const spend = (
    date: string,
    source: string,
    medium: string,
    amount: number,
    campaign?: string,
  ) => ({
    date,
    source,
    medium,
    ...(campaign ? { campaign } : {}),
    amount,
    currency: 'USD',
  });
  await api.ok(
    api.send('POST', '/v1/costs', {
      costs: [
        spend('2026-11-23', 'google', 'cpc', 100, 'storms'),
        spend('2026-11-24', 'google', 'cpc', 50, 'storms'),
        spend('2026-11-30', 'newsletter', 'email', 10),
      ],
    }),
  );
  h.advance(t0 + 10 * DAY - h.now());
  const leads = await api.list();
  expect(leads.data.map((lead) => lead.email).sort()).toEqual([
    'ada@northwind.io',
    'bob@northwind.io',
  ]);
  return { api, ada };
}

/** A small deterministic PRNG (mulberry32): the same traffic on every database. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SOURCES: Source[] = [
  {
    query: '?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=g1',
    referrer: 'https://www.google.com/',
  },
  {
    query: '?utm_source=google&utm_medium=cpc&utm_campaign=storms&utm_term=storm+doors',
    referrer: undefined,
  },
  { query: '', referrer: 'https://www.google.com/' },
  { query: '', referrer: 'https://www.bing.com/' },
  { query: '?fbclid=f1', referrer: 'https://m.facebook.com/' },
  { query: '?utm_source=newsletter&utm_medium=email&utm_campaign=december', referrer: undefined },
  { query: '?utm_source=linkedin&utm_medium=paid_social&utm_content=video', referrer: undefined },
  { query: '', referrer: 'https://news.ycombinator.com/' },
  { query: '', referrer: undefined },
];
const PAGES = ['/', '/pricing', '/storm-doors?ref=nav', '/blog/storms#top', '/offer'];

/**
 * Random but reproducible traffic after the closed loop: `visitors` browsers visiting one to four
 * times from mixed sources, some filling the form, some of those leads reaching opportunity and
 * customer with values in two currencies.
 */
export async function seedRandomTraffic(
  h: Harness,
  site: CreateSiteResponse,
  visitors: number,
  seed: number,
) {
  const api = h.client(site);
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  type Planned = { at: number; events: unknown[]; email?: string };
  const planned: Planned[] = [];
  const start = h.now();
  for (let v = 0; v < visitors; v++) {
    const visitor = `r${seed}-${v}`;
    let at = start + Math.floor(next() * 5 * DAY);
    const visits = 1 + Math.floor(next() * 4);
    for (let s = 0; s < visits; s++) {
      const session = `${visitor}-s${s}`;
      const events: unknown[] = [land(pick(PAGES), { visitor, session, at }, pick(SOURCES))];
      planned.push({ at, events });
      if (s === visits - 1 && next() < 0.5) {
        const email = `${visitor}@northwind.io`;
        const formAt = at + 3 * MINUTE;
        planned.push({
          at: formAt,
          events: [browser.form({ email } as JsonObject, { visitor, session, at: formAt })],
          email,
        });
      }
      at += Math.floor(next() * 3 * DAY) + HOUR_MS;
    }
  }
  planned.sort((a, b) => a.at - b.at);
  const emails: string[] = [];
  for (const { at: when, events, email } of planned) {
    h.advance(Math.max(0, when - h.now()));
    await api.browse(events);
    if (email) emails.push(email);
  }
  h.advance(DAY);
  for (const email of emails) {
    const roll = next();
    if (roll > 0.6) continue;
    const lead = await api.byEmail(email);
    const stages = roll < 0.3 ? ['opportunity', 'customer'] : ['opportunity'];
    for (const stage of stages) {
      h.advance(HOUR_MS);
      await api.ok(
        api.send('POST', '/v1/conversions', {
          leadId: lead.id,
          stage,
          value: Math.round(next() * 100_000) / 100,
          currency: next() < 0.8 ? 'USD' : 'EUR',
          occurredAt: new Date(h.now()).toISOString(),
          externalId: `${email}-${stage}`,
        }),
        201,
      );
    }
  }
  h.advance(DAY);
}

const HOUR_MS = 60 * MINUTE;
