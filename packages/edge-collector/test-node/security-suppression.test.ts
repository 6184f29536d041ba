// Security: an erased person stays erased. After `DELETE /v1/leads/{id}` their identifiers are kept
// only as suppression hashes, and nothing that arrives later brings them back as a lead: not the
// browser's stored retry queue resending their form, not a new browser, not the backend's
// identify or events, not a CRM outcome by email or phone, in any spelling of them. People who
// were never erased still become leads the same moment (the suppression is not a blanket block).
// Run on D1 and on Postgres through the real app and consumer (leads-api-harness.ts).

import type { CreateSiteResponse } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/types.ts';
import { freshD1Store } from './fresh-d1.ts';
import { freshPostgresStore } from './fresh-database.ts';
import { browser, FROM, harness, MINUTE, T0 } from './leads-api-harness.ts';

const PERSON = {
  email: 'bertha.benz@motorwagen.de',
  phoneAsTyped: '0621 123 4567',
  phone: '+496211234567',
};

function describeSuppression(name: string, getStore: () => Store) {
  describe(`${name}: an erased person is not re-identified`, () => {
    const h = harness(getStore);
    let site: CreateSiteResponse;
    let api: ReturnType<typeof h.client>;

    beforeAll(async () => {
      site = await h.createSite('Suppression');
      api = h.client(site);
    });

    const leadsOf = async (field: 'email' | 'phone', value: string) =>
      (await api.list(`?${field}=${encodeURIComponent(value)}`)).data;

    it('stays gone whatever arrives after the erasure', async () => {
      const visit = { visitor: 'bertha-laptop', at: T0 };
      const form = browser.form(
        { email: PERSON.email, phone: PERSON.phoneAsTyped },
        { ...visit, at: T0 + MINUTE },
      );
      await api.browse([browser.pageview('/pricing', visit, FROM.googleAds), form]);
      const lead = await api.byEmail(PERSON.email);
      expect(lead.phone).toBe(PERSON.phone);
      expect((await api.call(`/v1/leads/${lead.id}`, { method: 'DELETE' })).status).toBeLessThan(
        300,
      );
      expect(await leadsOf('email', PERSON.email)).toEqual([]);

      h.advance(60 * MINUTE);
      const later = { visitor: 'bertha-phone', at: h.now() };
      // The browser's retry queue resends the very same form (same event id) …
      await api.browse([form]);
      // … a new browser identifies her in other spellings …
      await api.browse([
        browser.pageview('/', later),
        browser.identify({ email: ` ${PERSON.email.toUpperCase()} ` }, later),
        browser.form({ phone: PERSON.phone }, { ...later, at: later.at + 1 }),
      ]);
      // … and the backend knows her too.
      await api.ok(api.send('POST', '/v1/identify', { email: PERSON.email }), 202);
      await api.ok(
        api.send('POST', '/v1/events', {
          events: [
            { type: 'identify', phone: PERSON.phoneAsTyped },
            { type: 'track', name: 'call_completed', phone: PERSON.phone },
          ],
        }),
        202,
      );
      const outcome = await api.send('POST', '/v1/conversions', {
        email: PERSON.email,
        stage: 'customer',
        value: 100,
        currency: 'EUR',
      });
      expect(outcome.status).toBe(404);

      expect(await leadsOf('email', PERSON.email)).toEqual([]);
      expect(await leadsOf('phone', PERSON.phone)).toEqual([]);
      const everyone = JSON.stringify((await api.list()).data);
      expect(everyone).not.toContain('motorwagen');
      expect(everyone).not.toContain('6211234567');
    });

    it('does not block anyone else', async () => {
      const visit = { visitor: 'karl-laptop', at: h.now() };
      await api.browse([browser.form({ email: 'karl.benz@motorwagen.de' }, visit)]);
      expect((await api.byEmail('karl.benz@motorwagen.de')).email).toBe('karl.benz@motorwagen.de');
    });
  });
}

describeSuppression('D1', freshD1Store());
describeSuppression('Postgres', freshPostgresStore('security_suppression'));
