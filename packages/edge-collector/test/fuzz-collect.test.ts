// Fuzzing what events come in through: `POST /v1/collect` (JSON and text/plain beacons) and the
// server side's `POST /v1/identify` and `POST /v1/events`. Besides what `probe` checks for any
// input: every event accepted is stored by the consumer, every one refused is quarantined, and a
// refused request stores nothing at all.

import type { CreateSiteResponse } from '@leadloop/schema';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BROWSER,
  createFuzzSite,
  fuzzParams,
  probe,
  rowCounts,
  storedEventIds,
  summary,
} from './fuzz-harness.ts';
import {
  contentType,
  email,
  hostileBody,
  jsonObject,
  phone,
  recentIso,
  shortText,
  typed,
} from './fuzz-inputs.ts';

const ORIGIN = 'https://www.fuzz.test';
const TIMEOUT = 180_000;

let site: CreateSiteResponse;
let knownLeadId: string;

beforeAll(async () => {
  site = await createFuzzSite();
  const identified = await probe({
    route: 'seed',
    method: 'POST',
    path: '/v1/identify',
    headers: { authorization: `Bearer ${site.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'known@acme-fuzz.com', traits: { name: 'Known' } }),
  });
  expect(identified.status, identified.text).toBe(202);
  const leads = await probe({
    route: 'seed',
    method: 'GET',
    path: '/v1/leads?email=known@acme-fuzz.com',
    headers: { authorization: `Bearer ${site.secretKey}` },
  });
  knownLeadId = (leads.json as { data: { id: string }[] }).data[0]!.id;
});

afterAll(() => {
  console.log(summary('collect and server events'));
});

/** The body as the app reads it, when it is a JSON object. */
function sentObject(body: string | Uint8Array): Record<string, unknown> | null {
  const text = new TextDecoder().decode(
    typeof body === 'string' ? new TextEncoder().encode(body) : body,
  );
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

async function unchanged(before: Record<string, number>, context: string): Promise<void> {
  expect(await rowCounts(), `a refused request stored something: ${context}`).toEqual(before);
}

// ---------------------------------------------------------------------------------------------
// Browser events, shaped as the SDK sends them

const url = fc.oneof(
  fc.constantFrom(
    `${ORIGIN}/`,
    `${ORIGIN}/pricing?utm_source=google&utm_medium=cpc&gclid=abc`,
    `${ORIGIN}/contact?fbclid=IwAR0&token=secret`,
    `${ORIGIN}/a/b?utm_campaign=%E2%82%AC`,
  ),
  fc.webUrl({ validSchemes: ['https', 'http'], withQueryParameters: true, withFragments: true }),
);
const touch = fc.record(
  {
    source: shortText,
    medium: fc.constantFrom('cpc', 'email', 'social', 'referral', 'display'),
    campaign: shortText,
    clickIds: fc.record(
      { gclid: shortText, fbclid: shortText, msclkid: shortText },
      { requiredKeys: [] },
    ),
    referrer: fc.constantFrom('https://www.google.com/', 'https://t.co/x', ''),
    landingPage: url,
    timestamp: recentIso(30),
  },
  { requiredKeys: [] },
);
const base = {
  id: fc.uuid({ version: 4 }),
  timestamp: recentIso(2),
  anonymousId: fc.oneof(fc.constantFrom('anon-1', 'anon-2', 'anon-3'), shortText),
  sessionId: fc.oneof(fc.constantFrom('session-1', 'session-2'), shortText),
  page: fc.record(
    {
      url,
      path: fc.constantFrom('/', '/pricing', '/contact', '/blog/x'),
      title: shortText,
      referrer: fc.constantFrom('https://www.google.com/', 'https://www.fuzz.test/', ''),
    },
    { requiredKeys: ['url', 'path'] },
  ),
  attribution: fc.record(
    { first: touch, last: touch, adIds: fc.record({ fbc: shortText }) },
    { requiredKeys: [] },
  ),
  properties: jsonObject,
};
/** A browser event of `type`: the base fields (attribution and properties optional) and its own, all required. */
function eventOf(type: string, own: Record<string, fc.Arbitrary<unknown>> = {}) {
  const model = { ...base, type: fc.constant(type), ...own };
  const requiredKeys = [
    'id',
    'timestamp',
    'anonymousId',
    'sessionId',
    'page',
    'type',
    ...Object.keys(own),
  ];
  return fc.record(model, { requiredKeys: requiredKeys as (keyof typeof model)[] });
}
const browserEvent = fc.oneof(
  eventOf('pageview'),
  eventOf('form_submit', {
    form: fc.record(
      {
        id: shortText,
        name: shortText,
        fields: fc.record(
          { email, phone, message: fc.string({ maxLength: 80 }) },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['fields'] },
    ),
  }),
  eventOf('call_click', {
    call: fc.record(
      {
        number: phone,
        kind: fc.constantFrom('tel', 'sms', 'whatsapp'),
        digits: phone,
        text: shortText,
      },
      { requiredKeys: ['number'] },
    ),
  }),
  eventOf('identify', {
    traits: fc.record({ email, phone, name: shortText, company: shortText }, { requiredKeys: [] }),
  }),
  eventOf('track', { name: shortText }),
);

const batch = fc.record(
  {
    writeKey: fc.constant('pk_replaced_by_the_site_key'),
    sentAt: recentIso(0),
    context: fc.record(
      {
        library: fc.record({ name: fc.constant('leadloop'), version: fc.constant('1.0.0') }),
        locale: fc.constantFrom('de-DE', 'en'),
        screen: fc.record({ width: fc.nat(5000), height: fc.nat(5000) }),
        cookieDomain: fc.constantFrom('fuzz.test', '.fuzz.test', 'evil.test'),
      },
      { requiredKeys: [] },
    ),
    events: fc.array(browserEvent, { minLength: 1, maxLength: 6 }),
  },
  { requiredKeys: ['writeKey', 'sentAt', 'events'] },
);

const userAgent = fc.oneof(
  { weight: 8, arbitrary: fc.constant(BROWSER) },
  fc.constantFrom(
    '',
    'Googlebot/2.1 (+http://www.google.com/bot.html)',
    'x'.repeat(8000),
    'Mozilla/5.0 (compatible; MSIE 6.0; () { :; }; echo)',
  ),
);

const origin = fc.oneof(
  { weight: 6, arbitrary: fc.constant(ORIGIN) },
  fc.constantFrom('', 'https://evil.test', 'null', 'https://www.fuzz.test.evil.test'),
);

describe('POST /v1/collect, for any body', () => {
  it(
    'answers 202 with every event stored or quarantined, or a problem that stores nothing',
    async () => {
      const input = fc.tuple(
        hostileBody(batch.map((value) => ({ ...value, writeKey: site.writeKey }))),
        contentType,
        origin,
        userAgent,
      );
      await fc.assert(
        fc.asyncProperty(input, async ([{ body }, type, from, agent]) => {
          const before = await rowCounts();
          const answer = await probe(
            {
              route: 'POST /v1/collect',
              method: 'POST',
              path: '/v1/collect',
              headers: {
                ...typed(type),
                ...(from ? { origin: from } : {}),
                ...(agent ? { 'user-agent': agent } : {}),
              },
              body,
            },
            { fields: ['writeKey', 'sentAt', 'events', 'context'] },
          );
          const context = `${answer.status} ${answer.text.slice(0, 300)}`;
          if (answer.status !== 202) {
            await unchanged(before, context);
            return;
          }

          const sent = sentObject(body)!;
          const events = sent.events as { id?: unknown }[];
          const { accepted, rejected } = answer.json as {
            accepted: number;
            rejected: { index: number; errors: unknown[] }[];
          };
          expect(accepted + rejected.length, context).toBe(events.length);
          const refused = new Set(rejected.map((item) => item.index));
          expect(refused.size, context).toBe(rejected.length);
          const ids = events
            .filter((_, index) => !refused.has(index))
            .map((event) => event.id as string);
          const stored = await storedEventIds(site.site.id, ids);
          expect(
            ids.filter((id) => !stored.has(id)),
            `accepted but not stored: ${context}`,
          ).toEqual([]);
          const after = await rowCounts();
          expect(
            after.quarantine! - before.quarantine!,
            `refused events quarantined: ${context}`,
          ).toBe(rejected.length);
        }),
        fuzzParams(110),
      );
    },
    TIMEOUT,
  );
});

// ---------------------------------------------------------------------------------------------
// Server-side events

const visibleId = fc.stringMatching(/^[\x21-\x7e]{1,40}$/);
const who = {
  anonymousId: fc.constantFrom('anon-1', 'anon-2', 'server-anon'),
  email,
  phone,
  externalId: shortText,
  leadId: fc.constantFrom('lead_unknown', 'lead_replaced_by_known', 'lead_replaced_by_known'),
};
const identifyFields = {
  id: visibleId,
  timestamp: recentIso(10),
  ...who,
  traits: fc.record(
    { name: shortText, company: shortText, plan: fc.constantFrom('pro', 'free') },
    { requiredKeys: [] },
  ),
};
const withSomeone = <T extends Record<string, unknown>>(value: T): T =>
  ['anonymousId', 'email', 'phone', 'leadId'].some((key) => value[key] !== undefined)
    ? value
    : { ...value, email: 'someone@acme-fuzz.com' };
const withKnownLead = <T extends Record<string, unknown>>(value: T): T =>
  value.leadId === 'lead_replaced_by_known' ? { ...value, leadId: knownLeadId } : value;

const identify = fc.record(identifyFields, { requiredKeys: [] }).map(withSomeone);
const serverEvent = fc.oneof(
  fc
    .record(
      {
        ...identifyFields,
        type: fc.constant('track'),
        name: fc.constantFrom('call_completed', 'email_click'),
        properties: jsonObject,
      },
      { requiredKeys: ['type', 'name'] },
    )
    .map(withSomeone),
  fc
    .record({ ...identifyFields, type: fc.constant('identify') }, { requiredKeys: ['type'] })
    .map(withSomeone),
);

const secretHeaders = (type: string) => ({
  authorization: `Bearer ${site.secretKey}`,
  ...typed(type),
});

describe('POST /v1/identify and POST /v1/events, for any body', () => {
  it(
    'identify: 202 with the event stored, or a problem that stores nothing',
    async () => {
      const input = fc.tuple(hostileBody(identify.map(withKnownLead)), contentType);
      await fc.assert(
        fc.asyncProperty(input, async ([{ body }, type]) => {
          const before = await rowCounts();
          const answer = await probe(
            {
              route: 'POST /v1/identify',
              method: 'POST',
              path: '/v1/identify',
              headers: secretHeaders(type),
              body,
            },
            { fields: Object.keys(identifyFields) },
          );
          const context = `${answer.status} ${answer.text.slice(0, 300)}`;
          if (answer.status !== 202) {
            await unchanged(before, context);
            return;
          }
          const { ids } = answer.json as { ids: string[] };
          expect(ids, context).toHaveLength(1);
          expect([...(await storedEventIds(site.site.id, ids))], context).toEqual(ids);
        }),
        fuzzParams(50),
      );
    },
    TIMEOUT,
  );

  it(
    'events: 202 with each event stored or quarantined, or a problem that stores nothing',
    async () => {
      const body = fc
        .array(serverEvent.map(withKnownLead), { minLength: 1, maxLength: 5 })
        .map((events) => ({ events }));
      await fc.assert(
        fc.asyncProperty(fc.tuple(hostileBody(body), contentType), async ([{ body }, type]) => {
          const before = await rowCounts();
          const answer = await probe(
            {
              route: 'POST /v1/events',
              method: 'POST',
              path: '/v1/events',
              headers: secretHeaders(type),
              body,
            },
            { fields: ['events'] },
          );
          const context = `${answer.status} ${answer.text.slice(0, 300)}`;
          if (answer.status !== 202) {
            await unchanged(before, context);
            return;
          }
          const sent = sentObject(body)!.events as unknown[];
          const { accepted, ids, rejected } = answer.json as {
            accepted: number;
            ids: string[];
            rejected: unknown[];
          };
          expect(accepted, context).toBe(ids.length);
          expect(accepted + rejected.length, context).toBe(sent.length);
          const stored = await storedEventIds(site.site.id, ids);
          expect(
            ids.filter((id) => !stored.has(id)),
            `accepted but not stored: ${context}`,
          ).toEqual([]);
          const after = await rowCounts();
          expect(after.quarantine! - before.quarantine!, context).toBe(rejected.length);
        }),
        fuzzParams(60),
      );
    },
    TIMEOUT,
  );
});

describe('an event nested thousands of levels deep', () => {
  // Index keys take JSON.stringify's recursive path: measuring such an event once overflowed the
  // stack and answered 500 for the whole batch.
  const deep = (levels: number) => `${'{"0":'.repeat(levels)}1${'}'.repeat(levels)}`;

  it('is refused on its own by collect and by server events, never a 500', async () => {
    const event = (properties: string) =>
      `{"id":"${crypto.randomUUID()}","type":"pageview","timestamp":"${new Date().toISOString()}","anonymousId":"a","sessionId":"s","page":{"url":"${ORIGIN}/","path":"/"},"properties":${properties}}`;
    for (const levels of [5_000, 20_000, 80_000]) {
      const collected = await probe({
        route: 'POST /v1/collect',
        method: 'POST',
        path: '/v1/collect',
        headers: { 'content-type': 'text/plain', 'user-agent': BROWSER },
        body: `{"writeKey":"${site.writeKey}","sentAt":"${new Date().toISOString()}","events":[${event(deep(levels))},${event('{}')}]}`,
      });
      expect(collected.status, collected.text).toBe(202);
      expect(collected.json).toMatchObject({ accepted: 1, rejected: [{ index: 0 }] });
      const server = await probe({
        route: 'POST /v1/events',
        method: 'POST',
        path: '/v1/events',
        headers: secretHeaders('application/json'),
        body: `{"events":[{"type":"track","name":"x","email":"a@acme-fuzz.com","properties":${deep(levels)}}]}`,
      });
      expect(server.status, server.text).toBe(202);
      expect(server.json).toMatchObject({ accepted: 0, rejected: [{ index: 0 }] });
    }
  });
});
