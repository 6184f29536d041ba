// Security: no personal data and no keys in logs. Logs go to whoever runs `wrangler tail` or a log
// drain, for as long as those keep them; a lead's email must not outlive its erasure there. The
// whole console output is captured while a backend team and a browser use the collector on a real
// Postgres: a form with email and phone, server-side identify, lead reads and filters, a PATCH, a
// conversion with an Idempotency-Key, webhooks, exports, keys that are wrong or in a page — and then
// the same requests while the database fails under them, which is when things get logged. Nothing
// printed may contain the email, the phone (as typed or E.164), the name, a secret key or the
// webhook secret, nor the admin token.

import { inspect } from 'node:util';
import type { CreateSiteResponse, Lead } from '@leadloop/schema';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';
import { freshPostgres } from './fresh-database.ts';
import { browser, FROM, harness, MINUTE, ORIGIN, T0 } from './leads-api-harness.ts';

const PERSON = {
  email: 'ida.pfeiffer@reisen-wien.at',
  phoneAsTyped: '0660 1234567',
  phone: '+436601234567',
  name: 'Ida Pfeiffer',
};

const postgres = freshPostgres('security_logs');
const h = harness(postgres.store);
const printed: string[] = [];
const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

beforeAll(() => {
  for (const method of METHODS)
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' '));
    });
});
afterAll(() => {
  vi.restoreAllMocks();
});

/** Runs `work` while the identifiers table is gone: every lead lookup fails in the database. */
async function withIdentifiersMissing(work: () => Promise<void>) {
  const { db } = postgres.pool()();
  await db.execute('ALTER TABLE lead_identifiers RENAME TO lead_identifiers_away');
  try {
    await work();
  } finally {
    await db.execute('ALTER TABLE lead_identifiers_away RENAME TO lead_identifiers');
  }
}

describe('logs during a full flow with faults', () => {
  let site: CreateSiteResponse;
  let api: ReturnType<typeof h.client>;
  let webhookSecret: string;

  it('a browser and a backend use the collector', async () => {
    site = await h.createSite('Logs');
    api = h.client(site);
    ({ secret: webhookSecret } = await api.ok<{ secret: string }>(
      api.send('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/', eventTypes: ['*'] }),
      201,
    ));
    const visit = { visitor: 'browser-of-ida', at: T0 };
    await api.browse([
      browser.pageview('/pricing', visit, FROM.googleAds),
      browser.form(
        { email: PERSON.email, phone: PERSON.phoneAsTyped, name: PERSON.name },
        { ...visit, at: T0 + MINUTE },
      ),
    ]);
    await api.ok(api.send('POST', '/v1/identify', { email: PERSON.email, traits: {} }), 202);
    const lead: Lead = await api.byEmail(PERSON.email);
    await api.ok(api.call(`/v1/leads?phone=${encodeURIComponent(PERSON.phone)}`));
    await api.ok(api.send('PATCH', `/v1/leads/${lead.id}`, { traits: { note: PERSON.name } }));
    await api.ok(api.call(`/v1/leads/${lead.id}/timeline`));
    await api.ok(
      api.call('/v1/conversions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'deal-1' },
        body: JSON.stringify({
          email: PERSON.email,
          stage: 'customer',
          value: 900,
          currency: 'EUR',
        }),
      }),
      201,
    );
    expect((await api.call('/v1/attribution?format=csv&conversion=customer')).status).toBe(200);
  });

  it('wrong keys, a key in a page, and bad bodies', async () => {
    await api.problem(api.call('/v1/leads', {}, `${site.secretKey}x`), 401);
    await api.problem(api.call('/v1/leads', {}, site.writeKey), 401);
    const inPage = await h.client(site).call(
      '/v1/collect',
      {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'text/plain' },
        body: JSON.stringify({
          writeKey: site.secretKey,
          sentAt: new Date(T0).toISOString(),
          events: [],
        }),
      },
      null,
    );
    expect(inPage.status).toBe(403);
    await api.problem(
      api.send('POST', '/v1/identify', { email: PERSON.email, bogus: PERSON.phone }),
      400,
    );
    await api.problem(api.send('POST', '/v1/conversions', `{"email": "${PERSON.email}"`), 400);
  });

  it('the same requests while the database fails', async () => {
    await withIdentifiersMissing(async () => {
      const failing = [
        api.call(`/v1/leads?email=${encodeURIComponent(PERSON.email)}`),
        api.call(`/v1/leads?phone=${encodeURIComponent(PERSON.phone)}`),
        api.send('POST', '/v1/conversions', { email: PERSON.email, stage: 'opportunity' }),
        api.call('/v1/conversions', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': 'deal-2' },
          body: JSON.stringify({ phone: PERSON.phone, stage: 'lost' }),
        }),
        api.send('POST', '/v1/identify', { email: PERSON.email, phone: PERSON.phone }),
      ];
      for (const response of failing) expect((await response).status).toBeGreaterThanOrEqual(500);
      // The browser's form goes through the consumer, which fails and is retried.
      const collect = await h.client(site).call(
        '/v1/collect',
        {
          method: 'POST',
          headers: { origin: ORIGIN, 'content-type': 'text/plain' },
          body: JSON.stringify({
            writeKey: site.writeKey,
            sentAt: new Date(T0).toISOString(),
            events: [
              browser.form(
                { email: PERSON.email, phone: PERSON.phoneAsTyped },
                { visitor: 'v2', at: T0 },
              ),
            ],
          }),
        },
        null,
      );
      expect([202, 503]).toContain(collect.status);
    });
  });

  it('printed nothing personal and no key', () => {
    const text = printed.join('\n');
    // The faults were logged (so this test reads real log lines) …
    expect(text).toContain('unhandled error');
    // … and none of it names the person or holds a secret.
    const secrets = [
      PERSON.email,
      PERSON.email.split('@')[0]!,
      PERSON.phone,
      PERSON.phone.slice(1),
      PERSON.phoneAsTyped,
      PERSON.name,
      site.secretKey,
      site.secretKey.slice(3),
      webhookSecret,
      webhookSecret.replace(/^whsec_/, ''),
      DEVELOPMENT_ADMIN_TOKEN,
    ];
    const leaked = secrets.filter((secret) => text.includes(secret));
    expect(leaked, text.slice(0, 4000)).toEqual([]);
  });
});
