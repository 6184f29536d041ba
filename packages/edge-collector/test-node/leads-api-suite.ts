// The leads API as a backend team uses it — list with filters and cursors, poll what changed,
// PATCH traits, status and owner, read a lead's timeline — through the real app and the real
// events pipeline, on D1 (leads-api-d1.test.ts) and on Postgres (leads-api-postgres.test.ts).

import type {
  CreateSiteResponse,
  Lead,
  LeadList,
  LeadTimeline,
  TimelineItem,
} from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/types.ts';
import { browser, FROM, harness, MINUTE } from './leads-api-harness.ts';

const emailsOf = (list: LeadList) => list.data.map((lead) => lead.email).sort();

export function describeLeadsApi(name: string, getStore: () => Store) {
  const h = harness(getStore);

  describe(`${name}: GET /v1/leads pages`, () => {
    let site: CreateSiteResponse;
    let api: ReturnType<typeof h.client>;

    beforeAll(async () => {
      site = await h.createSite('Sixty');
      api = h.client(site);
      // Sixty people a backend identified at once.
      const events = Array.from({ length: 60 }, (_, index) => ({
        type: 'identify',
        email: `person${String(index).padStart(2, '0')}@acme.com`,
      }));
      const accepted = await api.ok<{ accepted: number }>(
        api.send('POST', '/v1/events', { events }),
        202,
      );
      expect(accepted.accepted).toBe(60);
    });

    it('through 60 leads 25 at a time: 3 pages, every lead once, in id order', async () => {
      const pages: LeadList[] = [];
      let cursor: string | null = null;
      do {
        const page: LeadList = await api.list(`?limit=25${cursor ? `&cursor=${cursor}` : ''}`);
        pages.push(page);
        cursor = page.nextCursor;
      } while (cursor && pages.length < 10);
      expect(pages.map((page) => page.data.length)).toEqual([25, 25, 10]);
      const ids = pages.flatMap((page) => page.data.map((lead) => lead.id));
      expect(new Set(ids).size).toBe(60);
      expect(ids).toEqual([...ids].sort());
      const emails = pages.flatMap((page) => page.data.map((lead) => lead.email));
      expect(new Set(emails).size).toBe(60);
      // The default page is 25.
      expect((await api.list()).data).toHaveLength(25);
    });
  });

  describe(`${name}: GET /v1/leads filters`, () => {
    let site: CreateSiteResponse;
    let api: ReturnType<typeof h.client>;
    const leads: Record<string, Lead> = {};

    beforeAll(async () => {
      site = await h.createSite('Filters');
      api = h.client(site);
      const at = h.now();
      await api.browse([
        // Ada: from a Google ad, fills the contact form (an MQL).
        browser.pageview('/', { visitor: 'ada', at: at - 3000 }, FROM.googleAds),
        browser.form({ email: 'ada@acme.com', name: 'Ada' }, { visitor: 'ada', at: at - 2000 }),
        // Bob: from Facebook, identifies with email and phone (a lead).
        browser.pageview('/', { visitor: 'bob', at: at - 3000 }, FROM.facebook),
        browser.identify(
          { email: 'bob@acme.com', phone: '+49 30 1234567' },
          { visitor: 'bob', at: at - 1000 },
        ),
        // Dee: typed the address, fills the form (an MQL).
        browser.pageview('/', { visitor: 'dee', at: at - 3000 }),
        browser.form({ email: 'dee@acme.com' }, { visitor: 'dee', at: at - 2000 }),
      ]);
      // Cyd: known only to the CRM, a customer already.
      await api.ok(api.send('POST', '/v1/identify', { email: 'cyd@acme.com' }), 202);
      const cyd = await api.byEmail('cyd@acme.com');
      await api.ok(api.send('PATCH', `/v1/leads/${cyd.id}`, { status: 'customer' }));
      for (const person of ['ada', 'bob', 'cyd', 'dee'])
        leads[person] = await api.byEmail(`${person}@acme.com`);
    });

    it('start from what the leads are', () => {
      expect(leads.ada).toMatchObject({ status: 'mql', firstTouch: { channel: 'Paid Search' } });
      expect(leads.bob).toMatchObject({
        status: 'lead',
        firstTouch: { channel: 'Organic Social' },
      });
      expect(leads.cyd).toMatchObject({ status: 'customer', score: 0, firstTouch: null });
      expect(leads.dee).toMatchObject({ status: 'mql', firstTouch: { channel: 'Direct' } });
      expect(leads.ada!.score).toBeGreaterThanOrEqual(50);
      expect(leads.bob!.score).toBeGreaterThan(0);
    });

    it('by status, one or a comma list in any case', async () => {
      expect(emailsOf(await api.list('?status=mql'))).toEqual(['ada@acme.com', 'dee@acme.com']);
      expect(emailsOf(await api.list('?status=MQL,customer'))).toEqual([
        'ada@acme.com',
        'cyd@acme.com',
        'dee@acme.com',
      ]);
      expect(emailsOf(await api.list('?status=opportunity'))).toEqual([]);
    });

    it('by minimum score', async () => {
      expect(emailsOf(await api.list('?minScore=50'))).toEqual(['ada@acme.com', 'dee@acme.com']);
      expect(emailsOf(await api.list('?minScore=0.5'))).toEqual([
        'ada@acme.com',
        'bob@acme.com',
        'dee@acme.com',
      ]);
    });

    it("by the channel of the lead's first touch", async () => {
      const paid = await api.list(`?channel=${encodeURIComponent('Paid Search')}`);
      expect(emailsOf(paid)).toEqual(['ada@acme.com']);
      expect(paid.data.every((lead) => lead.firstTouch?.channel === 'Paid Search')).toBe(true);
      expect(emailsOf(await api.list('?channel=paid+search,DIRECT'))).toEqual([
        'ada@acme.com',
        'dee@acme.com',
      ]);
      expect(emailsOf(await api.list('?channel=Organic%20Social'))).toEqual(['bob@acme.com']);
      expect(emailsOf(await api.list('?channel=Email'))).toEqual([]);
    });

    it('by email and phone in any spelling', async () => {
      expect(emailsOf(await api.list(`?email=${encodeURIComponent(' ADA@acme.com ')}`))).toEqual([
        'ada@acme.com',
      ]);
      expect(emailsOf(await api.list(`?phone=${encodeURIComponent('030 123 45 67')}`))).toEqual([
        'bob@acme.com',
      ]);
    });

    it('with every filter given holding at once', async () => {
      expect(emailsOf(await api.list('?status=mql&channel=Direct'))).toEqual(['dee@acme.com']);
      expect(
        emailsOf(await api.list('?status=mql,lead&minScore=50&channel=Paid%20Search')),
      ).toEqual(['ada@acme.com']);
      expect(emailsOf(await api.list('?status=lead&minScore=50'))).toEqual([]);
      const phone = encodeURIComponent('+49301234567');
      expect(emailsOf(await api.list(`?email=bob@acme.com&phone=${phone}`))).toEqual([
        'bob@acme.com',
      ]);
      expect(emailsOf(await api.list(`?email=ada@acme.com&phone=${phone}`))).toEqual([]);
      expect(emailsOf(await api.list('?status=mql&limit=1'))).toHaveLength(1);
    });

    it('refuse what they cannot read, naming the parameter', async () => {
      const cases: [string, string][] = [
        ['?cursor=not-a-cursor', 'cursor'],
        ['?status=won', 'status'],
        ['?status=mql,', 'status'],
        ['?minScore=high', 'minScore'],
        ['?minScore=', 'minScore'],
        ['?channel=Telepathy', 'channel'],
        ['?updatedSince=yesterday', 'updatedSince'],
        ['?limit=0', 'limit'],
        ['?limit=101', 'limit'],
        ['?sort=score', 'sort'],
      ];
      for (const [query, path] of cases) {
        const problem = await api.problem(api.call(`/v1/leads${query}`), 400);
        expect(
          problem.errors?.map((error) => error.path),
          query,
        ).toEqual([path]);
      }
      const status = await api.problem(api.call('/v1/leads?status=won'), 400);
      expect(status.errors?.[0]?.message).toContain('won');
    });

    it('need a secret key', async () => {
      await api.problem(api.call('/v1/leads', {}, null), 401);
      await api.problem(api.call('/v1/leads', {}, site.writeKey), 401);
    });
  });

  describe(`${name}: GET /v1/leads?updatedSince= polls what changed`, () => {
    let api: ReturnType<typeof h.client>;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      api = h.client(await h.createSite('Polling'));
      for (const person of ['ann', 'ben', 'cat']) {
        await api.ok(api.send('POST', '/v1/identify', { email: `${person}@acme.com` }), 202);
        ids[person] = (await api.byEmail(`${person}@acme.com`)).id;
      }
    });

    it('in the order things changed, from the instant given on, with a cursor', async () => {
      h.advance(MINUTE);
      const since = h.now();
      // Changed since: cat first, then ann; ben is untouched.
      await api.ok(api.send('PATCH', `/v1/leads/${ids.cat}`, { owner: 'sam@acme.com' }));
      h.advance(1000);
      await api.ok(api.send('PATCH', `/v1/leads/${ids.ann}`, { traits: { plan: 'pro' } }));
      const query = `?updatedSince=${new Date(since).toISOString()}`;

      const changed = await api.list(query);
      expect(changed.data.map((lead) => lead.id)).toEqual([ids.cat, ids.ann]);
      expect(changed.data[0]!.updatedAt).toBe(new Date(since).toISOString());

      const first = await api.list(`${query}&limit=1`);
      expect(first.data.map((lead) => lead.id)).toEqual([ids.cat]);
      const second = await api.list(`${query}&limit=1&cursor=${first.nextCursor}`);
      expect(second.data.map((lead) => lead.id)).toEqual([ids.ann]);
      expect(second.nextCursor).toBeNull();

      // Polling again from the last change seen finds it (inclusive) and nothing older.
      const last = changed.data.at(-1)!.updatedAt;
      expect((await api.list(`?updatedSince=${last}`)).data.map((lead) => lead.id)).toEqual([
        ids.ann,
      ]);
      h.advance(1000);
      expect((await api.list(`?updatedSince=${new Date(h.now()).toISOString()}`)).data).toEqual([]);

      // A cursor pages only the listing it came from.
      const problem = await api.problem(
        api.call(`/v1/leads?limit=1&cursor=${first.nextCursor}`),
        400,
      );
      expect(problem.errors?.map((error) => error.path)).toEqual(['cursor']);
    });
  });

  describe(`${name}: PATCH /v1/leads/{id}`, () => {
    let site: CreateSiteResponse;
    let api: ReturnType<typeof h.client>;
    let eve: Lead;

    beforeAll(async () => {
      site = await h.createSite('Patch');
      api = h.client(site);
      const at = h.now();
      await api.browse([
        browser.pageview('/pricing', { visitor: 'eve', at: at - 2000 }, FROM.googleAds),
        browser.form(
          { email: 'eve@acme.com', plan: 'free', company: 'Acme' },
          { visitor: 'eve', at: at - 1000 },
        ),
      ]);
      eve = await api.byEmail('eve@acme.com');
      expect(eve).toMatchObject({ status: 'mql', traits: { plan: 'free', company: 'Acme' } });
    });

    const patch = (id: string, body: unknown) =>
      api.ok<Lead>(api.send('PATCH', `/v1/leads/${id}`, body));

    it('sets traits that win over what forms say, and removes them with null', async () => {
      h.advance(MINUTE);
      const patched = await patch(eve.id, { traits: { plan: 'enterprise', seats: 40 } });
      expect(patched.traits).toEqual({ plan: 'enterprise', seats: 40, company: 'Acme' });
      expect(patched.updatedAt).toBe(new Date(h.now()).toISOString());
      // The same person fills the form again, still saying "free": the CRM's answer stands.
      await api.browse([
        browser.form({ email: 'eve@acme.com', plan: 'free' }, { visitor: 'eve', at: h.now() }),
      ]);
      expect((await api.lead(eve.id)).traits).toMatchObject({ plan: 'enterprise', seats: 40 });
      const removed = await patch(eve.id, { traits: { seats: null } });
      expect(removed.traits).toEqual({ plan: 'enterprise', company: 'Acme' });
      expect((await api.lead(eve.id)).traits).toEqual(removed.traits);
    });

    it('sets the owner, shown wherever the lead is read, and clears it', async () => {
      expect((await patch(eve.id, { owner: 'sam@acme.com' })).owner).toBe('sam@acme.com');
      expect((await api.lead(eve.id)).owner).toBe('sam@acme.com');
      expect((await api.byEmail('eve@acme.com')).owner).toBe('sam@acme.com');
      expect((await patch(eve.id, { owner: null })).owner).toBeNull();
    });

    it('sets a CRM stage: announced as lead.status_changed; a lost deal resets engagement', async () => {
      const before = await api.lead(eve.id);
      h.advance(MINUTE);
      const opportunity = await patch(eve.id, { status: 'opportunity' });
      expect(opportunity.status).toBe('opportunity');
      const changes = (await getStore().leads.listOutbox(site.site.id)).filter(
        (change) => change.type === 'lead.status_changed' && change.leadId === eve.id,
      );
      expect(changes.at(-1)).toMatchObject({
        occurredAt: h.now(),
        data: { previous: before.status, current: 'opportunity' },
      });
      const lost = await patch(eve.id, { status: 'lost' });
      expect(lost).toMatchObject({ status: 'lost', score: 0 });
      expect(before.score).toBeGreaterThan(0);
    });

    it('reopens a closed deal: a score status set after a CRM stage replaces it, as a floor', async () => {
      await api.ok(api.send('POST', '/v1/identify', { email: 'reo@acme.com' }), 202);
      const reo = await api.byEmail('reo@acme.com');
      h.advance(MINUTE);
      expect((await patch(reo.id, { status: 'customer' })).status).toBe('customer');
      h.advance(MINUTE);
      const reopened = await patch(reo.id, { status: 'sql' });
      expect(reopened).toMatchObject({ status: 'sql', score: 0 });
      const changes = (await getStore().leads.listOutbox(site.site.id)).filter(
        (change) => change.type === 'lead.status_changed' && change.leadId === reo.id,
      );
      expect(changes.at(-1)).toMatchObject({ data: { previous: 'customer', current: 'sql' } });
    });

    it('on a merged id changes the lead it was merged into, and says which', async () => {
      await api.ok(api.send('POST', '/v1/identify', { email: 'gus@acme.com' }), 202);
      h.advance(1000);
      await api.ok(api.send('POST', '/v1/identify', { phone: '+49 89 1234567' }), 202);
      const gus = await api.byEmail('gus@acme.com');
      const phoneLead = (await api.list(`?phone=${encodeURIComponent('+49891234567')}`)).data[0]!;
      expect(phoneLead.id).not.toBe(gus.id);
      h.advance(1000);
      // One call carries both: the same person; the older lead survives.
      await api.ok(
        api.send('POST', '/v1/identify', { email: 'gus@acme.com', phone: '089 1234567' }),
        202,
      );

      const response = await api.send('PATCH', `/v1/leads/${phoneLead.id}`, {
        owner: 'kim@acme.com',
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-location')).toBe(`/v1/leads/${gus.id}`);
      expect(await response.json()).toMatchObject({
        id: gus.id,
        owner: 'kim@acme.com',
        phone: '+49891234567',
      });
      expect((await api.lead(gus.id)).owner).toBe('kim@acme.com');
    });

    it('is a 404 for a lead that is not there', async () => {
      const problem = await api.problem(
        api.send('PATCH', '/v1/leads/lead_missing', { owner: 'x@acme.com' }),
        404,
      );
      expect(problem.detail).toContain('lead_missing');
    });

    it('refuses a bad body, naming the field, and changes nothing', async () => {
      const cases: [unknown, string[]][] = [
        [{}, ['']],
        [{ status: 'won' }, ['status']],
        [{ colour: 'red' }, ['colour']],
        [{ traits: 'vip' }, ['traits']],
        [{ traits: { email: 'other@acme.com' } }, ['traits']],
        [{ owner: '' }, ['owner']],
        [{ owner: 42, status: 'mql' }, ['owner']],
      ];
      for (const [body, paths] of cases) {
        const problem = await api.problem(api.send('PATCH', `/v1/leads/${eve.id}`, body), 400);
        expect(
          problem.errors?.map((error) => error.path),
          JSON.stringify(body),
        ).toEqual(paths);
      }
      await api.problem(api.send('PATCH', `/v1/leads/${eve.id}`, '{"status":'), 400);
      await api.problem(
        api.send('PATCH', `/v1/leads/${eve.id}`, { status: 'mql' }, site.writeKey),
        401,
      );
      expect((await api.lead(eve.id)).status).toBe('lost');
    });
  });

  describe(`${name}: GET /v1/leads/{id}/timeline`, () => {
    let site: CreateSiteResponse;
    let api: ReturnType<typeof h.client>;
    let hal: Lead;
    let scoreAfterForm: number;
    let timeline: TimelineItem[];

    beforeAll(async () => {
      site = await h.createSite('Timeline');
      api = h.client(site);
      h.advance(MINUTE);
      // The browser sends a moment after the fact: a page's events are never dated after sending.
      const at = h.now();
      await api.browse([
        browser.pageview('/', { visitor: 'hal', at: at - 1000 }, FROM.googleAds),
        browser.pageview('/pricing', { visitor: 'hal', at }),
      ]);
      h.advance(2 * MINUTE);
      await api.browse([
        browser.form(
          { email: 'hal@acme.com', phone: '+49 40 1234567' },
          { visitor: 'hal', at: h.now() },
        ),
      ]);
      scoreAfterForm = (await api.byEmail('hal@acme.com')).score;
      h.advance(10 * MINUTE);
      // The call-tracking system logs the call that followed, by the caller's number.
      const logged = await api.ok<{ accepted: number; ids: string[] }>(
        api.send('POST', '/v1/events', {
          events: [
            {
              type: 'track',
              name: 'call_completed',
              phone: '040 1234567',
              id: 'call-1',
              properties: { duration: 312, outcome: 'answered', trackingNumber: '+4940999999' },
            },
          ],
        }),
        202,
      );
      expect(logged).toMatchObject({ accepted: 1, ids: ['call-1'] });
      hal = await api.byEmail('hal@acme.com');
      h.advance(MINUTE);
      await getStore().conversions.insert({
        siteId: site.site.id,
        id: 'conv_hal',
        leadId: hal.id,
        stage: 'customer',
        valueMinor: 500_000,
        currency: 'EUR',
        occurredAt: h.now(),
        externalId: 'deal-1',
        requestHash: 'hash',
        properties: { product: 'Pro' },
        createdAt: h.now(),
      });
      timeline = (await api.ok<LeadTimeline>(api.call(`/v1/leads/${hal.id}/timeline`))).data;
    });

    it('shows touches, events, score changes and conversions in time order', () => {
      const times = timeline.map((item) => Date.parse(item.occurredAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(
        timeline.map((item) =>
          item.kind === 'event'
            ? `event:${item.type}`
            : item.kind === 'score'
              ? item.type
              : item.kind,
        ),
      ).toEqual([
        'touch',
        'event:pageview',
        'event:pageview',
        'event:form_submit',
        'lead.score_changed',
        'lead.status_changed',
        'event:track',
        'conversion',
      ]);
    });

    it('with what each one was', () => {
      const [touch, landing, , form, score, status, call, conversion] = timeline;
      expect(touch).toMatchObject({
        kind: 'touch',
        channel: 'Paid Search',
        source: 'google',
        medium: 'cpc',
        clickIdType: 'gclid',
        referrerDomain: 'google.com',
        landingPage: 'https://www.acme.com/?utm_source=google&utm_medium=cpc&gclid=abc',
        anonymousId: 'hal',
      });
      expect(touch!.occurredAt).toBe(landing!.occurredAt);
      expect(landing).toMatchObject({ origin: 'browser', page: { path: '/' } });
      expect(form).toMatchObject({
        origin: 'browser',
        page: { path: '/contact' },
        form: { id: 'contact', fields: { email: 'hal@acme.com' } },
      });
      expect(score).toMatchObject({
        kind: 'score',
        leadId: hal.id,
        previous: 0,
        current: scoreAfterForm,
      });
      expect(scoreAfterForm).toBeGreaterThanOrEqual(50);
      expect(status).toMatchObject({ previous: 'lead', current: 'mql' });
      expect(call).toMatchObject({
        kind: 'event',
        id: 'call-1',
        type: 'track',
        name: 'call_completed',
        origin: 'server',
        page: null,
        properties: { duration: 312, outcome: 'answered', trackingNumber: '+4940999999' },
      });
      expect(conversion).toMatchObject({
        kind: 'conversion',
        id: 'conv_hal',
        leadId: hal.id,
        stage: 'customer',
        value: 5000,
        currency: 'EUR',
        externalId: 'deal-1',
      });
    });

    it('pages with a cursor: the pages together are the whole timeline', async () => {
      const seen: TimelineItem[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: LeadTimeline = await api.ok<LeadTimeline>(
          api.call(`/v1/leads/${hal.id}/timeline?limit=3${cursor ? `&cursor=${cursor}` : ''}`),
        );
        expect(page.data.length).toBeLessThanOrEqual(3);
        seen.push(...page.data);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(timeline);
    });

    it('keeps a server event out of the touches: attribution is unchanged', async () => {
      expect(timeline.filter((item) => item.kind === 'touch')).toHaveLength(1);
      const lead = await api.lead(hal.id);
      expect(lead.firstTouch).toMatchObject({ channel: 'Paid Search', sessionId: 'hal-s1' });
      expect(lead.lastTouch).toMatchObject({ channel: 'Paid Search', sessionId: 'hal-s1' });
      expect(lead.visitorIds).toHaveLength(2); // the browser, and the calls' synthetic one
    });

    it('after a shared device moved to someone else, shows each person only what was theirs', async () => {
      const at = h.now() - 5000;
      await api.browse([
        browser.pageview('/', { visitor: 'kiosk', at }, FROM.facebook),
        browser.identify({ email: 'ina@acme.com' }, { visitor: 'kiosk', at: at + 1000 }),
        browser.pageview('/pricing', { visitor: 'kiosk', at: at + 2000 }),
        browser.identify({ email: 'jon@acme.com' }, { visitor: 'kiosk', at: at + 3000 }),
        browser.pageview('/contact', { visitor: 'kiosk', at: at + 4000 }),
      ]);
      const paths = async (email: string) => {
        const lead = await api.byEmail(email);
        const items = (await api.ok<LeadTimeline>(api.call(`/v1/leads/${lead.id}/timeline`))).data;
        return items.flatMap((item) =>
          item.kind === 'event'
            ? [`${item.type}:${item.page?.path}`]
            : item.kind === 'touch'
              ? ['touch']
              : [],
        );
      };
      expect(await paths('ina@acme.com')).toEqual([
        'touch',
        'pageview:/',
        'identify:/',
        'pageview:/pricing',
      ]);
      expect(await paths('jon@acme.com')).toEqual(['identify:/', 'pageview:/contact']);
    });

    it('answers a merged id with the survivor’s timeline', async () => {
      await api.ok(api.send('POST', '/v1/identify', { email: 'hal.work@acme.com' }), 202);
      const work = await api.byEmail('hal.work@acme.com');
      await api.ok(
        api.send('POST', '/v1/identify', { email: 'hal.work@acme.com', phone: '+49 40 1234567' }),
        202,
      );
      const response = await api.call(`/v1/leads/${work.id}/timeline`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-location')).toBe(`/v1/leads/${hal.id}/timeline`);
      const items = ((await response.json()) as LeadTimeline).data;
      expect(items.find((item) => item.kind === 'conversion')).toMatchObject({ id: 'conv_hal' });
      expect(items.length).toBeGreaterThan(timeline.length);
    });

    it('refuses a bad cursor or parameter, and an unknown lead', async () => {
      const bad = await api.problem(api.call(`/v1/leads/${hal.id}/timeline?cursor=abc`), 400);
      expect(bad.errors?.map((error) => error.path)).toEqual(['cursor']);
      const listCursor = (await api.list('?limit=1')).nextCursor;
      const other = await api.problem(
        api.call(`/v1/leads/${hal.id}/timeline?cursor=${listCursor}`),
        400,
      );
      expect(other.errors?.map((error) => error.path)).toEqual(['cursor']);
      const unknown = await api.problem(api.call(`/v1/leads/${hal.id}/timeline?kind=touch`), 400);
      expect(unknown.errors?.map((error) => error.path)).toEqual(['kind']);
      await api.problem(api.call('/v1/leads/lead_missing/timeline'), 404);
      await api.problem(api.call(`/v1/leads/${hal.id}/timeline`, {}, site.writeKey), 401);
    });
  });
}
