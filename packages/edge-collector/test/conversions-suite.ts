// `POST` / `GET /v1/conversions` on a real database: the same cases run on D1 in workerd
// (conversions-d1.test.ts) and on Postgres in Node (test-node/conversions-postgres.test.ts).
// Leads come from identify events through the real ingest and lead updater; what is checked is
// what a backend team and an integrator would see: answers, the lead's status, the outbox.

import type { Conversion, ConversionList, JsonObject, Lead } from '@leadloop/schema';
import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { relayChanges } from '../src/runtime/webhook-deliverer.ts';
import type { Store } from '../src/store/types.ts';
import { identify, processBatch } from './lead-suite.ts';
import {
  type ApiSite,
  apiOn,
  DAY,
  faultOnce,
  HOUR,
  MINUTE,
  problemOf,
  siteThrough,
  T0,
} from './outcomes-api.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export function describeConversions(name: string, getStore: () => Store) {
  describe(`conversions on ${name}`, () => {
    const clock = { now: T0 + 2 * DAY };
    let app: Hono;
    beforeAll(() => {
      app = apiOn(getStore(), clock);
    });

    /** A site with a lead per email (identified a day before the clock), and their ids. */
    async function siteWithLeads(...emails: string[]) {
      const store = getStore();
      const site = await siteThrough(app, store);
      const ids: string[] = [];
      for (const [index, email] of emails.entries()) {
        await processBatch(store, site.site, [
          identify(site.site, { email }, { at: T0 + index * MINUTE, visitor: `v-${email}` }),
        ]);
        const [id] = await store.leads.findLeadIdsByIdentifier(site.site.id, {
          kind: 'email',
          value: email,
        });
        ids.push(id!);
      }
      return { ...site, ids };
    }

    const post = (site: ApiSite, body: unknown, headers: Record<string, string> = {}) =>
      site.api('/v1/conversions', { method: 'POST', body, headers });
    const leadOf = async (site: ApiSite, id: string) =>
      (await (await site.api(`/v1/leads/${id}`)).json()) as Lead;
    const recorded = async (site: ApiSite) =>
      (await getStore().leads.listOutbox(site.site.id)).filter(
        (change) => change.type === 'conversion.recorded',
      );

    it('records a won deal: 201 with the conversion, the lead a customer, the change announced', async () => {
      const site = await siteWithLeads('jane@acme.com');
      const response = await post(site, {
        email: ' Jane@ACME.com ',
        stage: 'customer',
        value: 5000,
        currency: 'eur',
        occurredAt: '2026-11-24T09:30:00+01:00',
        externalId: 'deal-1001',
        properties: { pipeline: 'enterprise', seats: 12 },
      });
      expect(response.status).toBe(201);
      const conversion = (await response.json()) as Conversion;
      expect(conversion).toEqual({
        id: expect.stringMatching(/^conv_/),
        leadId: site.ids[0],
        stage: 'customer',
        value: 5000,
        currency: 'EUR',
        occurredAt: '2026-11-24T08:30:00.000Z',
        externalId: 'deal-1001',
        properties: { pipeline: 'enterprise', seats: 12 },
        createdAt: iso(clock.now),
      });
      expect(response.headers.get('location')).toBe(`/v1/conversions/${conversion.id}`);
      expect(await (await site.api(`/v1/conversions/${conversion.id}`)).json()).toEqual(conversion);

      expect((await leadOf(site, site.ids[0]!)).status).toBe('customer');
      const changes = await recorded(site);
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatchObject({
        id: `conversion.recorded:${conversion.id}`,
        leadId: site.ids[0],
        occurredAt: Date.parse(conversion.occurredAt),
        data: conversion as unknown as JsonObject,
      });
      const statusChanges = (await getStore().leads.listOutbox(site.site.id)).filter(
        (change) => change.type === 'lead.status_changed',
      );
      expect(statusChanges.map((change) => change.data.current)).toEqual(['customer']);
    });

    it('finds the lead by phone as the collector stored it, and defaults occurredAt to now', async () => {
      const store = getStore();
      const site = await siteThrough(app, store);
      await processBatch(store, site.site, [
        identify(site.site, { phone: '030 2840591' }, { at: T0, visitor: 'v-phone' }),
      ]);
      const response = await post(site, { phone: '+49 (30) 284-0591', stage: 'opportunity' });
      expect(response.status).toBe(201);
      const conversion = (await response.json()) as Conversion;
      expect(conversion).toMatchObject({
        value: null,
        currency: null,
        externalId: null,
        properties: {},
        occurredAt: iso(clock.now),
      });
      expect((await leadOf(site, conversion.leadId)).status).toBe('opportunity');
    });

    it('answers a replay of the same externalId and body with 200 and the same conversion, announced once', async () => {
      const site = await siteWithLeads('ravi@acme.com');
      const body = {
        leadId: site.ids[0],
        stage: 'opportunity',
        value: 1200.5,
        currency: 'USD',
        occurredAt: '2026-11-24T12:00:00Z',
        externalId: 'deal-7',
        properties: { a: 1, b: 2 },
      };
      const first = await post(site, body);
      expect(first.status).toBe(201);
      const created = (await first.json()) as Conversion;

      clock.now += MINUTE;
      // The same request, written differently: key order, currency case, offset.
      const again = await post(site, {
        ...body,
        currency: 'usd',
        occurredAt: '2026-11-24T13:00:00+01:00',
        properties: { b: 2, a: 1 },
      });
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual(created);
      expect((await post(site, body)).status).toBe(200);

      const list = (await (await site.api('/v1/conversions')).json()) as ConversionList;
      expect(list.data).toEqual([created]);
      expect(await recorded(site)).toHaveLength(1);
      const statusChanges = (await getStore().leads.listOutbox(site.site.id)).filter(
        (change) => change.type === 'lead.status_changed',
      );
      expect(statusChanges).toHaveLength(1);
    });

    it('reaches a webhook subscribed to every type as conversion.recorded, once, with the lead', async () => {
      const site = await siteWithLeads('lena@acme.com');
      const subscribed = await site.api('/v1/webhooks', {
        method: 'POST',
        body: { url: 'https://hooks.acme.com/leadloop', eventTypes: ['*'] },
      });
      expect(subscribed.status).toBe(201);
      const body = {
        leadId: site.ids[0],
        stage: 'customer',
        value: 250,
        currency: 'CHF',
        externalId: 'deal-hook',
      };
      const conversion = (await (await post(site, body)).json()) as Conversion;
      await post(site, body);
      await relayChanges(getStore(), site.site.id, () => clock.now);
      await post(site, body);
      await relayChanges(getStore(), site.site.id, () => clock.now);

      const { id: webhookId } = (await subscribed.json()) as { id: string };
      const deliveries = (
        await getStore().webhooks.listDeliveries(site.site.id, webhookId, {
          before: null,
          limit: 100,
        })
      ).filter(({ delivery }) => delivery.eventType === 'conversion.recorded');
      expect(deliveries).toHaveLength(1);
      const claimed = await getStore().webhooks.claimDelivery(
        deliveries[0]!.delivery.id,
        clock.now,
        clock.now + MINUTE,
      );
      if (!('body' in claimed)) throw new Error(`not claimable: ${claimed.kind}`);
      expect(JSON.parse(claimed.body)).toMatchObject({
        type: 'conversion.recorded',
        timestamp: conversion.occurredAt,
        data: { ...conversion, lead: { id: site.ids[0], status: 'customer' } },
      });
    });

    it('refuses the same externalId with a different body: 409, and the first conversion stands', async () => {
      const site = await siteWithLeads('mia@acme.com');
      const body = {
        leadId: site.ids[0],
        stage: 'customer',
        externalId: 'deal-9',
        value: 10,
        currency: 'EUR',
      };
      const created = (await (await post(site, body)).json()) as Conversion;
      for (const changed of [
        { ...body, value: 11 },
        { ...body, stage: 'lost' },
        { ...body, occurredAt: iso(clock.now - HOUR) },
      ]) {
        const problem = await problemOf(await post(site, changed), 409);
        expect(problem.type).toBe('urn:leadloop:problem:external-id-reused');
        expect(problem.detail).toContain('deal-9');
      }
      expect(await (await site.api(`/v1/conversions/${created.id}`)).json()).toEqual(created);
      expect((await leadOf(site, site.ids[0]!)).status).toBe('customer');
    });

    it('moves a lead from opportunity to customer, and a lost deal to lost', async () => {
      const site = await siteWithLeads('olga@acme.com', 'li@acme.com');
      const [won, lost] = site.ids as [string, string];
      await post(site, { leadId: won, stage: 'opportunity', occurredAt: iso(T0 + DAY) });
      expect((await leadOf(site, won)).status).toBe('opportunity');
      clock.now += MINUTE; // the outbox is in announcement order
      await post(site, { leadId: won, stage: 'customer', occurredAt: iso(T0 + DAY + HOUR) });
      expect((await leadOf(site, won)).status).toBe('customer');

      await post(site, { leadId: lost, stage: 'opportunity', occurredAt: iso(T0 + DAY) });
      await post(site, { leadId: lost, stage: 'lost', occurredAt: iso(T0 + DAY + HOUR) });
      expect((await leadOf(site, lost)).status).toBe('lost');

      const statuses = (await getStore().leads.listOutbox(site.site.id))
        .filter((change) => change.type === 'lead.status_changed' && change.leadId === won)
        .map((change) => [change.data.previous, change.data.current]);
      expect(statuses).toEqual([
        ['lead', 'opportunity'],
        ['opportunity', 'customer'],
      ]);
    });

    it('keeps and announces an older outcome that arrives late, without moving the lead back', async () => {
      const site = await siteWithLeads('noah@acme.com');
      const leadId = site.ids[0]!;
      const newer = await post(site, {
        leadId,
        stage: 'customer',
        occurredAt: iso(T0 + DAY + HOUR),
      });
      expect(newer.status).toBe(201);
      const older = await post(site, { leadId, stage: 'opportunity', occurredAt: iso(T0 + DAY) });
      expect(older.status).toBe(201);
      expect((await leadOf(site, leadId)).status).toBe('customer');
      expect((await recorded(site)).map((change) => change.data.stage).sort()).toEqual([
        'customer',
        'opportunity',
      ]);
      // A later stage still moves it: a customer who churns.
      await post(site, { leadId, stage: 'lost', occurredAt: iso(T0 + DAY + 2 * HOUR) });
      expect((await leadOf(site, leadId)).status).toBe('lost');
    });

    it('records against the survivor when given a merged lead id', async () => {
      const store = getStore();
      const site = await siteThrough(app, store);
      await processBatch(store, site.site, [
        identify(site.site, { email: 'ana@acme.com' }, { at: T0, visitor: 'va' }),
      ]);
      await processBatch(store, site.site, [
        identify(site.site, { phone: '030 2840592' }, { at: T0 + MINUTE, visitor: 'vb' }),
      ]);
      const [older] = await store.leads.findLeadIdsByIdentifier(site.site.id, {
        kind: 'email',
        value: 'ana@acme.com',
      });
      const [newer] = await store.leads.findLeadIdsByIdentifier(site.site.id, {
        kind: 'phone',
        value: '+49302840592',
      });
      // Before the merge, a conversion of the lead that will be merged away.
      const early = (await (
        await post(site, { leadId: newer, stage: 'opportunity', occurredAt: iso(T0 + HOUR) })
      ).json()) as Conversion;
      expect(early.leadId).toBe(newer);
      await processBatch(store, site.site, [
        identify(
          site.site,
          { email: 'ana@acme.com', phone: '030 2840592' },
          { at: T0 + 2 * MINUTE, visitor: 'vc' },
        ),
      ]);
      expect((await store.leads.findLeads(site.site.id, [newer!]))[0]?.mergedInto).toBe(older);

      const response = await post(site, {
        leadId: newer,
        stage: 'customer',
        value: 99.99,
        currency: 'GBP',
      });
      expect(response.status).toBe(201);
      expect(((await response.json()) as Conversion).leadId).toBe(older);
      expect((await leadOf(site, older!)).status).toBe('customer');

      // Either id lists both, each shown with the survivor.
      for (const leadId of [older, newer]) {
        const list = (await (
          await site.api(`/v1/conversions?leadId=${leadId}`)
        ).json()) as ConversionList;
        expect(list.data.map((conversion) => [conversion.stage, conversion.leadId])).toEqual([
          ['customer', older],
          ['opportunity', older],
        ]);
      }
    });

    it('answers 404 for a lead it does not know, and stores nothing', async () => {
      const site = await siteWithLeads('zoe@acme.com');
      const unknownId = await problemOf(
        await post(site, { leadId: 'lead_nobody', stage: 'customer' }),
        404,
      );
      expect(unknownId.detail).toContain('lead_nobody');
      const unknownEmail = await problemOf(
        await post(site, { email: 'nobody@acme.com', stage: 'customer', externalId: 'deal-x' }),
        404,
      );
      // Answers are logged and kept: they never echo a person's email.
      expect(unknownEmail.detail).not.toContain('nobody@acme.com');
      expect(((await (await site.api('/v1/conversions')).json()) as ConversionList).data).toEqual(
        [],
      );
      // Another site's lead is unknown here too.
      const other = await siteWithLeads('zoe@acme.com');
      await problemOf(await post(other, { leadId: site.ids[0], stage: 'customer' }), 404);
    });

    it('completes the lead update on a retry when it failed after the row was stored', async () => {
      const store = getStore();
      const site = await siteWithLeads('kai@acme.com');
      const leadId = site.ids[0]!;
      const body = {
        leadId,
        stage: 'customer',
        externalId: 'deal-retry',
        value: 300,
        currency: 'EUR',
      };
      const faulty = apiOn(faultOnce(store, 'leads', 'commitLeadUpdate'), clock);
      const failed = await faulty.request('/v1/conversions', {
        method: 'POST',
        headers: { authorization: `Bearer ${site.secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(failed.status).toBe(500);
      expect((await leadOf(site, leadId)).status).toBe('lead');
      expect(await recorded(site)).toHaveLength(0);

      const retried = await post(site, body);
      expect(retried.status).toBe(200);
      expect((await leadOf(site, leadId)).status).toBe('customer');
      expect(await recorded(site)).toHaveLength(1);
    });

    it('erases the conversions with the lead (DELETE /v1/leads/{id}), kept answers included', async () => {
      const site = await siteWithLeads('gone@acme.com', 'stays@acme.com');
      const [gone, stays] = site.ids as [string, string];
      const erased = (await (
        await post(
          site,
          { leadId: gone, stage: 'customer', externalId: 'deal-gone', properties: { note: 'vip' } },
          { 'idempotency-key': 'erase-me' },
        )
      ).json()) as Conversion;
      const kept = (await (
        await post(site, { leadId: stays, stage: 'opportunity' })
      ).json()) as Conversion;
      expect((await site.api(`/v1/leads/${gone}`, { method: 'DELETE' })).status).toBe(204);

      await problemOf(await site.api(`/v1/conversions/${erased.id}`), 404);
      const list = (await (await site.api('/v1/conversions')).json()) as ConversionList;
      expect(list.data).toEqual([kept]);
      expect(await recorded(site)).toEqual([expect.objectContaining({ leadId: stays })]);
      expect(await getStore().idempotency.find(site.site.id, 'erase-me')).toBeNull();
      // Its externalId is free again, and there is no lead to record it for.
      await problemOf(
        await post(site, { leadId: gone, stage: 'customer', externalId: 'deal-gone' }),
        404,
      );
    });

    describe('refuses bad requests by field', () => {
      let site: Awaited<ReturnType<typeof siteWithLeads>>;
      beforeAll(async () => {
        site = await siteWithLeads('val@acme.com');
      });
      const valid = () => ({ leadId: site.ids[0], stage: 'customer' });
      const cases: [what: string, change: Record<string, unknown>, path: string][] = [
        ['an unknown key', { amount: 5 }, 'amount'],
        ['a value without a currency', { value: 5 }, 'currency'],
        ['a currency that is not a code', { value: 5, currency: 'EURO' }, 'currency'],
        ['an unknown currency', { value: 5, currency: 'ABC' }, 'currency'],
        ['a negative value', { value: -1, currency: 'USD' }, 'value'],
        ['a value as text', { value: '5000', currency: 'USD' }, 'value'],
        ['cents of yen', { value: 100.5, currency: 'JPY' }, 'value'],
        ['a third decimal of dollars', { value: 19.999, currency: 'USD' }, 'value'],
        ['an unknown stage', { stage: 'won' }, 'stage'],
        ['a date without a time', { occurredAt: '2026-11-24' }, 'occurredAt'],
        ['a time without an offset', { occurredAt: '2026-11-24T10:00:00' }, 'occurredAt'],
        ['a time in the future', { occurredAt: iso(T0 + 3 * DAY) }, 'occurredAt'],
        ['an externalId over 200 characters', { externalId: 'd'.repeat(201) }, 'externalId'],
        ['properties that are not an object', { properties: 'vip' }, 'properties'],
        ['properties over 4 KB', { properties: { note: 'n'.repeat(5000) } }, 'properties'],
        ['no lead at all', { leadId: undefined }, 'leadId'],
        ['two ways to the lead', { email: 'val@acme.com' }, 'email'],
      ];
      it.each(cases)('%s → 400 naming the field', async (_what, change, path) => {
        const problem = await problemOf(await post(site, { ...valid(), ...change }), 400);
        expect(problem.type).toBe('urn:leadloop:problem:validation-failed');
        expect(problem.errors?.map((error) => error.path)).toContain(path);
      });

      it('refuses a body over 16 KB with 413, and one that is not JSON with 400', async () => {
        const huge = { ...valid(), properties: { note: 'n'.repeat(17_000) } };
        await problemOf(await post(site, huge), 413);
        const malformed = await problemOf(await post(site, '{"stage":'), 400);
        expect(malformed.type).toBe('urn:leadloop:problem:malformed-json');
      });

      it('refuses a write key, a missing key and an unknown key with 401', async () => {
        for (const key of [site.writeKey, '', 'sk_unknown']) {
          const response = await site.api('/v1/conversions', {
            method: 'POST',
            body: valid(),
            key,
          });
          await problemOf(response, 401);
        }
        await problemOf(await site.api('/v1/conversions', { key: site.writeKey }), 401);
      });
    });

    describe('GET /v1/conversions', () => {
      let site: Awaited<ReturnType<typeof siteWithLeads>>;
      const times = [1, 2, 3, 4, 5].map((hours) => T0 + DAY + hours * HOUR);
      beforeAll(async () => {
        site = await siteWithLeads('pia@acme.com', 'tom@acme.com');
        for (const [index, at] of times.entries())
          await post(site, {
            leadId: site.ids[index % 2],
            stage: index === 4 ? 'customer' : 'opportunity',
            occurredAt: iso(at),
            externalId: `deal-${index}`,
          });
      });
      const list = async (query: string) => {
        const response = await site.api(`/v1/conversions${query}`);
        expect(response.status).toBe(200);
        return (await response.json()) as ConversionList;
      };

      it('pages newest first with an opaque cursor', async () => {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: ConversionList = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
          expect(page.data.length).toBeLessThanOrEqual(2);
          seen.push(...page.data.map((conversion) => conversion.occurredAt));
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        expect(pages).toBe(3);
        expect(seen).toEqual([...times].reverse().map(iso));
        expect((await list('')).data).toHaveLength(5);
      });

      it('filters by lead, stage and an inclusive occurredAt range', async () => {
        const pia = await list(`?leadId=${site.ids[0]}`);
        expect(pia.data.map((conversion) => conversion.externalId)).toEqual([
          'deal-4',
          'deal-2',
          'deal-0',
        ]);
        expect((await list('?stage=customer')).data.map((c) => c.externalId)).toEqual(['deal-4']);
        const range = await list(
          `?from=${encodeURIComponent(iso(times[1]!))}&to=${encodeURIComponent(iso(times[3]!))}`,
        );
        expect(range.data.map((c) => c.externalId)).toEqual(['deal-3', 'deal-2', 'deal-1']);
        const offset = await list(`?from=${encodeURIComponent('2026-11-24T14:00:00+01:00')}`);
        expect(offset.data.map((c) => c.externalId)).toEqual(['deal-4', 'deal-3', 'deal-2']);
        expect((await list('?leadId=lead_nobody')).data).toEqual([]);
      });

      it('refuses a bad cursor, an unknown filter and bad bounds by name', async () => {
        for (const cursor of ['nonsense', 'eyJhIjoxfQ', encodeURIComponent('1_conv')]) {
          const problem = await problemOf(await site.api(`/v1/conversions?cursor=${cursor}`), 400);
          expect(problem.errors?.map((error) => error.path)).toEqual(['cursor']);
        }
        const paths = async (query: string) =>
          (await problemOf(await site.api(`/v1/conversions${query}`), 400)).errors?.map(
            (error) => error.path,
          );
        expect(await paths('?status=customer')).toContain('status');
        expect(await paths('?limit=101')).toContain('limit');
        expect(await paths('?stage=won')).toContain('stage');
        expect(await paths('?from=yesterday')).toContain('from');
        expect(await paths(`?from=${iso(T0 + DAY)}&to=${iso(T0)}`)).toContain('from');
      });

      it('answers 404 for an unknown conversion id', async () => {
        await problemOf(await site.api('/v1/conversions/conv_nothing'), 404);
      });
    });
  });
}
