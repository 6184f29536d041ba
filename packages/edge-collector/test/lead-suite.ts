// Identity stitching and scoring on a real database: the same cases run on D1 in workerd
// (leads-d1.test.ts) and on Postgres in Node (test-node/leads-postgres.test.ts). Each case feeds
// events through the real path — ingest, then the lead updater — and reads back what the API and
// webhooks will read: lead rows, their identifiers and browsers, merges and the outbox.

import type { JsonObject, Lead, Site } from '@leadloop/schema';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../src/core/event-record.ts';
import { planIngest } from '../src/core/ingest-plan.ts';
import { leadView } from '../src/core/lead-view.ts';
import { eraseLead, rescoreStep, updateLeads } from '../src/runtime/lead-updater.ts';
import type { Store } from '../src/store/types.ts';
import { newSite, record } from './store-suite.ts';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const hosts = () => ({ allowedOrigins: ['https://www.acme.test'] });

export async function siteOf(store: Store, ignoredIdentifiers: string[] = []): Promise<Site> {
  const id = await newSite(store);
  const [site] = await store.findSites([id]);
  return { ...site!, ignoredIdentifiers };
}

/** Stores a batch and updates its leads, as the events consumer does. */
export async function processBatch(
  store: Store,
  site: Site,
  records: EventRecord[],
  now = T0 + DAY,
) {
  const plan = planIngest(records, hosts);
  await store.ingest(plan);
  await updateLeads(store, site, plan.events, { now: () => now });
}

type Visit = { at: number; visitor: string; session?: string };

export const identify = (site: Site, traits: JsonObject, { at, visitor, session }: Visit) =>
  record(site.id, {
    type: 'identify',
    anonymousId: visitor,
    sessionId: session ?? `${visitor}-s`,
    occurredAt: at,
    receivedAt: at,
    payload: { traits },
  });

export const pageview = (site: Site, path: string, { at, visitor, session }: Visit) =>
  record(site.id, {
    anonymousId: visitor,
    sessionId: session ?? `${visitor}-s`,
    occurredAt: at,
    receivedAt: at,
    pageUrl: `https://www.acme.test${path}`,
    pagePath: path,
  });

export const formSubmit = (site: Site, traits: JsonObject, path: string, visit: Visit) =>
  record(site.id, {
    ...pageview(site, path, visit),
    type: 'form_submit',
    payload: { traits, form: { id: 'contact', fields: { ...traits, message: 'Call me' } } },
  });

export const callClick = (site: Site, visit: Visit) =>
  record(site.id, {
    ...pageview(site, '/', visit),
    type: 'call_click',
    payload: { call: { number: '+49 30 1234567', text: 'Call us' } },
  });

/** Every live lead of a site as `GET /v1/leads/{id}` shows it, by id. */
export async function leadsOf(store: Store, siteId: string): Promise<Lead[]> {
  const ids = await store.leads.listLiveLeadIds(siteId, null, 1000);
  const rows = await store.leads.findLeads(siteId, ids);
  const parts = await store.leads.loadLeadParts(siteId, ids);
  return rows
    .map((row) => leadView(row, parts.identifiers, parts.links, parts.sessions))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

const typesOf = async (store: Store, siteId: string) =>
  (await store.leads.listOutbox(siteId)).map((change) => change.type);

/** The site's `lead.score_changed` announcements as [previous, current] pairs. */
const scoreChanges = async (store: Store, siteId: string) =>
  (await store.leads.listOutbox(siteId))
    .filter((change) => change.type === 'lead.score_changed')
    .map((change) => [change.data.previous, change.data.current]);

export function describeLeads(name: string, getStore: () => Store, propertyRuns = 25) {
  describe(`${name}: identity stitching`, () => {
    it('makes no lead of anonymous browsing', async () => {
      const store = getStore();
      const site = await siteOf(store);
      await processBatch(store, site, [pageview(site, '/', { at: T0, visitor: 'v1' })]);
      expect(await leadsOf(store, site.id)).toEqual([]);
      expect(await store.leads.listOutbox(site.id)).toEqual([]);
    });

    it('joins two devices to one lead when both give the same email, with their past', async () => {
      const store = getStore();
      const site = await siteOf(store);
      await processBatch(store, site, [
        pageview(site, '/pricing', { at: T0, visitor: 'laptop' }),
        pageview(site, '/', { at: T0 + MINUTE, visitor: 'phone' }),
      ]);
      await processBatch(store, site, [
        identify(site, { email: 'Ada@Acme.io ' }, { at: T0 + 2 * MINUTE, visitor: 'laptop' }),
      ]);
      await processBatch(store, site, [
        identify(
          site,
          { email: 'ada@acme.io', name: 'Ada' },
          { at: T0 + 3 * MINUTE, visitor: 'phone' },
        ),
      ]);
      const [lead, ...others] = await leadsOf(store, site.id);
      expect(others).toEqual([]);
      expect(lead).toMatchObject({
        email: 'ada@acme.io',
        name: 'Ada',
        visitorIds: ['laptop', 'phone'],
        createdAt: new Date(T0 + 2 * MINUTE).toISOString(),
        mergedInto: null,
      });
      // Both browsers' earlier pageviews count: /pricing (10) and / (1), decayed over a day.
      // Each browser's first session came before the other joined: one of them is a return visit.
      expect(lead!.scoreReasons.map((reason) => reason.group).sort()).toEqual([
        'key pages',
        'pages',
        'return visits',
      ]);
      expect(await typesOf(store, site.id)).toEqual([
        'lead.created',
        'lead.identified',
        'lead.score_changed',
      ]);
    });

    it('moves a shared browser to the next person without merging them', async () => {
      const store = getStore();
      const site = await siteOf(store);
      const kiosk = 'family-laptop';
      await processBatch(store, site, [
        pageview(site, '/', { at: T0, visitor: kiosk }),
        identify(site, { email: 'anna@acme.io' }, { at: T0 + MINUTE, visitor: kiosk }),
        pageview(site, '/pricing', { at: T0 + 2 * MINUTE, visitor: kiosk }),
        identify(site, { email: 'ben@acme.io' }, { at: T0 + 10 * MINUTE, visitor: kiosk }),
        callClick(site, { at: T0 + 11 * MINUTE, visitor: kiosk }),
      ]);
      const leads = await leadsOf(store, site.id);
      const anna = leads.find((lead) => lead.email === 'anna@acme.io')!;
      const ben = leads.find((lead) => lead.email === 'ben@acme.io')!;
      expect(leads).toHaveLength(2);
      expect(await store.leads.listMerges(site.id)).toEqual([]);
      expect(anna.visitorIds).toEqual([kiosk]);
      expect(ben.visitorIds).toEqual([kiosk]);
      // Anna keeps what happened before Ben identified; the call is Ben's.
      expect(anna.scoreReasons.map((reason) => reason.group).sort()).toEqual([
        'key pages',
        'pages',
      ]);
      expect(ben.scoreReasons.map((reason) => reason.group)).toEqual(['calls']);
      const call = (await store.leads.listOutbox(site.id)).find(
        (change) => change.type === 'call.clicked',
      );
      expect(call?.leadId).toBe(ben.id);
    });

    it("merges two leads when one form carries A's email and B's phone; the older survives", async () => {
      const store = getStore();
      const site = await siteOf(store);
      await processBatch(store, site, [
        identify(site, { email: 'a@acme.io' }, { at: T0, visitor: 'va' }),
      ]);
      await processBatch(store, site, [
        identify(site, { phone: '030 1234567' }, { at: T0 + MINUTE, visitor: 'vb' }),
      ]);
      const [a] = (await leadsOf(store, site.id)).filter((lead) => lead.email === 'a@acme.io');
      const [b] = (await leadsOf(store, site.id)).filter((lead) => lead.phone === '+49301234567');
      await processBatch(store, site, [
        formSubmit(site, { email: 'a@acme.io', phone: '+49 30 1234567' }, '/contact', {
          at: T0 + 2 * MINUTE,
          visitor: 'vc',
        }),
      ]);
      const leads = await leadsOf(store, site.id);
      expect(leads).toHaveLength(1);
      expect(leads[0]).toMatchObject({
        id: a!.id,
        email: 'a@acme.io',
        phone: '+49301234567',
        identifiers: { emails: ['a@acme.io'], phones: ['+49301234567'], externalIds: [] },
        visitorIds: ['va', 'vb', 'vc'],
        createdAt: new Date(T0).toISOString(),
      });
      const [merged] = await store.leads.findLeads(site.id, [b!.id]);
      expect(merged?.mergedInto).toBe(a!.id);
      expect(await store.leads.listMerges(site.id)).toMatchObject([
        { fromLeadId: b!.id, intoLeadId: a!.id },
      ]);
      const types = await typesOf(store, site.id);
      expect(types.filter((type) => type === 'lead.merged')).toHaveLength(1);
      expect(types).toContain('form.submitted');
    });

    it('stores a lead made and merged away within one batch, so its id answers', async () => {
      const store = getStore();
      const site = await siteOf(store);
      await processBatch(store, site, [
        identify(site, { email: 'a@acme.io' }, { at: T0, visitor: 'va' }),
        identify(site, { email: 'b@acme.io' }, { at: T0 + 1, visitor: 'vb' }),
        identify(site, { email: 'b@acme.io', phone: '+4930123456' }, { at: T0 + 2, visitor: 'vb' }),
        identify(site, { email: 'a@acme.io', phone: '+4930123456' }, { at: T0 + 3, visitor: 'vc' }),
      ]);
      const [survivor, ...others] = await leadsOf(store, site.id);
      expect(others).toEqual([]);
      const merged = (await store.leads.listMerges(site.id)).map((merge) => merge.fromLeadId);
      expect(merged).toHaveLength(1);
      const [row] = await store.leads.findLeads(site.id, merged);
      expect(row?.mergedInto).toBe(survivor!.id);
      // Erasing the survivor takes the merged lead's announcements (with its phone) along.
      await eraseLead(store, site.id, survivor!.id);
      expect(await store.leads.listOutbox(site.id)).toEqual([]);
      expect(await store.leads.findLeads(site.id, merged)).toEqual([]);
    });

    it('resolves a merge chain: A into B, then B into C', async () => {
      const store = getStore();
      const site = await siteOf(store);
      await processBatch(store, site, [
        identify(site, { email: 'c@acme.io' }, { at: T0, visitor: 'vc' }),
        identify(site, { email: 'b@acme.io' }, { at: T0 + MINUTE, visitor: 'vb' }),
        identify(site, { email: 'a@acme.io' }, { at: T0 + 2 * MINUTE, visitor: 'va' }),
      ]);
      const byEmail = async () =>
        new Map(
          (
            await store.leads.findLeads(
              site.id,
              await store.leads.listLiveLeadIds(site.id, null, 100),
            )
          ).map((lead) => [lead.email, lead.id]),
        );
      const ids = await byEmail();
      await processBatch(store, site, [
        identify(
          site,
          { email: 'a@acme.io', phone: '+4930555111' },
          { at: T0 + 3 * MINUTE, visitor: 'va' },
        ),
      ]);
      await processBatch(store, site, [
        identify(
          site,
          { email: 'b@acme.io', phone: '+4930555111' },
          { at: T0 + 4 * MINUTE, visitor: 'vb' },
        ),
      ]);
      await processBatch(store, site, [
        identify(
          site,
          { email: 'b@acme.io', phone: '+4930555222' },
          { at: T0 + 5 * MINUTE, visitor: 'vb' },
        ),
      ]);
      await processBatch(store, site, [
        identify(
          site,
          { email: 'c@acme.io', phone: '+4930555222' },
          { at: T0 + 6 * MINUTE, visitor: 'vc' },
        ),
      ]);
      const leads = await leadsOf(store, site.id);
      expect(leads.map((lead) => lead.id)).toEqual([ids.get('c@acme.io')]);
      expect(leads[0]!.identifiers.emails).toEqual(['c@acme.io', 'b@acme.io', 'a@acme.io']);
      expect(leads[0]!.visitorIds).toEqual(['va', 'vb', 'vc']);
      // Every merged id points straight at the survivor.
      const merged = await store.leads.findLeads(site.id, [
        ids.get('a@acme.io')!,
        ids.get('b@acme.io')!,
      ]);
      expect(merged.map((lead) => lead.mergedInto)).toEqual([
        ids.get('c@acme.io'),
        ids.get('c@acme.io'),
      ]);
    });

    it("gives a shared browser's form to whoever it belonged to then, whatever the arrival order", async () => {
      const store = getStore();
      const site = await siteOf(store);
      const events = [
        identify(site, { email: 'anna@acme.io' }, { at: T0, visitor: 'x' }),
        formSubmit(site, {}, '/contact', { at: T0 + 2 * MINUTE, visitor: 'x' }),
        identify(site, { email: 'ben@acme.io' }, { at: T0 + MINUTE, visitor: 'x' }),
      ];
      for (const [index, event] of events.entries())
        await processBatch(store, site, [event], T0 + DAY + index);
      const leads = await leadsOf(store, site.id);
      const anna = leads.find((lead) => lead.email === 'anna@acme.io');
      const ben = leads.find((lead) => lead.email === 'ben@acme.io');
      expect([anna?.status, anna?.score]).toEqual(['lead', 0]);
      expect([ben?.status, ben?.score]).toEqual(['mql', 49]);
      const annaChanges = (await store.leads.listOutbox(site.id)).filter(
        (change) => change.leadId === anna?.id && change.type === 'lead.status_changed',
      );
      // Anna's lead was an mql while the form looked like hers; now it is not, and says so.
      expect(annaChanges.map((change) => change.data.current)).toEqual(['mql', 'lead']);
    });

    it('changes nothing when the same identify is replayed', async () => {
      const store = getStore();
      const site = await siteOf(store);
      // Traits in an order Postgres's jsonb does not keep: a replay must still change nothing.
      const batch = [
        identify(
          site,
          { email: 'ada@acme.io', zone: 'EU', company: 'Acme' },
          { at: T0, visitor: 'v1' },
        ),
      ];
      await processBatch(store, site, batch);
      const before = {
        leads: await leadsOf(store, site.id),
        outbox: await store.leads.listOutbox(site.id),
      };
      await processBatch(store, site, batch);
      await processBatch(store, site, [
        { ...batch[0]!, id: crypto.randomUUID(), occurredAt: T0 + MINUTE },
      ]);
      expect(await leadsOf(store, site.id)).toEqual(before.leads);
      expect(await store.leads.listOutbox(site.id)).toEqual(before.outbox);
    });

    it('never identifies anyone with junk, or with an address the site ignores', async () => {
      const store = getStore();
      const site = await siteOf(store, ['info@acme.io', 'sales@*']);
      await processBatch(store, site, [
        identify(site, { email: 'test@test.com' }, { at: T0, visitor: 'v1' }),
        identify(site, { email: 'null', phone: '0000000' }, { at: T0 + 1, visitor: 'v2' }),
        identify(site, { email: 'info@acme.io' }, { at: T0 + 2, visitor: 'v3' }),
        identify(site, { email: 'sales@acme.io', phone: '1234567' }, { at: T0 + 3, visitor: 'v4' }),
      ]);
      expect(await leadsOf(store, site.id)).toEqual([]);
    });

    it('makes one lead of one new email from two browsers, in one batch or in two at once', async () => {
      const store = getStore();
      const site = await siteOf(store);
      await processBatch(store, site, [
        identify(site, { email: 'same@acme.io' }, { at: T0, visitor: 'v1' }),
        identify(site, { email: 'same@acme.io' }, { at: T0 + 1, visitor: 'v2' }),
      ]);
      await Promise.all([
        processBatch(store, site, [
          identify(site, { email: 'twice@acme.io' }, { at: T0 + 2, visitor: 'v3' }),
        ]),
        processBatch(store, site, [
          identify(site, { email: 'twice@acme.io' }, { at: T0 + 3, visitor: 'v4' }),
        ]),
        processBatch(store, site, [
          identify(site, { email: 'twice@acme.io' }, { at: T0 + 4, visitor: 'v5' }),
        ]),
      ]);
      const leads = await leadsOf(store, site.id);
      expect(leads.map((lead) => [lead.email, lead.visitorIds])).toEqual(
        expect.arrayContaining([
          ['same@acme.io', ['v1', 'v2']],
          ['twice@acme.io', ['v3', 'v4', 'v5']],
        ]),
      );
      expect(leads).toHaveLength(2);
      expect(
        (await typesOf(store, site.id)).filter((type) => type === 'lead.created'),
      ).toHaveLength(2);
    });

    it('counts the events of a batch stored while the browser was being identified', async () => {
      const store = getStore();
      const site = await siteOf(store);
      // A pageview batch lands between this update's read of the browser's events and its write:
      // its own update saw no lead yet and wrote nothing.
      const racing = [pageview(site, '/pricing', { at: T0 + 1, visitor: 'v1' })];
      let raced = false;
      const racy: Store = Object.create(store);
      Object.defineProperty(racy, 'leads', {
        value: {
          ...store.leads,
          loadLeadEvents: async (siteId: string, visitors: string[]) => {
            const events = await store.leads.loadLeadEvents(siteId, visitors);
            if (!raced) {
              raced = true;
              await store.ingest(planIngest(racing, hosts));
            }
            return events;
          },
        },
      });
      await processBatch(racy, site, [
        identify(site, { email: 'ada@acme.io' }, { at: T0, visitor: 'v1' }),
      ]);
      const [lead] = await leadsOf(store, site.id);
      expect(lead!.scoreReasons.map((reason) => reason.group)).toEqual(['key pages']);
    });

    it('announces form fills and calls of anonymous visitors too', async () => {
      const store = getStore();
      const site = await siteOf(store);
      await processBatch(store, site, [
        formSubmit(site, { company: 'Acme' }, '/newsletter', { at: T0, visitor: 'anon' }),
        callClick(site, { at: T0 + 1, visitor: 'anon' }),
      ]);
      const outbox = await store.leads.listOutbox(site.id);
      expect(outbox.map((change) => [change.type, change.leadId])).toEqual([
        ['form.submitted', null],
        ['call.clicked', null],
      ]);
      expect(outbox[0]!.data).toMatchObject({
        anonymousId: 'anon',
        form: { id: 'contact' },
        page: { path: '/newsletter' },
      });
    });
  });

  describe(`${name}: erasure`, () => {
    it('erases a merged lead through either id, suppresses it, and keeps an audit entry', async () => {
      const store = getStore();
      const site = await siteOf(store);
      await processBatch(store, site, [
        pageview(site, '/pricing', { at: T0, visitor: 'va' }),
        identify(site, { email: 'a@acme.io' }, { at: T0 + 1, visitor: 'va' }),
        identify(site, { phone: '+4930123456' }, { at: T0 + 2, visitor: 'vb' }),
        pageview(site, '/', { at: T0 + 3, visitor: 'bystander' }),
      ]);
      const [b] = await store.leads.findLeadIdsByIdentifier(site.id, {
        kind: 'phone',
        value: '+4930123456',
      });
      await processBatch(store, site, [
        formSubmit(site, { email: 'a@acme.io', phone: '+4930123456' }, '/contact', {
          at: T0 + 4,
          visitor: 'vc',
        }),
      ]);
      expect(await leadsOf(store, site.id)).toHaveLength(1);

      expect(await eraseLead(store, site.id, b!, () => T0 + DAY)).toBe(true);
      expect(await leadsOf(store, site.id)).toEqual([]);
      expect(await store.leads.findLeads(site.id, [b!])).toEqual([]);
      const left = await store.listEvents(site.id);
      expect(left.map((event) => event.anonymousId)).toEqual(['bystander']);
      for (const visitor of ['va', 'vb', 'vc'])
        expect(await store.findVisitor(site.id, visitor)).toBeNull();
      expect(await store.leads.listOutbox(site.id)).toEqual([]);
      expect(await store.leads.listMerges(site.id)).toEqual([]);
      const [audit, ...more] = await store.leads.listErasures(site.id);
      expect(more).toEqual([]);
      expect(audit).toMatchObject({
        erasedAt: T0 + DAY,
        counts: { identifiers: 2, events: 4, visitors: 3 },
      });
      expect(JSON.stringify(audit)).not.toContain('acme.io');

      // Erasing again is no error, and the same person identifying again is not recreated.
      expect(await eraseLead(store, site.id, b!)).toBe(false);
      const returning = [
        identify(site, { email: 'A@acme.io' }, { at: T0 + 2 * DAY, visitor: 'vd' }),
        identify(
          site,
          { phone: '030 123456', company: 'Acme' },
          { at: T0 + 2 * DAY, visitor: 've' },
        ),
        formSubmit(site, { email: 'a@acme.io' }, '/contact', { at: T0 + 2 * DAY, visitor: 'vd' }),
      ];
      await processBatch(store, site, returning);
      expect(await leadsOf(store, site.id)).toEqual([]);
      // Their events are not kept either (a resend from a retry queue is forgotten again), nor is
      // their form announced.
      const kept = (await store.listEvents(site.id)).map((event) => event.id);
      expect(kept.filter((id) => returning.some((event) => event.id === id))).toEqual([]);
      expect(await store.leads.listOutbox(site.id)).toEqual([]);
    });

    it("erases only the person's part of a shared browser", async () => {
      const store = getStore();
      const site = await siteOf(store);
      const kiosk = 'family-laptop';
      await processBatch(store, site, [
        pageview(site, '/', { at: T0, visitor: kiosk }),
        identify(site, { email: 'anna@acme.io' }, { at: T0 + MINUTE, visitor: kiosk }),
        identify(
          site,
          { email: 'ben@acme.io' },
          { at: T0 + 10 * MINUTE, visitor: kiosk, session: 'later' },
        ),
        pageview(site, '/pricing', { at: T0 + 11 * MINUTE, visitor: kiosk, session: 'later' }),
      ]);
      const [anna] = await store.leads.findLeadIdsByIdentifier(site.id, {
        kind: 'email',
        value: 'anna@acme.io',
      });
      expect(await eraseLead(store, site.id, anna!)).toBe(true);
      const [ben, ...others] = await leadsOf(store, site.id);
      expect(others).toEqual([]);
      expect(ben).toMatchObject({ email: 'ben@acme.io', visitorIds: [kiosk] });
      expect((await store.listEvents(site.id)).map((event) => event.occurredAt)).toEqual([
        T0 + 10 * MINUTE,
        T0 + 11 * MINUTE,
      ]);
      expect(await store.findVisitor(site.id, kiosk)).not.toBeNull();
      // A late pageview from Anna's time on the browser is nobody's, not Ben's.
      await processBatch(store, site, [
        pageview(site, '/pricing', { at: T0 + 2 * MINUTE, visitor: kiosk }),
      ]);
      const [after] = await leadsOf(store, site.id);
      expect(after!.score).toBe(ben!.score);
    });
  });

  describe(`${name}: scoring`, () => {
    it('scores a known history as documented, announces it once, and qualifies the lead', async () => {
      const store = getStore();
      const site = await siteOf(store);
      const visit = { visitor: 'v1', session: 's1' };
      // Defaults: page +1, pricing/contact +10, form +50 first, call +20, return visit +3.
      await processBatch(
        store,
        site,
        [
          pageview(site, '/', { ...visit, at: T0 }),
          pageview(site, '/pricing', { ...visit, at: T0 + MINUTE }),
          formSubmit(site, { email: 'ada@acme.io' }, '/contact', { ...visit, at: T0 + 2 * MINUTE }),
          callClick(site, { ...visit, at: T0 + 3 * MINUTE }),
          pageview(site, '/blog', { visitor: 'v1', session: 's2', at: T0 + DAY }),
        ],
        T0 + DAY,
      );
      const [lead] = await leadsOf(store, site.id);
      // (1 + 10 + 50 + 20) · 2^(−1/30) (a day old) + 1 + 3 (today) = 79.15 + 4 → 83.
      expect(lead).toMatchObject({ score: 83, status: 'mql' });
      expect(lead!.scoreReasons).toEqual([
        { group: 'forms', points: 48.9 },
        { group: 'calls', points: 19.5 },
        { group: 'key pages', points: 9.8 },
        { group: 'return visits', points: 3 },
        { group: 'pages', points: 2 },
      ]);
      const changes = await store.leads.listOutbox(site.id);
      expect(
        changes
          .filter((change) => change.type === 'lead.score_changed')
          .map((change) => change.data),
      ).toEqual([{ leadId: lead!.id, previous: 0, current: 83, reasons: lead!.scoreReasons }]);
      expect(changes.find((change) => change.type === 'lead.status_changed')?.data).toEqual({
        leadId: lead!.id,
        previous: 'lead',
        current: 'mql',
      });
    });

    it('sends at most one score change per batch, and none for a move under the step', async () => {
      const store = getStore();
      const site = await siteOf(store);
      await processBatch(
        store,
        site,
        [identify(site, { email: 'ada@acme.io' }, { at: T0, visitor: 'v1' })],
        T0,
      );
      // Two pageviews: +2, under the step of 5.
      await processBatch(
        store,
        site,
        [
          pageview(site, '/a', { at: T0 + 1, visitor: 'v1' }),
          pageview(site, '/b', { at: T0 + 2, visitor: 'v1' }),
        ],
        T0 + 2,
      );
      expect(
        (await typesOf(store, site.id)).filter((type) => type === 'lead.score_changed'),
      ).toHaveLength(0);
      // Five more: the score is now 7, 7 from the last announced (0).
      await processBatch(
        store,
        site,
        ['/c', '/d', '/e', '/f', '/g'].map((path, index) =>
          pageview(site, path, { at: T0 + 3 + index, visitor: 'v1' }),
        ),
        T0 + 10,
      );
      expect(await scoreChanges(store, site.id)).toEqual([[0, 7]]);
    });

    it('announces a new lead with any score from 0', async () => {
      const store = getStore();
      const site = await siteOf(store);
      await processBatch(
        store,
        site,
        [
          pageview(site, '/a', { at: T0, visitor: 'v1' }),
          pageview(site, '/b', { at: T0 + 1, visitor: 'v1' }),
          identify(site, { email: 'ada@acme.io' }, { at: T0 + 2, visitor: 'v1' }),
        ],
        T0 + 2,
      );
      expect(await scoreChanges(store, site.id)).toEqual([[0, 2]]);
    });

    it('rescores every lead after a rule change, in pages', async () => {
      const store = getStore();
      const site = await siteOf(store);
      await processBatch(
        store,
        site,
        Array.from({ length: 60 }, (_, index) =>
          formSubmit(site, { email: `lead${index}@acme.io` }, '/contact', {
            at: T0,
            visitor: `v${index}`,
          }),
        ),
        T0,
      );
      expect((await leadsOf(store, site.id)).every((lead) => lead.score === 50)).toBe(true);
      const rules = await store.leads.getScoringRules(site.id);
      await store.leads.putScoringRules(
        site.id,
        { ...rules, engagement: [{ group: 'forms', event: 'form_submit', points: 5 }] },
        T0,
      );
      const first = await rescoreStep(store, { ...site }, null, () => T0);
      expect(first.next).not.toBeNull();
      // Every lead of the page went from 50 to 5: one score change each.
      expect(first.changes).toBeGreaterThanOrEqual(50);
      const second = await rescoreStep(store, site, first.next, () => T0);
      expect(second.next).toBeNull();
      expect((await leadsOf(store, site.id)).map((lead) => lead.score)).toEqual(Array(60).fill(5));
    });
  });

  describe(`${name}: order independence`, () => {
    it('ends in the same leads, identifiers and scores for any order and duplication of the same events', async () => {
      const store = getStore();
      const emails = ['a@acme.io', 'b@acme.io', 'c@acme.io'];
      const phones = ['+4930111222', '+4930333444'];
      const step = fc.record({
        visitor: fc.constantFrom('v1', 'v2', 'v3'),
        kind: fc.constantFrom('pageview', 'identify', 'form'),
        email: fc.option(fc.constantFrom(...emails), { nil: undefined }),
        phone: fc.option(fc.constantFrom(...phones), { nil: undefined }),
        path: fc.constantFrom('/', '/pricing', '/blog'),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(step, { minLength: 1, maxLength: 8 }),
          fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
          fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 16, maxLength: 16 }),
          async (steps, order, cuts) => {
            const run = async (arrange: (records: EventRecord[]) => EventRecord[][]) => {
              const site = await siteOf(store);
              const records = steps.map((s, index) => {
                const visit = { visitor: s.visitor, at: T0 + index * MINUTE };
                const traits: JsonObject = {};
                if (s.email) traits.email = s.email;
                if (s.phone) traits.phone = s.phone;
                return s.kind === 'pageview'
                  ? pageview(site, s.path, visit)
                  : s.kind === 'identify'
                    ? identify(site, traits, visit)
                    : formSubmit(site, traits, s.path, visit);
              });
              for (const batch of arrange(records))
                await processBatch(store, site, batch, T0 + DAY);
              return (await leadsOf(store, site.id))
                .map((lead) => ({
                  identifiers: lead.identifiers,
                  visitorIds: lead.visitorIds,
                  score: lead.score,
                  status: lead.status,
                  email: lead.email,
                  createdAt: lead.createdAt,
                }))
                .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
            };
            const inOrder = await run((records) => [records]);
            const shuffled = await run((records) => {
              // Every record once or twice (fresh copies: a resend carries the same id), in a
              // shuffled order, cut into batches.
              const sent = records.flatMap((r, index) =>
                order[index]! % 3 === 0 ? [r, { ...r }] : [r],
              );
              const mixed = sent
                .map((r, index) => ({ r, key: order[index % order.length]! * 31 + index }))
                .sort((a, b) => a.key - b.key)
                .map(({ r }) => r);
              const batches: EventRecord[][] = [];
              for (let start = 0, index = 0; start < mixed.length; index++) {
                const size = cuts[index % cuts.length]!;
                batches.push(mixed.slice(start, start + size));
                start += size;
              }
              return batches;
            });
            expect(shuffled).toEqual(inOrder);
          },
        ),
        { numRuns: propertyRuns },
      );
      // Many stores and batches per property run: give a busy two-core machine room.
    }, 60_000);
  });
}
