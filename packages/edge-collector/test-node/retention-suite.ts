// Data retention as an operator checks it: a site keeps 30 days of activity; 40 days after an
// anonymous visit, a lead's first visit, a quarantined message, webhook deliveries and an
// Idempotency-Key answer, the daily purge runs — then every table is read whole. What was older
// than 30 days is gone, what is newer stays, leads with their identifiers, conversions and costs
// stay, and other sites keep theirs. Run on D1 and Postgres by retention-*.test.ts.

import type { CreateSiteResponse, Lead, Site } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';
import { purgeExpiredActivity } from '../src/runtime/retention.ts';
import { deliverNow, relayChanges } from '../src/runtime/webhook-deliverer.ts';
import type { Store } from '../src/store/types.ts';
import { CHROME_ON_MAC } from '../test/store-suite.ts';
import type { DatabaseDump } from './erasure-everywhere-suite.ts';
import { browser, FROM, harness, MINUTE, ORIGIN, T0 } from './leads-api-harness.ts';

const DAY = 86_400_000;
/** Nothing listens on the discard port: every attempt fails at once and is logged. */
const UNREACHABLE = 'http://127.0.0.1:9/';

/** Markers that name whose data a row is, to search the whole database for. */
const OLD_ANONYMOUS = 'old-anonymous-browser';
const OLD_ANONYMOUS_FORM = 'Old Anonymous Company';
const NEW_ANONYMOUS = 'new-anonymous-browser';
const ADA = { email: 'ada@analytical-engines.co.uk', browser: 'ada-laptop' };
const BOB = { email: 'bob@old-visit-only.com', browser: 'bob-old-browser' };
const OTHER_SITE_OLD = 'other-site-old-browser';
const QUARANTINED = 'quarantined-old-message';

export function describeRetention(name: string, getStore: () => Store, dump: DatabaseDump) {
  const h = harness(getStore);
  let operator: ReturnType<typeof h.client>;
  /** The admin API, with the operator's token instead of a site's key. */
  const admin = (method: string, path: string, body?: unknown) =>
    operator.call(
      path,
      {
        method,
        headers: {
          authorization: `Bearer ${DEVELOPMENT_ADMIN_TOKEN}`,
          'content-type': 'application/json',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      null,
    );

  beforeAll(async () => {
    operator = h.client(await h.createSite('Operator'));
  });

  describe(`${name}: the retention setting`, () => {
    it('is null (keep forever) unless set, settable at creation and by PATCH, 30–3650 days', async () => {
      const created = await admin('POST', '/v1/admin/sites', {
        name: 'Kept a year',
        allowedOrigins: [ORIGIN],
        retentionDays: 365,
      });
      expect(created.status).toBe(201);
      const { site } = (await created.json()) as CreateSiteResponse;
      expect(site.retentionDays).toBe(365);
      expect((await h.createSite('Default')).site.retentionDays).toBeNull();

      const path = `/v1/admin/sites/${site.id}`;
      const patched = await admin('PATCH', path, { retentionDays: 30 });
      expect(patched.status).toBe(200);
      expect(((await patched.json()) as Site).retentionDays).toBe(30);
      expect(((await (await admin('GET', path)).json()) as Site).retentionDays).toBe(30);
      expect(
        ((await (await admin('PATCH', path, { retentionDays: null })).json()) as Site)
          .retentionDays,
      ).toBeNull();

      for (const retentionDays of [29, 3651, 45.5, '90']) {
        const refused = await admin('PATCH', path, { retentionDays });
        expect(refused.status).toBe(400);
        const problem = (await refused.json()) as { errors: { path: string }[] };
        expect(problem.errors.map((error) => error.path)).toEqual(['retentionDays']);
      }
      expect((await admin('PATCH', path, {})).status).toBe(400);
      expect((await admin('PATCH', path, { name: 'Renamed' })).status).toBe(400);
      expect(
        (await admin('PATCH', '/v1/admin/sites/site_missing', { retentionDays: 30 })).status,
      ).toBe(404);
      const badCreate = await admin('POST', '/v1/admin/sites', {
        name: 'Too short',
        allowedOrigins: [ORIGIN],
        retentionDays: 7,
      });
      expect(badCreate.status).toBe(400);
    });
  });

  describe(`${name}: the daily purge`, () => {
    let site: CreateSiteResponse;
    let other: CreateSiteResponse;
    let unset: CreateSiteResponse;
    let api: ReturnType<typeof h.client>;
    const delivery = {
      allowPrivate: true,
      now: () => h.now(),
      enqueue: async () => {},
    };

    let oldDeliveryIds: string[] = [];

    /** Makes the site's webhook deliveries and attempts them once (the receiver is down). */
    async function deliver(siteId: string): Promise<string[]> {
      const ids = (await relayChanges(getStore(), siteId, h.now)).map((made) => made.id);
      await deliverNow(getStore(), ids, delivery);
      return ids;
    }

    beforeAll(async () => {
      site = await h.createSite('Thirty days');
      other = await h.createSite('A year');
      unset = await h.createSite('Forever');
      expect(
        (await admin('PATCH', `/v1/admin/sites/${site.site.id}`, { retentionDays: 30 })).status,
      ).toBe(200);
      expect(
        (await admin('PATCH', `/v1/admin/sites/${other.site.id}`, { retentionDays: 365 })).status,
      ).toBe(200);
      api = h.client(site);
      await api.ok(api.send('POST', '/v1/webhooks', { url: UNREACHABLE, eventTypes: ['*'] }), 201);

      // Day 0: an anonymous visitor fills a form without an email; Ada and Bob identify.
      await api.browse([
        browser.pageview('/', { visitor: OLD_ANONYMOUS, at: T0 }, FROM.facebook),
        browser.form({ company: OLD_ANONYMOUS_FORM }, { visitor: OLD_ANONYMOUS, at: T0 + MINUTE }),
        browser.pageview('/pricing', { visitor: ADA.browser, at: T0 }, FROM.googleAds),
        browser.form({ email: ADA.email }, { visitor: ADA.browser, at: T0 + MINUTE }),
        browser.form({ email: BOB.email }, { visitor: BOB.browser, at: T0 }),
      ]);
      const ada: Lead = await api.byEmail(ADA.email);
      await api.ok(
        api.call('/v1/conversions', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': 'old-idempotency-key' },
          body: JSON.stringify({
            leadId: ada.id,
            stage: 'customer',
            value: 5000,
            currency: 'EUR',
            externalId: 'deal-ada-day-0',
          }),
        }),
        201,
      );
      await api.ok(
        api.send('POST', '/v1/costs', {
          costs: [
            { date: '2026-11-23', source: 'google', medium: 'cpc', amount: 120, currency: 'EUR' },
          ],
        }),
      );
      // Day 0's deliveries ran out of retries long before day 40: dead-lettered, as failed.
      oldDeliveryIds = await deliver(site.site.id);
      await getStore().webhooks.failDeliveries(oldDeliveryIds, 'test: receiver down');
      await getStore().quarantine([
        {
          id: 'quarantine-old',
          siteId: site.site.id,
          eventId: null,
          reason: 'test: an old malformed message',
          body: JSON.stringify({ marker: QUARANTINED }),
          quarantinedAt: T0,
        },
      ]);
      // The other sites' day-0 visits and messages: kept a year, and kept forever.
      for (const each of [other, unset]) {
        await h.client(each).browse([browser.pageview('/', { visitor: OTHER_SITE_OLD, at: T0 })]);
        await getStore().quarantine([
          {
            id: `quarantine-${each.site.id}`,
            siteId: each.site.id,
            eventId: null,
            reason: 'test: an old malformed message',
            body: '{}',
            quarantinedAt: T0,
          },
        ]);
      }

      // Day 40: a new anonymous visitor, and Ada comes back.
      h.advance(40 * DAY);
      await api.browse([
        browser.pageview('/', { visitor: NEW_ANONYMOUS, at: h.now() }, FROM.facebook),
        browser.form({ company: 'New Company' }, { visitor: NEW_ANONYMOUS, at: h.now() }),
        browser.pageview('/pricing', { visitor: ADA.browser, session: 'ada-day-40', at: h.now() }),
      ]);
      await deliver(site.site.id);
    });

    it('deletes activity older than the retention and keeps what is newer and the business records', async () => {
      const before = await dump();
      // The search below can fail: the old data is there before the purge.
      for (const table of ['events', 'sessions', 'visitors', 'outbox', 'webhook_deliveries'])
        expect(before[table], table).toContain(OLD_ANONYMOUS);
      expect(oldDeliveryIds.length).toBeGreaterThan(2);
      expect(before.webhook_attempts).toContain(oldDeliveryIds[0]);
      expect(before.idempotency_keys).toContain('old-idempotency-key');
      expect(before.quarantine).toContain(QUARANTINED);

      const runs = await purgeExpiredActivity(getStore(), h.now());
      expect(runs.map((run) => run.siteId).sort()).toEqual([site.site.id, other.site.id].sort());
      const ours = runs.find((run) => run.siteId === site.site.id)!;
      expect(ours.before).toBe(h.now() - 30 * DAY);
      expect(ours.removed.events).toBeGreaterThanOrEqual(5);
      expect(ours.removed.quarantine).toBe(1);
      expect(ours.removed.idempotencyKeys).toBe(1);
      expect(ours.removed.webhookDeliveries).toBeGreaterThan(0);
      expect(ours.removed.webhookAttempts).toBeGreaterThan(0);

      const after = await dump();
      // The anonymous visitor of day 0 is gone from every table.
      const traces = Object.entries(after).flatMap(([table, rows]) =>
        [OLD_ANONYMOUS, OLD_ANONYMOUS_FORM, QUARANTINED, 'old-idempotency-key', ...oldDeliveryIds]
          .filter((marker) => rows.includes(marker))
          .map((marker) => `${table}: ${marker}`),
      );
      expect(traces).toEqual([]);
      // Newer activity stays, webhook log included.
      for (const table of ['events', 'sessions', 'visitors', 'webhook_deliveries'])
        expect(after[table], table).toContain(NEW_ANONYMOUS);
      // Bob only visited on day 0: his browsing went, he stays a lead with his email.
      for (const table of ['events', 'sessions', 'visitors'])
        expect(after[table], table).not.toContain(BOB.browser);
      const bob: Lead = await api.byEmail(BOB.email);
      expect(bob.email).toBe(BOB.email);
      expect((await api.lead(bob.id)).visitorIds).toEqual([BOB.browser]);
      // Ada keeps her lead, her deal and the day's cost; her day-40 visit stays, day 0 goes.
      const ada: Lead = await api.byEmail(ADA.email);
      expect(after.lead_identifiers).toContain(ADA.email);
      expect(after.conversions).toContain('deal-ada-day-0');
      expect(after.costs).toContain('2026-11-23');
      const adaEvents = await getStore().listEvents(site.site.id, ADA.browser);
      expect(adaEvents.map((event) => event.sessionId)).toEqual(['ada-day-40']);
      expect(await getStore().findVisitor(site.site.id, ADA.browser)).not.toBeNull();
      const conversions = await getStore().conversions.list(
        site.site.id,
        { leadId: ada.id },
        null,
        10,
      );
      expect(conversions.map((conversion) => conversion.externalId)).toEqual(['deal-ada-day-0']);
      // The other sites' day-0 visits are theirs to keep: a year, and forever.
      for (const each of [other, unset]) {
        const events = await getStore().listEvents(each.site.id, OTHER_SITE_OLD);
        expect(events).toHaveLength(1);
        expect(await getStore().findVisitor(each.site.id, OTHER_SITE_OLD)).not.toBeNull();
        expect(await getStore().listQuarantine(each.site.id)).toHaveLength(1);
      }
    });

    it('is idempotent: a second run removes nothing and changes nothing', async () => {
      const before = await dump();
      const runs = await purgeExpiredActivity(getStore(), h.now());
      for (const run of runs)
        expect(Object.values(run.removed).every((count) => count === 0)).toBe(true);
      expect(await dump()).toEqual(before);
    });

    it('works in chunks: a chunk of 2 removes as much as one big statement would', async () => {
      const chunked = await h.createSite('Chunked');
      const visits = Array.from({ length: 7 }, (_, index) =>
        browser.pageview('/', { visitor: `chunked-${index}`, at: h.now() - 60 * DAY + index }),
      );
      await h.client(chunked).browse(visits);
      await h
        .client(chunked)
        .browse([browser.pageview('/', { visitor: 'chunked-new', at: h.now() })]);
      // No retention set: the daily purge leaves the site alone.
      await purgeExpiredActivity(getStore(), h.now());
      expect(await getStore().listEvents(chunked.site.id)).toHaveLength(8);

      const removed = await getStore().retention.purge(chunked.site.id, h.now() - 30 * DAY, 2);
      expect(removed).toMatchObject({ events: 7, sessions: 7, visitors: 7 });
      const left = await getStore().listEvents(chunked.site.id);
      expect(left.map((event) => event.anonymousId)).toEqual(['chunked-new']);
      await expect(getStore().retention.purge(chunked.site.id, h.now(), 0)).rejects.toThrow(
        RangeError,
      );
    });
  });

  describe(`${name}: the request's IP address is never stored`, () => {
    const IPV4 = '203.0.113.77';
    const IPV6 = '2001:db8:4c1::beef';
    const FORWARDED = '198.51.100.23';
    const ipHeaders = {
      'cf-connecting-ip': IPV4,
      'cf-connecting-ipv6': IPV6,
      'x-forwarded-for': `${FORWARDED}, ${IPV4}`,
      'x-real-ip': IPV4,
      'true-client-ip': IPV4,
      forwarded: `for=${FORWARDED};proto=https`,
    };

    it('keeps no trace of it in any table after browser and server-side events', async () => {
      const site = await h.createSite('Addresses');
      const api = h.client(site);
      const visit = { visitor: 'ip-test-browser', at: h.now() };
      const collected = await api.call(
        '/v1/collect',
        {
          method: 'POST',
          headers: {
            'content-type': 'text/plain;charset=UTF-8',
            origin: ORIGIN,
            'user-agent': CHROME_ON_MAC,
            ...ipHeaders,
          },
          body: JSON.stringify({
            writeKey: site.writeKey,
            sentAt: new Date(h.now()).toISOString(),
            // A client may claim an address too: context keeps only its known fields.
            context: { locale: 'de-DE', ip: IPV4 },
            events: [
              browser.pageview('/', visit, FROM.googleAds),
              browser.form({ email: 'ip.test@example-firm.com' }, visit),
            ],
          }),
        },
        null,
      );
      expect(collected.status).toBe(202);
      const identified = await api.call('/v1/identify', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...ipHeaders },
        body: JSON.stringify({ email: 'ip.test@example-firm.com', traits: { plan: 'pro' } }),
      });
      expect(identified.status).toBe(202);

      const tables = await dump();
      // The scan sees what was stored: the browser, the lead, the parsed browser name.
      expect(tables.events).toContain('ip-test-browser');
      expect(tables.events).toContain('Chrome');
      expect(tables.lead_identifiers).toContain('ip.test@example-firm.com');
      const traces = Object.entries(tables).flatMap(([table, rows]) =>
        [IPV4, IPV6, FORWARDED, '203.0.113', '2001:db8', CHROME_ON_MAC]
          .filter((needle) => rows.includes(needle))
          .map((needle) => `${table}: ${needle}`),
      );
      expect(traces).toEqual([]);
    });
  });
}
