import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { speedToLead } from '../src/runtime/speed-to-lead.ts';
import { D1Store } from '../src/store/d1.ts';
import { formSubmit, siteOf } from './lead-suite.ts';

// The fast path on local D1: a form's batch is stored and made a lead at once; while one runs for
// a site, the site's next batches are left to the queue (a burst must not race the consumer).

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const delivery = { allowPrivate: true, enqueue: async () => {}, now: () => T0 };

describe('speed to lead', () => {
  it('stores and stitches a lone form at once, and leaves a concurrent one of the site to the queue', async () => {
    const store = new D1Store(env.DB);
    const site = await siteOf(store);
    const fast = speedToLead(store, delivery);
    const first = formSubmit(site, { email: 'ada@lovelace.io' }, '/contact', {
      at: T0,
      visitor: 'ada',
    });
    const second = formSubmit(site, { email: 'alan@turing.io' }, '/contact', {
      at: T0,
      visitor: 'alan',
    });
    await Promise.all([fast(site, [first]), fast(site, [second])]);
    const stored = (await store.listEvents(site.id)).map((event) => event.anonymousId);
    expect(stored).toEqual(['ada']);
    expect(
      await store.leads.findLeadIdsByIdentifier(site.id, {
        kind: 'email',
        value: 'ada@lovelace.io',
      }),
    ).toHaveLength(1);

    // Once the first is done, the next form goes the fast way again.
    await fast(site, [second]);
    expect(
      await store.leads.findLeadIdsByIdentifier(site.id, {
        kind: 'email',
        value: 'alan@turing.io',
      }),
    ).toHaveLength(1);
  });
});
