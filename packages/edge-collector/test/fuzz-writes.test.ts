// Fuzzing every REST body that writes: conversions, costs, a lead's PATCH, webhook subscriptions,
// scoring rules, and the operator's sites and keys. Besides what `probe` checks for any input: a
// refused body leaves every table as it was (and the resource it aimed at as it read), and an
// accepted one wrote what its answer says.

import {
  CHANNELS,
  type CreateSiteResponse,
  conversionStages,
  domainChangeTypes,
  engagementEvents,
  leadStatuses,
} from '@leadloop/schema';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type Answer,
  app,
  createFuzzSite,
  fuzzParams,
  probe,
  rowCounts,
  summary,
} from './fuzz-harness.ts';
import {
  contentType,
  email,
  hostileBody,
  hostileString,
  isoDay,
  jsonObject,
  phone,
  recentIso,
  shortText,
  typed,
  wellFormed,
} from './fuzz-inputs.ts';

const TIMEOUT = 180_000;

let site: CreateSiteResponse;
let knownLeadId: string;
let webhookId: string;

const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
  probe({
    route: 'seed',
    method: init.method ?? 'GET',
    path,
    headers: { authorization: `Bearer ${site.secretKey}`, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });

beforeAll(async () => {
  site = await createFuzzSite();
  expect(
    (await api('/v1/identify', { method: 'POST', body: { email: 'known@acme-fuzz.com' } })).status,
  ).toBe(202);
  knownLeadId = ((await api('/v1/leads')).json as { data: { id: string }[] }).data[0]!.id;
  const webhook = await api('/v1/webhooks', {
    method: 'POST',
    body: { url: 'https://hooks.acme-fuzz.com/in', eventTypes: ['lead.created'] },
  });
  expect(webhook.status, webhook.text).toBe(201);
  webhookId = (webhook.json as { id: string }).id;
});

afterAll(() => {
  console.log(summary('REST writes'));
});

type BodyFuzz<T> = {
  route: string;
  method: string;
  /** The path, or paths to pick from (a path segment can be hostile too). */
  path: fc.Arbitrary<string>;
  valid: fc.Arbitrary<T>;
  /** The schema's top-level fields, which an error may name though the body lacks them. */
  fields: readonly string[];
  runs: number;
  headers?: () => Record<string, string>;
  /** What a refused request must not change besides the row counts (a GET of the resource). */
  resource?: () => Promise<string>;
  /** Checks for a 2xx, given the row counts before and after. */
  accepted?: (
    answer: Answer,
    before: Record<string, number>,
    after: Record<string, number>,
  ) => void;
};

const secretKey = () => ({ authorization: `Bearer ${site.secretKey}` });

async function fuzzBody<T>(fuzz: BodyFuzz<T>): Promise<void> {
  const input = fc.tuple(fuzz.path, hostileBody(fuzz.valid), contentType);
  await fc.assert(
    fc.asyncProperty(input, async ([path, { body }, type]) => {
      const resourceBefore = await fuzz.resource?.();
      const before = await rowCounts();
      const answer = await probe(
        {
          route: fuzz.route,
          method: fuzz.method,
          path,
          headers: { ...(fuzz.headers ?? secretKey)(), ...typed(type) },
          body,
        },
        { fields: fuzz.fields },
      );
      const after = await rowCounts();
      const context = `${answer.status} ${answer.text.slice(0, 300)}`;
      if (answer.status >= 300) {
        expect(after, `a refused request stored something: ${context}`).toEqual(before);
        if (fuzz.resource)
          expect(await fuzz.resource(), `a refused request changed it: ${context}`).toBe(
            resourceBefore,
          );
      } else fuzz.accepted?.(answer, before, after);
    }),
    fuzzParams(fuzz.runs),
  );
}

/** Mostly a path that exists, sometimes one with a hostile segment. */
const pathWith = (prefix: string, id: () => string, suffix = '') =>
  fc
    .oneof(
      { weight: 5, arbitrary: fc.constant(null) },
      hostileString.map((segment) => encodeURIComponent(wellFormed(segment)).slice(0, 2000)),
      fc.constantFrom('%', '%zz', '%00', '%ED%A0%80', '..', '.', '%2F'),
    )
    .map((segment) => `${prefix}/${segment ?? id()}${suffix}`);

const knownLeadRead = async () => (await api(`/v1/leads/${knownLeadId}`)).text;

// ---------------------------------------------------------------------------------------------

describe('POST /v1/conversions, for any body', () => {
  const reference = fc.oneof(
    fc.record({ leadId: fc.oneof(fc.constant('@known'), fc.constant('lead_unknown')) }),
    fc.record({ email: fc.oneof(fc.constant('known@acme-fuzz.com'), email) }),
    fc.record({ phone }),
  );
  const conversion = fc
    .tuple(
      reference,
      fc.record(
        {
          stage: fc.constantFrom(...conversionStages),
          value: fc.oneof(
            fc.integer({ min: 0, max: 1_000_000 }),
            fc.integer({ min: 0, max: 99_999 }).map((n) => n / 100),
          ),
          currency: fc.constantFrom('EUR', 'usd', 'JPY', 'BHD', 'XXX', 'ABC'),
          occurredAt: recentIso(30),
          externalId: shortText,
          properties: jsonObject,
        },
        { requiredKeys: ['stage'] },
      ),
    )
    .map(([who, rest]) => {
      const body = { ...who, ...rest } as Record<string, unknown>;
      if (body.leadId === '@known') body.leadId = knownLeadId;
      if (body.value !== undefined && body.currency === undefined) body.currency = 'EUR';
      return body;
    });

  it(
    'records one conversion (201), replays one (200), or refuses storing nothing',
    () =>
      fuzzBody({
        route: 'POST /v1/conversions',
        method: 'POST',
        path: fc.constant('/v1/conversions'),
        valid: conversion,
        fields: [
          'leadId',
          'email',
          'phone',
          'stage',
          'value',
          'currency',
          'occurredAt',
          'externalId',
          'properties',
        ],
        runs: 55,
        accepted: (answer, before, after) => {
          const added = answer.status === 201 ? 1 : 0;
          expect([200, 201]).toContain(answer.status);
          expect(after.conversions, answer.text).toBe(before.conversions! + added);
        },
      }),
    TIMEOUT,
  );
});

describe('POST /v1/costs, for any body', () => {
  const cost = fc.record(
    {
      date: isoDay(400),
      source: fc.constantFrom('google', 'facebook', ' bing '),
      medium: fc.constantFrom('cpc', '', 'paid_social'),
      campaign: shortText,
      amount: fc.oneof(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 99_999 }).map((n) => n / 100),
      ),
      currency: fc.constantFrom('EUR', 'eur', 'JPY', 'KWD'),
    },
    { requiredKeys: ['date', 'source', 'amount', 'currency'] },
  );
  it(
    'upserts what it says (200), or refuses storing nothing',
    () =>
      fuzzBody({
        route: 'POST /v1/costs',
        method: 'POST',
        path: fc.constant('/v1/costs'),
        valid: fc.array(cost, { minLength: 1, maxLength: 5 }).map((costs) => ({ costs })),
        fields: ['costs'],
        runs: 55,
        accepted: (answer, before, after) => {
          expect(answer.status).toBe(200);
          const { upserted } = answer.json as { upserted: number };
          const added = after.costs! - before.costs!;
          expect(added >= 0 && added <= upserted, answer.text).toBe(true);
        },
      }),
    TIMEOUT,
  );
});

describe('PATCH /v1/leads/{id}, for any body and id', () => {
  const patch = fc
    .record(
      {
        traits: jsonObject,
        status: fc.constantFrom(...leadStatuses),
        owner: fc.oneof(fc.constant(null), email, shortText),
      },
      { requiredKeys: [] },
    )
    .map((body) => (Object.keys(body).length > 0 ? body : { owner: 'rep@acme-fuzz.com' }));
  it(
    'changes the lead (200), or refuses leaving it and every table as they were',
    () =>
      fuzzBody({
        route: 'PATCH /v1/leads/{id}',
        method: 'PATCH',
        path: pathWith('/v1/leads', () => knownLeadId),
        valid: patch,
        fields: ['traits', 'status', 'owner'],
        runs: 45,
        resource: knownLeadRead,
        accepted: (answer) => expect((answer.json as { id: string }).id).toBe(knownLeadId),
      }),
    TIMEOUT,
  );
});

describe('/v1/webhooks create and update, for any body', () => {
  const url = fc.oneof(
    { weight: 4, arbitrary: fc.constant('https://hooks.acme-fuzz.com/in') },
    fc.constantFrom(
      'https://hooks.acme-fuzz.com/in?token=x#y',
      'http://127.0.0.1/hook',
      'http://localhost:8787/',
      'https://[::1]/',
      'http://0x7f.1/',
      'http://2130706433/',
      'https://169.254.169.254/latest/meta-data/',
      'http://[::ffff:10.0.0.1]/',
      'https://metadata.google.internal/',
      'ftp://hooks.acme-fuzz.com/',
      'https://user:pass@hooks.acme-fuzz.com/',
    ),
  );
  const eventTypes = fc.subarray([...domainChangeTypes, '*'], { minLength: 1 });
  const filters = fc.record(
    {
      minScore: fc.integer({ min: 0, max: 1000 }),
      statuses: fc.subarray([...leadStatuses], { minLength: 1 }),
      channels: fc.subarray([...CHANNELS], { minLength: 1 }),
    },
    { requiredKeys: [] },
  );
  const description = fc.string({ maxLength: 60 });
  const webhookRead = async () => {
    const { json } = await api(`/v1/webhooks/${webhookId}`);
    const { updatedAt: _, ...rest } = json as Record<string, unknown>;
    return JSON.stringify(rest);
  };

  it(
    'creates one subscription (201), or refuses storing nothing',
    () =>
      fuzzBody({
        route: 'POST /v1/webhooks',
        method: 'POST',
        path: fc.constant('/v1/webhooks'),
        valid: fc.record(
          { url, eventTypes, filters, description },
          { requiredKeys: ['url', 'eventTypes'] },
        ),
        fields: ['url', 'eventTypes', 'filters', 'description'],
        runs: 45,
        accepted: (answer, before, after) => {
          expect(answer.status).toBe(201);
          expect((answer.json as { secret: string }).secret).toMatch(/^whsec_/);
          expect(after.webhooks).toBe(before.webhooks! + 1);
        },
      }),
    TIMEOUT,
  );

  it(
    'updates the subscription (200), or refuses leaving it as it was',
    () =>
      fuzzBody({
        route: 'PATCH /v1/webhooks/{id}',
        method: 'PATCH',
        path: pathWith('/v1/webhooks', () => webhookId),
        valid: fc
          .record(
            { url, eventTypes, filters, description, enabled: fc.boolean() },
            { requiredKeys: [] },
          )
          .map((body) => (Object.keys(body).length > 0 ? body : { enabled: true })),
        fields: ['url', 'eventTypes', 'filters', 'description', 'enabled'],
        runs: 40,
        resource: webhookRead,
      }),
    TIMEOUT,
  );

  it(
    'rotates the secret (200), or refuses leaving the subscription as it was',
    () =>
      fuzzBody({
        route: 'POST /v1/webhooks/{id}/rotate-secret',
        method: 'POST',
        path: pathWith('/v1/webhooks', () => webhookId, '/rotate-secret'),
        valid: fc.record(
          { graceSeconds: fc.integer({ min: 0, max: 7 * 86_400 }) },
          { requiredKeys: [] },
        ),
        fields: ['graceSeconds'],
        runs: 30,
        resource: webhookRead,
        accepted: (answer) => {
          expect(answer.status).toBe(200);
          expect((answer.json as { secret: string }).secret).toMatch(/^whsec_/);
        },
      }),
    TIMEOUT,
  );
});

describe('PUT /v1/scoring, for any body', () => {
  const group = fc.constantFrom('forms', 'calls', 'pages', 'fit', 'key pages');
  const pattern = fc.constantFrom('/pricing*', '*', '/contact', '*@gmail.com', '**', '*/*');
  const engagement = fc
    .record(
      {
        group,
        event: fc.constantFrom(...engagementEvents),
        paths: fc.array(pattern, { minLength: 1, maxLength: 3 }),
        names: fc.array(shortText, { minLength: 1, maxLength: 3 }),
        forms: fc.array(pattern, { minLength: 1, maxLength: 3 }),
        points: fc.integer({ min: -1000, max: 1000 }),
        repeatPoints: fc.integer({ min: -1000, max: 1000 }),
      },
      { requiredKeys: ['group', 'event', 'points'] },
    )
    .map((rule) => {
      const { names, forms, paths, ...rest } = rule;
      return {
        ...rest,
        ...(rule.event === 'track' && names ? { names } : {}),
        ...(rule.event === 'form_submit' && forms ? { forms } : {}),
        ...(rule.event !== 'return_visit' && paths ? { paths } : {}),
      };
    });
  const fit = fc.record(
    {
      group,
      trait: fc.constantFrom('company', 'email', 'employees', 'plan'),
      equals: fc.array(fc.oneof(shortText, fc.integer(), fc.boolean()), {
        minLength: 1,
        maxLength: 3,
      }),
      matches: fc.array(pattern, { minLength: 1, maxLength: 2 }),
      gte: fc.integer({ min: 0, max: 1000 }),
      points: fc.integer({ min: -1000, max: 1000 }),
    },
    { requiredKeys: ['group', 'trait', 'points', 'gte'] },
  );
  const rules = fc.record(
    {
      halfLifeDays: fc.oneof(
        fc.integer({ min: 1, max: 3650 }),
        fc.double({ min: 0.01, max: 3650, noNaN: true }),
      ),
      thresholds: fc
        .integer({ min: 1, max: 1000 })
        .chain((mql) =>
          fc.record({ mql: fc.constant(mql), sql: fc.integer({ min: mql + 1, max: 100_000 }) }),
        ),
      scoreChangeStep: fc.integer({ min: 1, max: 100 }),
      engagement: fc.array(engagement, { maxLength: 4 }),
      fit: fc.array(fit, { maxLength: 3 }),
      caps: fc.dictionary(group, fc.integer({ min: 0, max: 1000 }), { maxKeys: 3 }),
    },
    { requiredKeys: [] },
  );
  const scoringRead = async () => (await api('/v1/scoring')).text;

  it(
    'replaces the rules (200, read back the same), or refuses keeping the old ones',
    () =>
      fuzzBody({
        route: 'PUT /v1/scoring',
        method: 'PUT',
        path: fc.constant('/v1/scoring'),
        valid: rules,
        fields: ['halfLifeDays', 'thresholds', 'scoreChangeStep', 'engagement', 'fit', 'caps'],
        runs: 45,
        resource: scoringRead,
        accepted: (answer, before, after) => {
          expect(answer.status).toBe(200);
          expect(after.scoring_rules! - before.scoring_rules!).toBeLessThanOrEqual(1);
        },
      }),
    TIMEOUT,
  );
});

describe('the admin API, for any body', () => {
  const admin = () => ({ authorization: `Bearer ${ADMIN_TOKEN}` });
  const origin = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        'https://www.acme.com',
        'https://*.acme.com',
        'http://localhost:3000',
      ),
    },
    fc.constantFrom('https://acme.com/path', 'https://*', '*', 'null'),
    fc.webUrl().map((url) => new URL(url).origin),
  );
  const newSite = fc.record(
    {
      name: fc.oneof(
        { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,20}$/) },
        shortText,
      ),
      allowedOrigins: fc.array(origin, { maxLength: 3 }),
      timezone: fc.constantFrom(
        'UTC',
        'Europe/Paris',
        'europe/paris',
        'America/Argentina/Buenos_Aires',
        'Etc/GMT+5',
        'Mars/Olympus',
        'EST5EDT',
      ),
      defaultCountry: fc.constantFrom('US', 'DE', 'de', 'XX'),
      ignoredIdentifiers: fc.array(fc.oneof(email, fc.constant('info@*')), { maxLength: 3 }),
    },
    { requiredKeys: ['name', 'allowedOrigins'] },
  );

  it(
    'creates a site with its two keys (201), or refuses storing nothing',
    () =>
      fuzzBody({
        route: 'POST /v1/admin/sites',
        method: 'POST',
        path: fc.constant('/v1/admin/sites'),
        valid: newSite,
        fields: ['name', 'allowedOrigins', 'timezone', 'defaultCountry', 'ignoredIdentifiers'],
        runs: 40,
        headers: admin,
        accepted: (answer, before, after) => {
          expect(answer.status).toBe(201);
          expect(after.sites).toBe(before.sites! + 1);
          expect(after.api_keys).toBe(before.api_keys! + 2);
        },
      }),
    TIMEOUT,
  );

  it(
    'creates a key (201), or refuses storing nothing',
    () =>
      fuzzBody({
        route: 'POST /v1/admin/sites/{id}/keys',
        method: 'POST',
        path: pathWith('/v1/admin/sites', () => site.site.id, '/keys'),
        valid: fc
          .record(
            {
              kind: fc.constantFrom('secret', 'write'),
              name: shortText,
              scopes: fc.subarray(['read', 'write']),
            },
            { requiredKeys: ['kind'] },
          )
          .map((body) => (body.kind === 'write' ? { kind: body.kind, name: body.name } : body)),
        fields: ['kind', 'name', 'scopes'],
        runs: 40,
        headers: admin,
        accepted: (answer, before, after) => {
          expect(answer.status).toBe(201);
          expect(after.api_keys).toBe(before.api_keys! + 1);
        },
      }),
    TIMEOUT,
  );

  it(
    "changes the site's retention (200), or refuses leaving the site as it was",
    () =>
      fuzzBody({
        route: 'PATCH /v1/admin/sites/{id}',
        method: 'PATCH',
        path: pathWith('/v1/admin/sites', () => site.site.id),
        valid: fc.record({
          retentionDays: fc.oneof(fc.integer({ min: 30, max: 3650 }), fc.constant(null)),
        }),
        fields: ['retentionDays'],
        runs: 30,
        headers: admin,
        resource: async () =>
          (await app.request(`/v1/admin/sites/${site.site.id}`, { headers: admin() })).text(),
      }),
    TIMEOUT,
  );
});
