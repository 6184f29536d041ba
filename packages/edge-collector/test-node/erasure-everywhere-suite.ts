// Erasure as a privacy officer checks it: a person who browsed, filled a form, was identified by
// a backend, had traits set, a deal recorded with an Idempotency-Key and webhooks announced, is
// erased through `DELETE /v1/leads/{id}` — and then every table of the database is read whole and
// searched for anything that was theirs. Only the suppression hashes and an audit entry without
// personal data may remain. Run on D1 and on Postgres by erasure-everywhere-*.test.ts.

import type { CreateSiteResponse, Lead } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { relayChanges } from '../src/runtime/webhook-deliverer.ts';
import type { Store } from '../src/store/types.ts';
import { browser, FROM, harness, MINUTE, T0 } from './leads-api-harness.ts';

/** Every row of every table, as JSON text per table. */
export type DatabaseDump = () => Promise<Record<string, string>>;

const PERSON = {
  email: 'erika.mustermann@mustermann-bau.de',
  phoneAsTyped: '030 1234 5678',
  phone: '+493012345678',
  name: 'Erika Mustermann',
  externalId: 'crm-erika-4711',
  browser: 'browser-of-erika',
  note: 'Erika prefers calls after 5',
};

export function describeErasureEverywhere(name: string, getStore: () => Store, dump: DatabaseDump) {
  const h = harness(getStore);
  let site: CreateSiteResponse;
  let api: ReturnType<typeof h.client>;

  beforeAll(async () => {
    site = await h.createSite('Erasure');
    api = h.client(site);
  });

  describe(`${name}: erasure leaves no trace`, () => {
    it('removes every trace of the person from every table, keeps the suppression and the audit', async () => {
      await api.ok(
        api.send('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/', eventTypes: ['*'] }),
        201,
      );
      const visit = { visitor: PERSON.browser, at: T0 };
      await api.browse([
        browser.pageview('/pricing', visit, FROM.googleAds),
        browser.form(
          { email: PERSON.email, phone: PERSON.phoneAsTyped, name: PERSON.name },
          { ...visit, at: T0 + MINUTE },
        ),
      ]);
      await api.ok(
        api.send('POST', '/v1/identify', {
          email: PERSON.email,
          externalId: PERSON.externalId,
          traits: { company: 'Mustermann Bau' },
        }),
        202,
      );
      const lead: Lead = await api.byEmail(PERSON.email);
      await api.ok(
        api.send('PATCH', `/v1/leads/${lead.id}`, { traits: { note: PERSON.note }, owner: 'max' }),
      );
      await api.ok(
        api.call('/v1/conversions', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': 'deal-erika' },
          body: JSON.stringify({
            email: PERSON.email,
            stage: 'customer',
            value: 1200,
            currency: 'EUR',
            externalId: 'deal-erika',
            properties: { contact: PERSON.name },
          }),
        }),
        201,
      );
      await relayChanges(getStore(), site.site.id, h.now);

      // Before: the person is in the database, in many tables — so the search below can fail.
      const before = Object.entries(await dump())
        .filter(([, rows]) => rows.includes(PERSON.email))
        .map(([table]) => table);
      expect(before).toEqual(expect.arrayContaining(['events', 'lead_identifiers', 'leads']));
      expect(before.length).toBeGreaterThanOrEqual(5);

      const erased = await api.call(`/v1/leads/${lead.id}`, { method: 'DELETE' });
      expect(erased.status).toBe(204);

      const tables = await dump();
      const needles = [
        PERSON.email,
        PERSON.phone,
        PERSON.phoneAsTyped,
        PERSON.name,
        'Mustermann',
        PERSON.externalId,
        PERSON.browser,
        PERSON.note,
      ];
      const traces = Object.entries(tables).flatMap(([table, rows]) =>
        needles.filter((needle) => rows.includes(needle)).map((needle) => `${table}: ${needle}`),
      );
      expect(traces).toEqual([]);
      // What stays: hashes that keep the person from being recreated, and an audit entry.
      expect(tables.suppressions).toMatch(/[0-9a-f]{64}/);
      expect(tables.erasures).toContain(lead.id);

      // Idempotent: erasing again is a 204 too, and the id answers 404.
      expect((await api.call(`/v1/leads/${lead.id}`, { method: 'DELETE' })).status).toBe(204);
      await api.problem(api.call(`/v1/leads/${lead.id}`), 404);
    });
  });
}
