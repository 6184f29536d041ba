// One behaviour suite for every Store adapter: D1 runs it in workerd (store-d1.test.ts), Postgres
// in Node against a real server (test-node/store-postgres.test.ts). What it checks is what the
// reports built on top will read: events once, sessions with the right touch, visitors with
// their first and last non-direct touch — whatever order and however often batches arrive.

import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../src/core/event-record.ts';
import { planIngest } from '../src/core/ingest-plan.ts';
import type { Store } from '../src/store/types.ts';

export const CHROME_ON_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

const SITE_ORIGIN = 'https://www.acme.test';
const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const MINUTE = 60_000;

let sequence = 0;

export async function newSite(store: Store, allowedOrigins = [SITE_ORIGIN]) {
  const id = `site_${crypto.randomUUID()}`;
  await store.createSite(
    {
      id,
      name: 'Acme',
      allowedOrigins,
      timezone: 'Europe/Berlin',
      defaultCountry: 'DE',
      createdAt: new Date(T0),
    },
    [
      {
        id: `key_${crypto.randomUUID()}`,
        kind: 'write',
        prefix: 'pk_test',
        hash: crypto.randomUUID().replaceAll('-', ''),
      },
    ],
  );
  return id;
}

/** A record as the collect route hands it to the queue. */
export function record(siteId: string, overrides: Partial<EventRecord> = {}): EventRecord {
  sequence++;
  return {
    siteId,
    id: crypto.randomUUID(),
    type: 'pageview',
    anonymousId: 'visitor-1',
    sessionId: 'session-1',
    occurredAt: T0 + sequence,
    receivedAt: T0 + sequence + 500,
    pageUrl: `${SITE_ORIGIN}/`,
    pagePath: '/',
    pageTitle: 'Acme',
    referrer: null,
    name: null,
    payload: { clientTimestamp: new Date(T0).toISOString() },
    userAgent: CHROME_ON_MAC,
    geo: { country: 'DE', region: 'Bavaria', city: 'Munich', timezone: 'Europe/Berlin' },
    ...overrides,
  };
}

export function describeStore(name: string, getStore: () => Store) {
  const hosts = () => ({ allowedOrigins: [SITE_ORIGIN] });
  const ingest = (records: EventRecord[]) => getStore().ingest(planIngest(records, hosts));

  describe(`${name} store`, () => {
    it('finds a site by its key hash and by id', async () => {
      const store = getStore();
      const siteId = await newSite(store);
      const [site] = await store.findSites([siteId, 'site_missing']);
      expect(site).toMatchObject({ id: siteId, timezone: 'Europe/Berlin', defaultCountry: 'DE' });
    });

    it('stores each event once, however often its batch arrives', async () => {
      const siteId = await newSite(getStore());
      const records = Array.from({ length: 25 }, () => record(siteId));
      expect(await ingest(records)).toBe(25);
      expect(await ingest(records)).toBe(0);
      expect(await ingest([...records.slice(5), record(siteId)])).toBe(1);
      const stored = await getStore().listEvents(siteId);
      expect(stored).toHaveLength(26);
      expect(new Set(stored.map((event) => event.id)).size).toBe(26);
      expect(stored[0]).toMatchObject({
        bot: false,
        browser: 'Chrome',
        os: 'Mac OS',
        deviceType: 'desktop',
        country: 'DE',
        region: 'Bavaria',
        city: 'Munich',
        timezone: 'Europe/Berlin',
        pageUrl: `${SITE_ORIGIN}/`,
        payload: { clientTimestamp: new Date(T0).toISOString() },
      });
      // The user agent is parsed, never kept.
      expect(JSON.stringify(stored)).not.toContain('Macintosh');
    });

    it('makes a Paid Search touch of a google ad click', async () => {
      const siteId = await newSite(getStore());
      await ingest([
        record(siteId, {
          pageUrl: `${SITE_ORIGIN}/pricing?utm_source=google&utm_medium=cpc&utm_campaign=spring&gclid=Cj0-1`,
          referrer: 'https://www.google.com/',
        }),
      ]);
      const [session] = await getStore().listSessions(siteId, 'visitor-1');
      expect(session?.touch).toEqual({
        channel: 'Paid Search',
        source: 'google',
        medium: 'cpc',
        campaign: 'spring',
        term: null,
        content: null,
        clickIdType: 'gclid',
        clickId: 'Cj0-1',
        referrerDomain: 'google.com',
        landingPage: `${SITE_ORIGIN}/pricing?utm_source=google&utm_medium=cpc&utm_campaign=spring&gclid=Cj0-1`,
        country: 'DE',
        region: 'Bavaria',
        city: 'Munich',
        deviceType: 'desktop',
      });
    });

    it('makes an Email touch of a newsletter link and a Direct touch of a typed URL', async () => {
      const siteId = await newSite(getStore());
      await ingest([
        record(siteId, {
          anonymousId: 'reader',
          sessionId: 'newsletter',
          pageUrl: `${SITE_ORIGIN}/?utm_source=newsletter&utm_medium=email&utm_campaign=nov`,
        }),
        record(siteId, { anonymousId: 'typist', sessionId: 'typed' }),
      ]);
      const [email] = await getStore().listSessions(siteId, 'reader');
      expect(email?.touch).toMatchObject({
        channel: 'Email',
        source: 'newsletter',
        medium: 'email',
      });
      const [direct] = await getStore().listSessions(siteId, 'typist');
      expect(direct?.touch).toMatchObject({
        channel: 'Direct',
        source: '(direct)',
        medium: '(none)',
      });
    });

    it('counts a reload and a same-site referrer as no new touch', async () => {
      const siteId = await newSite(getStore());
      const landing = record(siteId, {
        pageUrl: `${SITE_ORIGIN}/?utm_source=google&utm_medium=cpc&gclid=G-1`,
        referrer: 'https://www.google.com/',
      });
      const reload = record(siteId, {
        occurredAt: landing.occurredAt + MINUTE,
        pageUrl: landing.pageUrl,
        referrer: landing.referrer,
      });
      const internal = record(siteId, {
        occurredAt: landing.occurredAt + 2 * MINUTE,
        pageUrl: `${SITE_ORIGIN}/contact`,
        referrer: `${SITE_ORIGIN}/pricing`,
      });
      // A later session that starts from a page of the site itself (a tab reopened) is Direct,
      // and leaves the visitor's last touch where it was.
      const later = record(siteId, {
        sessionId: 'session-2',
        occurredAt: landing.occurredAt + 90 * MINUTE,
        pageUrl: `${SITE_ORIGIN}/contact`,
        referrer: `${SITE_ORIGIN}/pricing`,
      });
      await ingest([landing, reload, internal]);
      await ingest([later]);
      const store = getStore();
      const sessions = await store.listSessions(siteId, 'visitor-1');
      expect(sessions.map((session) => [session.id, session.touch?.channel])).toEqual([
        ['session-1', 'Paid Search'],
        ['session-2', 'Direct'],
      ]);
      expect(sessions[0]).toMatchObject({
        startedAt: landing.occurredAt,
        lastEventAt: internal.occurredAt,
        touchAt: landing.occurredAt,
      });
      const visitor = await store.findVisitor(siteId, 'visitor-1');
      expect(visitor?.firstTouch).toMatchObject({ channel: 'Paid Search', sessionId: 'session-1' });
      expect(visitor?.lastTouch).toMatchObject({ channel: 'Paid Search', sessionId: 'session-1' });
    });

    it("keeps a mid-session referral out of the visitor's touches, one page load per batch", async () => {
      // Typed URL, then a minute later back from a search result: one session (the SDK's rules),
      // its touch Direct — whichever page load's batch arrives first.
      for (const order of ['in order', 'reversed']) {
        const siteId = await newSite(getStore());
        const typed = record(siteId);
        const fromSearch = record(siteId, {
          occurredAt: typed.occurredAt + MINUTE,
          referrer: 'https://www.bing.com/',
        });
        const batches = order === 'in order' ? [[typed], [fromSearch]] : [[fromSearch], [typed]];
        for (const batch of batches) await ingest(batch);
        const [session] = await getStore().listSessions(siteId, 'visitor-1');
        expect(session?.touch?.channel, order).toBe('Direct');
        const visitor = await getStore().findVisitor(siteId, 'visitor-1');
        expect(visitor?.firstTouch, order).toMatchObject({
          channel: 'Direct',
          at: typed.occurredAt,
        });
        expect(visitor?.lastTouch, order).toBe(null);
      }
    });

    it('stores text with U+0000 without it, as Postgres cannot hold it', async () => {
      const siteId = await newSite(getStore());
      const event = record(siteId, {
        pageTitle: 'Roof\u0000ing',
        payload: { properties: { 'plan\u0000': 'pro\u0000' } },
      });
      expect(await ingest([event, record(siteId)])).toBe(2);
      const stored = (await getStore().listEvents(siteId)).find((row) => row.id === event.id);
      expect(stored).toMatchObject({
        pageTitle: 'Roofing',
        payload: { properties: { plan: 'pro' } },
      });
    });

    it("ignores a reported cookie domain that is not a parent of the page's host", async () => {
      const siteId = await newSite(getStore());
      await ingest([
        record(siteId, {
          referrer: 'https://news.example.com/',
          payload: { context: { cookieDomain: 'com' } },
        }),
        record(siteId, {
          anonymousId: 'other',
          sessionId: 'other-session',
          referrer: 'https://news.example.com/',
          payload: { context: { cookieDomain: 'example.com' } },
        }),
      ]);
      for (const visitor of ['visitor-1', 'other']) {
        const [session] = await getStore().listSessions(siteId, visitor);
        expect(session?.touch, visitor).toMatchObject({
          channel: 'Referral',
          referrerDomain: 'news.example.com',
        });
      }
    });

    it("treats the site's other allowed origins and its cookie domain as itself", async () => {
      const store = getStore();
      const siteId = await newSite(store, [SITE_ORIGIN, 'https://*.acme-shop.test']);
      const fromShop = record(siteId, {
        anonymousId: 'shopper',
        sessionId: 'shopper-session',
        referrer: 'https://checkout.acme-shop.test/done',
      });
      const fromBlog = record(siteId, {
        anonymousId: 'reader',
        sessionId: 'reader-session',
        referrer: 'https://blog.acme.test/post',
        payload: { context: { cookieDomain: 'acme.test' } },
      });
      await store.ingest(
        planIngest([fromShop, fromBlog], () => ({
          allowedOrigins: [SITE_ORIGIN, 'https://*.acme-shop.test'],
        })),
      );
      const [shop] = await store.listSessions(siteId, 'shopper');
      const [blog] = await store.listSessions(siteId, 'reader');
      expect(shop?.touch?.channel).toBe('Direct');
      expect(blog?.touch?.channel).toBe('Direct');
    });

    it("keeps the touch of a session's earliest pageview, whatever order they arrive in", async () => {
      const siteId = await newSite(getStore());
      const first = record(siteId, {
        pageUrl: `${SITE_ORIGIN}/?utm_source=newsletter&utm_medium=email`,
      });
      const identify = record(siteId, {
        type: 'identify',
        occurredAt: first.occurredAt - MINUTE,
      });
      const second = record(siteId, {
        occurredAt: first.occurredAt + MINUTE,
        pageUrl: `${SITE_ORIGIN}/pricing`,
        referrer: 'https://news.ycombinator.com/',
      });
      await ingest([second]);
      await ingest([identify]);
      await ingest([first]);
      await ingest([second]);
      const [session] = await getStore().listSessions(siteId, 'visitor-1');
      expect(session).toMatchObject({
        startedAt: identify.occurredAt,
        lastEventAt: second.occurredAt,
        touchAt: first.occurredAt,
        touch: { channel: 'Email', source: 'newsletter' },
      });
    });

    it('keeps the first touch ever and the latest non-direct one per visitor', async () => {
      const siteId = await newSite(getStore());
      const direct = record(siteId, { sessionId: 'a' });
      const search = record(siteId, {
        sessionId: 'b',
        occurredAt: direct.occurredAt + 60 * MINUTE,
        referrer: 'https://www.bing.com/',
      });
      const directAgain = record(siteId, {
        sessionId: 'c',
        occurredAt: direct.occurredAt + 120 * MINUTE,
      });
      // Newest first, one batch at a time: the merge must not depend on arrival order.
      await ingest([directAgain]);
      await ingest([search]);
      await ingest([direct]);
      const visitor = await getStore().findVisitor(siteId, 'visitor-1');
      expect(visitor).toMatchObject({
        firstSeenAt: direct.occurredAt,
        lastSeenAt: directAgain.occurredAt,
        firstTouch: { channel: 'Direct', sessionId: 'a', at: direct.occurredAt },
        lastTouch: { channel: 'Organic Search', source: 'bing', sessionId: 'b' },
      });
    });

    it('stores bots flagged, with no session, touch or visitor', async () => {
      const siteId = await newSite(getStore());
      await ingest([
        record(siteId, { anonymousId: 'crawler', userAgent: GOOGLEBOT }),
        record(siteId, { anonymousId: 'script', userAgent: undefined }),
      ]);
      const store = getStore();
      const stored = await store.listEvents(siteId);
      expect(stored.map((event) => event.bot)).toEqual([true, true]);
      expect(await store.listSessions(siteId, 'crawler')).toEqual([]);
      expect(await store.findVisitor(siteId, 'crawler')).toBe(null);
      expect(await store.findVisitor(siteId, 'script')).toBe(null);
    });

    it('ends in one state when two batches for one visitor are written at once', async () => {
      const siteId = await newSite(getStore());
      const landing = record(siteId, {
        pageUrl: `${SITE_ORIGIN}/?utm_source=google&utm_medium=cpc&gclid=G-2`,
      });
      const next = Array.from({ length: 10 }, (_, index) =>
        record(siteId, { occurredAt: landing.occurredAt + (index + 1) * 1000 }),
      );
      await Promise.all([ingest([landing, ...next.slice(0, 5)]), ingest(next.slice(3))]);
      const store = getStore();
      expect(await store.listEvents(siteId)).toHaveLength(11);
      const sessions = await store.listSessions(siteId, 'visitor-1');
      expect(sessions).toHaveLength(1);
      expect(sessions[0]).toMatchObject({
        startedAt: landing.occurredAt,
        lastEventAt: next[9]!.occurredAt,
        touch: { channel: 'Paid Search' },
      });
    });

    it('writes a batch larger than one statement can carry', async () => {
      const siteId = await newSite(getStore());
      // 100 events of ~20 KB: about 2 MB of rows, more than D1 binds in one string.
      const filler = 'x'.repeat(20_000);
      const records = Array.from({ length: 100 }, (_, index) =>
        record(siteId, {
          anonymousId: `visitor-${index % 7}`,
          sessionId: `session-${index % 7}`,
          payload: { properties: { filler } },
        }),
      );
      expect(await ingest(records)).toBe(100);
      expect(await getStore().listEvents(siteId)).toHaveLength(100);
      expect(await getStore().listSessions(siteId, 'visitor-3')).toHaveLength(1);
    });

    it('keeps each quarantined message once, with its reason', async () => {
      const store = getStore();
      const siteId = await newSite(store);
      const entry = {
        id: `message-${crypto.randomUUID()}`,
        siteId,
        eventId: 'event-1',
        reason: 'malformed message: occurredAt: expected number',
        body: '{"siteId":"…"}',
        quarantinedAt: T0,
      };
      await store.quarantine([entry]);
      await store.quarantine([entry]);
      expect(await store.listQuarantine(siteId)).toEqual([entry]);
    });
  });
}
