// Server-side identify and events (`POST /v1/identify`, `POST /v1/events`) as a backend and a
// call-tracking system use them, through the real app and the real events pipeline, on D1 and on
// Postgres (run by leads-api-d1.test.ts and leads-api-postgres.test.ts).

import type { CreateSiteResponse, LeadTimeline, ServerEventsResponse } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/types.ts';
import { browser, FROM, harness, MINUTE } from './leads-api-harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function describeServerEvents(name: string, getStore: () => Store) {
  const h = harness(getStore);
  let site: CreateSiteResponse;
  let api: ReturnType<typeof h.client>;

  const post = (path: string, body: unknown, key?: string | null) =>
    api.send('POST', path, body, key);
  const accepted = (path: string, body: unknown) =>
    api.ok<ServerEventsResponse>(post(path, body), 202);
  const timelineOf = async (leadId: string) =>
    (await api.ok<LeadTimeline>(api.call(`/v1/leads/${leadId}/timeline`))).data;

  beforeAll(async () => {
    site = await h.createSite('Server events');
    api = h.client(site);
  });

  describe(`${name}: POST /v1/identify`, () => {
    it('makes a lead of a person only the backend knows, with their traits', async () => {
      const answer = await accepted('/v1/identify', {
        email: ' Ivy@Acme.com ',
        externalId: 'crm-7',
        traits: { name: 'Ivy Park', plan: 'pro' },
      });
      expect(answer).toEqual({ accepted: 1, ids: [expect.stringMatching(UUID)], rejected: [] });
      const ivy = await api.byEmail('ivy@acme.com');
      expect(ivy).toMatchObject({
        email: 'ivy@acme.com',
        name: 'Ivy Park',
        traits: { name: 'Ivy Park', plan: 'pro' },
        status: 'lead',
        firstTouch: null,
        lastTouch: null,
      });
      // One synthetic browser, named by a hash: never by the email itself.
      expect(ivy.visitorIds).toEqual([expect.stringMatching(/^srv_[0-9a-f]{32}$/)]);
      const created = (await getStore().leads.listOutbox(site.site.id)).find(
        (change) => change.type === 'lead.created' && change.leadId === ivy.id,
      );
      expect(created).toBeDefined();
      const [identify] = await timelineOf(ivy.id);
      expect(identify).toMatchObject({
        kind: 'event',
        id: answer.ids[0],
        type: 'identify',
        origin: 'server',
        page: null,
        traits: { name: 'Ivy Park', plan: 'pro' },
      });
      // Stored as a person's event: no bot, no browser, no place.
      const [stored] = await getStore().listEvents(site.site.id, ivy.visitorIds[0]);
      expect(stored).toMatchObject({
        bot: false,
        browser: null,
        deviceType: 'other',
        country: null,
      });
      // A backend's external id identifies (a browser's never does).
      expect(ivy.identifiers.externalIds).toEqual(['crm-7']);
    });

    it("with the browser's anonymous id, joins that browser and its touches to the lead", async () => {
      await api.browse([
        browser.pageview('/', { visitor: 'joe-laptop', at: h.now() - 1000 }, FROM.googleAds),
      ]);
      await accepted('/v1/identify', { anonymousId: 'joe-laptop', email: 'joe@acme.com' });
      const joe = await api.byEmail('joe@acme.com');
      expect(joe).toMatchObject({
        visitorIds: ['joe-laptop'],
        firstTouch: { channel: 'Paid Search', sessionId: 'joe-laptop-s1' },
      });
    });

    it('is a 404 for a leadId that names no lead', async () => {
      const problem = await api.problem(
        post('/v1/identify', { leadId: 'lead_missing', traits: { a: 1 } }),
        404,
      );
      expect(problem.detail).toContain('lead_missing');
    });

    it('refuses a body it cannot use, naming the field', async () => {
      const cases: [unknown, string[]][] = [
        [{}, ['']],
        [{ traits: { plan: 'pro' } }, ['']],
        [{ email: 'lia@acme.com', colour: 'red' }, ['colour']],
        [{ email: 'test@test.com' }, ['email']],
        [{ phone: '12' }, ['phone']],
        [{ email: 'lia@acme.com', traits: { email: 'other@acme.com' } }, ['traits']],
        [{ email: 'lia@acme.com', timestamp: 'today' }, ['timestamp']],
        [{ email: 'lia@acme.com', type: 'identify' }, ['type']],
      ];
      for (const [body, paths] of cases) {
        const problem = await api.problem(post('/v1/identify', body), 400);
        expect(
          problem.errors?.map((error) => error.path),
          JSON.stringify(body),
        ).toEqual(paths);
      }
      await api.problem(post('/v1/identify', '{"email":'), 400);
      expect((await api.list('?email=lia@acme.com')).data).toEqual([]);
    });

    it('needs a secret key', async () => {
      await api.problem(post('/v1/identify', { email: 'lia@acme.com' }, null), 401);
      await api.problem(post('/v1/identify', { email: 'lia@acme.com' }, site.writeKey), 401);
    });
  });

  describe(`${name}: POST /v1/events`, () => {
    let kayId: string;

    beforeAll(async () => {
      await api.browse([
        browser.pageview('/', { visitor: 'kay', at: h.now() - 2000 }, FROM.facebook),
        browser.form(
          { email: 'kay@acme.com', phone: '+49 40 7654321' },
          { visitor: 'kay', at: h.now() - 1000 },
        ),
      ]);
      kayId = (await api.byEmail('kay@acme.com')).id;
    });

    it("logs a call on the lead found by the caller's phone, in its timeline", async () => {
      h.advance(MINUTE);
      const properties = { duration: 95, outcome: 'voicemail', trackingNumber: '+4940111111' };
      const answer = await accepted('/v1/events', {
        events: [{ type: 'track', name: 'call_completed', phone: '040 7654321', properties }],
      });
      expect(answer).toMatchObject({ accepted: 1, rejected: [] });
      const calls = (await timelineOf(kayId)).filter(
        (item) => item.kind === 'event' && item.name === 'call_completed',
      );
      expect(calls).toEqual([
        expect.objectContaining({ id: answer.ids[0], origin: 'server', properties, page: null }),
      ]);
      // Attributed to the lead's touches like anything else: they are the browser's, unchanged.
      expect((await api.lead(kayId)).firstTouch).toMatchObject({ channel: 'Organic Social' });
    });

    it('reaches a lead by its id', async () => {
      const answer = await accepted('/v1/events', {
        events: [{ type: 'track', name: 'call_completed', leadId: kayId, id: 'call-by-id' }],
      });
      expect(answer.ids).toEqual(['call-by-id']);
      expect((await timelineOf(kayId)).some((item) => item.id === 'call-by-id')).toBe(true);
    });

    it('never stores an event id twice: a replay is accepted and changes nothing', async () => {
      const call = { type: 'track', name: 'call_completed', id: 'call-42', email: 'kay@acme.com' };
      expect((await accepted('/v1/events', { events: [call] })).ids).toEqual(['call-42']);
      const before = await api.lead(kayId);
      h.advance(MINUTE);
      expect((await accepted('/v1/events', { events: [call, call] })).ids).toEqual([
        'call-42',
        'call-42',
      ]);
      const stored = (await getStore().listEvents(site.site.id)).filter(
        (event) => event.id === 'call-42',
      );
      expect(stored).toHaveLength(1);
      expect((await timelineOf(kayId)).filter((item) => item.id === 'call-42')).toHaveLength(1);
      expect((await api.lead(kayId)).updatedAt).toBe(before.updatedAt);
    });

    it('keeps the valid events of a batch and names what is wrong with the others', async () => {
      const future = new Date(h.now() + 60 * MINUTE).toISOString();
      const answer = await accepted('/v1/events', {
        events: [
          { type: 'track', name: 'call_completed', email: 'lia@acme.com' },
          { type: 'track', name: 'call_completed' },
          { type: 'pageview', email: 'lia@acme.com' },
          { type: 'track', name: 'call_completed', email: 'test@test.com' },
          { type: 'track', name: 'call_completed', email: 'lia@acme.com', colour: 'red' },
          { type: 'identify', email: 'lia@acme.com', traits: { phone: '+4940111111' } },
          { type: 'track', name: 'call_completed', email: 'lia@acme.com', timestamp: future },
          { type: 'track', name: 'call_completed', leadId: 'lead_missing' },
          {
            type: 'track',
            name: 'note',
            email: 'lia@acme.com',
            properties: {
              text: 'x'.repeat(4000),
              ...Object.fromEntries(
                Array.from({ length: 9 }, (_, i) => [`more${i}`, 'y'.repeat(4000)]),
              ),
            },
          },
        ],
      });
      expect(answer.accepted).toBe(1);
      expect(
        answer.rejected.map(({ index, errors }) => [index, errors.map((error) => error.path)]),
      ).toEqual([
        [1, ['']],
        [2, ['type']],
        [3, ['email']],
        [4, ['colour']],
        [5, ['traits']],
        [6, ['timestamp']],
        [7, ['leadId']],
        [8, ['']],
      ]);
      // What was refused is kept with its reason, like collect's refusals.
      const quarantined = await getStore().listQuarantine(site.site.id);
      expect(
        quarantined.filter((entry) => /leadId: No lead lead_missing/.test(entry.reason)),
      ).toHaveLength(1);
      expect((await api.list('?email=lia@acme.com')).data).toHaveLength(1);
    });

    it('refuses a batch it cannot read: too many events, too big, not a batch', async () => {
      const many = Array.from({ length: 101 }, () => ({
        type: 'track',
        name: 'x',
        email: 'lia@acme.com',
      }));
      const tooMany = await api.problem(post('/v1/events', { events: many }), 400);
      expect(tooMany.errors?.map((error) => error.path)).toEqual(['events']);
      const huge = {
        events: [
          {
            type: 'track',
            name: 'x',
            email: 'lia@acme.com',
            properties: { text: 'x'.repeat(600 * 1024) },
          },
        ],
      };
      await api.problem(post('/v1/events', huge), 413);
      const empty = await api.problem(post('/v1/events', { events: [] }), 400);
      expect(empty.errors?.map((error) => error.path)).toEqual(['events']);
      const extra = await api.problem(post('/v1/events', { events: [{}], sentAt: 'now' }), 400);
      expect(extra.errors?.map((error) => error.path)).toEqual(['sentAt']);
      await api.problem(post('/v1/events', '[]'), 400);
    });

    it('needs a secret key: the public write key is refused', async () => {
      const body = { events: [{ type: 'track', name: 'x', email: 'lia@acme.com' }] };
      await api.problem(post('/v1/events', body, null), 401);
      const problem = await api.problem(post('/v1/events', body, site.writeKey), 401);
      expect(problem.detail).toContain('/v1/collect');
    });
  });
}
