// Fuzzing every query string: leads, conversions, costs, attribution (JSON, CSV, NDJSON), the
// reports, the offline-conversion export, webhooks and a lead's timeline. Besides what `probe`
// checks for any input (streamed bodies are read to the end): a read never stores anything.

import {
  ATTRIBUTION_CONVERSIONS,
  ATTRIBUTION_FORMATS,
  ATTRIBUTION_GROUPS,
  ATTRIBUTION_MODELS,
  CHANNELS,
  type CreateSiteResponse,
  conversionStages,
  leadStatuses,
  locationLevels,
  offlineConversionStages,
  webhookDeliveryStatuses,
} from '@leadloop/schema';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  BROWSER,
  createFuzzSite,
  fuzzParams,
  probe,
  rowCounts,
  summary,
} from './fuzz-harness.ts';
import { email, hostileQuery, isoDay, phone, recentIso, shortText } from './fuzz-inputs.ts';

const TIMEOUT = 180_000;

let site: CreateSiteResponse;
let knownLeadId: string;
let webhookId: string;

const api = (path: string, body?: unknown) =>
  probe({
    route: 'seed',
    method: body === undefined ? 'GET' : 'POST',
    path,
    headers: { authorization: `Bearer ${site.secretKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  site = await createFuzzSite();
  // Something to read: a visit from a campaign, its lead, a sale, a day's spend and a webhook.
  const at = new Date(Date.now() - 3_600_000).toISOString();
  const landing = 'https://www.fuzz.test/?utm_source=google&utm_medium=cpc&gclid=abc';
  const visit = await probe({
    route: 'seed',
    method: 'POST',
    path: '/v1/collect',
    headers: { 'content-type': 'text/plain', 'user-agent': BROWSER },
    body: JSON.stringify({
      writeKey: site.writeKey,
      sentAt: new Date().toISOString(),
      events: ['pageview', 'identify'].map((type) => ({
        id: crypto.randomUUID(),
        type,
        timestamp: at,
        anonymousId: 'anon-1',
        sessionId: 'session-1',
        page: { url: landing, path: '/' },
        attribution: { last: { landingPage: landing, timestamp: at } },
        ...(type === 'identify' ? { traits: { email: 'known@acme-fuzz.com' } } : {}),
      })),
    }),
  });
  expect(visit.status, visit.text).toBe(202);
  knownLeadId = ((await api('/v1/leads')).json as { data: { id: string }[] }).data[0]!.id;
  const sale = await api('/v1/conversions', {
    leadId: knownLeadId,
    stage: 'customer',
    value: 5000,
    currency: 'EUR',
  });
  expect(sale.status, sale.text).toBe(201);
  const day = new Date().toISOString().slice(0, 10);
  const spend = await api('/v1/costs', {
    costs: [{ date: day, source: 'google', medium: 'cpc', amount: 100, currency: 'EUR' }],
  });
  expect(spend.status, spend.text).toBe(200);
  const webhook = await api('/v1/webhooks', {
    url: 'https://hooks.acme-fuzz.com/in',
    eventTypes: ['*'],
  });
  expect(webhook.status, webhook.text).toBe(201);
  webhookId = (webhook.json as { id: string }).id;
});

afterAll(() => {
  console.log(summary('REST queries'));
});

type QueryFuzz = {
  route: string;
  path: () => string;
  /** Valid values of the schema's fields (any subset is sent). */
  fields: Record<string, fc.Arbitrary<string>>;
  runs: number;
  /** The credentials sent: the site's secret key unless given. */
  authorization?: () => string;
};

const optionalRecord = (fields: Record<string, fc.Arbitrary<string>>) =>
  fc.record(fields, { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>;

async function fuzzQuery({ route, path, fields, runs, authorization }: QueryFuzz): Promise<void> {
  await fc.assert(
    fc.asyncProperty(hostileQuery(optionalRecord(fields)), async ({ search, query }) => {
      const before = await rowCounts();
      const answer = await probe(
        {
          route,
          method: 'GET',
          path: `${path()}${search ? `?${search}` : ''}`,
          headers: { authorization: authorization?.() ?? `Bearer ${site.secretKey}` },
        },
        { fields: Object.keys(fields), query },
      );
      expect(
        await rowCounts(),
        `a read stored something: ${answer.status} ${answer.text.slice(0, 200)}`,
      ).toEqual(before);
    }),
    fuzzParams(runs),
  );
}

const comma = <T extends string>(values: readonly T[]) =>
  fc.subarray([...values], { minLength: 1, maxLength: 3 }).map((picked) => picked.join(','));
const int = (min: number, max: number) => fc.integer({ min, max }).map(String);
const bound = fc.oneof(
  isoDay(200),
  recentIso(200),
  fc.constantFrom('2026-02-29', '2024-02-29', '1970-01-01', '2026-11-23T10:00:00+14:00'),
);
const range = { from: bound, to: bound };

describe('every query string', () => {
  it(
    'GET /v1/leads',
    () =>
      fuzzQuery({
        route: 'GET /v1/leads',
        path: () => '/v1/leads',
        fields: {
          email: fc.oneof(fc.constant('known@acme-fuzz.com'), email),
          phone,
          status: comma(leadStatuses),
          minScore: fc.oneof(int(-10, 500), fc.constantFrom('0.5', '1e3', '-0')),
          channel: comma(CHANNELS),
          updatedSince: recentIso(30),
          limit: int(1, 100),
        },
        runs: 50,
      }),
    TIMEOUT,
  );

  it(
    'GET /v1/leads/{id}/timeline',
    () =>
      fuzzQuery({
        route: 'GET /v1/leads/{id}/timeline',
        path: () => `/v1/leads/${knownLeadId}/timeline`,
        fields: { limit: int(1, 500) },
        runs: 25,
      }),
    TIMEOUT,
  );

  it(
    'GET /v1/conversions',
    () =>
      fuzzQuery({
        route: 'GET /v1/conversions',
        path: () => '/v1/conversions',
        fields: {
          leadId: fc.oneof(
            fc.constant(0).map(() => knownLeadId),
            shortText,
          ),
          stage: fc.constantFrom(...conversionStages),
          from: recentIso(60),
          to: recentIso(60),
          limit: int(1, 100),
        },
        runs: 40,
      }),
    TIMEOUT,
  );

  it(
    'GET /v1/costs',
    () =>
      fuzzQuery({
        route: 'GET /v1/costs',
        path: () => '/v1/costs',
        fields: {
          from: isoDay(60),
          to: isoDay(60),
          source: shortText,
          medium: shortText,
          campaign: shortText,
          limit: int(1, 100),
        },
        runs: 40,
      }),
    TIMEOUT,
  );

  it(
    'GET /v1/attribution (json, csv, ndjson)',
    () =>
      fuzzQuery({
        route: 'GET /v1/attribution',
        path: () => '/v1/attribution',
        fields: {
          model: fc.constantFrom(...ATTRIBUTION_MODELS),
          groupBy: fc.constantFrom(...ATTRIBUTION_GROUPS),
          conversion: fc.constantFrom(...ATTRIBUTION_CONVERSIONS),
          ...range,
          lookbackDays: int(1, 365),
          currency: fc.constantFrom('EUR', 'usd', 'JPY'),
          format: fc.constantFrom(...ATTRIBUTION_FORMATS),
        },
        runs: 50,
      }),
    TIMEOUT,
  );

  it(
    'GET /v1/reports/*',
    async () => {
      for (const report of ['funnel', 'inquiries', 'speed-to-lead'])
        await fuzzQuery({
          route: `GET /v1/reports/${report}`,
          path: () => `/v1/reports/${report}`,
          fields: range,
          runs: 20,
        });
      await fuzzQuery({
        route: 'GET /v1/reports/locations',
        path: () => '/v1/reports/locations',
        fields: { ...range, by: fc.constantFrom(...locationLevels) },
        runs: 20,
      });
    },
    TIMEOUT,
  );

  it(
    'GET /v1/exports/offline-conversions',
    () =>
      fuzzQuery({
        route: 'GET /v1/exports/offline-conversions',
        path: () => '/v1/exports/offline-conversions',
        fields: {
          platform: fc.constant('google_ads'),
          stage: fc.constantFrom(...offlineConversionStages),
          ...range,
          conversionName: fc.oneof(shortText, fc.constantFrom('=SUM(A1)', 'Purchase, "big"')),
        },
        runs: 40,
      }),
    TIMEOUT,
  );

  it(
    "GET /v1/admin/sites and a site's keys",
    async () => {
      const admin = () => `Bearer ${ADMIN_TOKEN}`;
      await fuzzQuery({
        route: 'GET /v1/admin/sites',
        path: () => '/v1/admin/sites',
        fields: { limit: int(1, 100) },
        runs: 20,
        authorization: admin,
      });
      await fuzzQuery({
        route: 'GET /v1/admin/sites/{id}/keys',
        path: () => `/v1/admin/sites/${site.site.id}/keys`,
        fields: {},
        runs: 10,
        authorization: admin,
      });
    },
    TIMEOUT,
  );

  it(
    'GET /v1/webhooks and its deliveries',
    async () => {
      await fuzzQuery({
        route: 'GET /v1/webhooks',
        path: () => '/v1/webhooks',
        fields: { limit: int(1, 100) },
        runs: 20,
      });
      await fuzzQuery({
        route: 'GET /v1/webhooks/{id}/deliveries',
        path: () => `/v1/webhooks/${webhookId}/deliveries`,
        fields: { status: fc.constantFrom(...webhookDeliveryStatuses), limit: int(1, 100) },
        runs: 20,
      });
    },
    TIMEOUT,
  );
});
