// The lead read side and the scoring rules over HTTP, with the whole pipeline behind them: events
// go through /v1/collect, the events queue and its consumer into D1, and come back as leads.

import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { CreateSiteResponse, Lead, LeadList, ScoringRules } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../src/runtime/worker.ts';
import { D1Store } from '../src/store/d1.ts';
import {
  batch,
  collect as collectAs,
  createSite,
  expectProblem,
  pageview,
  request,
  SITE_ORIGIN,
} from './helpers.ts';
import { formSubmit, processBatch } from './lead-suite.ts';
import { CHROME_ON_MAC } from './store-suite.ts';

let site: CreateSiteResponse;

// A browser's user agent: an empty one is a bot's, and bots never become leads.
const collect = (body: unknown) => collectAs(body, { userAgent: CHROME_ON_MAC });

const api = (path: string, init: RequestInit = {}, key = site.secretKey) =>
  request(path, { ...init, headers: { authorization: `Bearer ${key}`, ...init.headers } });

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

const byEmail = async (email: string) =>
  (await (await api(`/v1/leads?email=${encodeURIComponent(email)}`)).json()) as LeadList;

function identifyEvent(anonymousId: string, traits: Record<string, unknown>, secondsAgo = 0) {
  return pageview({
    type: 'identify',
    anonymousId,
    sessionId: `${anonymousId}-s`,
    traits,
    timestamp: new Date(Date.now() - secondsAgo * 1000).toISOString(),
  } as never);
}

beforeAll(async () => {
  site = await createSite();
  const response = await collect(
    batch(site.writeKey, [
      pageview({
        anonymousId: 'ada-laptop',
        page: {
          url: `${SITE_ORIGIN}/pricing?utm_source=google&utm_medium=cpc&gclid=abc`,
          path: '/pricing',
          referrer: 'https://www.google.com/',
        },
      }),
      // Ada identified a minute before Bob: hers is the older lead, the one that survives a merge.
      identifyEvent(
        'ada-laptop',
        { email: 'Ada@Acme.io', name: 'Ada Lovelace', company: 'Acme' },
        60,
      ),
      identifyEvent('bob-phone', { phone: '+49 30 1234567' }),
    ]),
  );
  expect(response.status).toBe(202);
  const found = await until(
    () => byEmail('ada@acme.io'),
    (list) => list.data.length === 1,
  );
  expect(found.data).toHaveLength(1);
}, 30_000);

describe('GET /v1/leads', () => {
  it('finds a lead by email, however it is spelled', async () => {
    const { data, nextCursor } = await byEmail(' ADA@acme.io ');
    expect(nextCursor).toBeNull();
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({
      email: 'ada@acme.io',
      name: 'Ada Lovelace',
      traits: { name: 'Ada Lovelace', company: 'Acme' },
      status: 'lead',
      visitorIds: ['ada-laptop'],
      mergedInto: null,
      firstTouch: { channel: 'Paid Search', source: 'google', clickIdType: 'gclid' },
      lastTouch: { channel: 'Paid Search' },
    });
    expect(data[0]!.score).toBeGreaterThan(0);
  });

  it('pages through every lead with a cursor', async () => {
    const first = (await (await api('/v1/leads?limit=1')).json()) as LeadList;
    expect(first.data).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = (await (
      await api(`/v1/leads?limit=1&cursor=${first.nextCursor}`)
    ).json()) as LeadList;
    expect(second.data).toHaveLength(1);
    expect(second.data[0]!.id).not.toBe(first.data[0]!.id);
    expect(second.nextCursor).toBeNull();
  });

  it('refuses filters it does not serve, by name', async () => {
    const problem = await expectProblem(await api('/v1/leads?sort=score'), 400);
    expect(problem.errors).toEqual([{ path: 'sort', message: 'Unknown field' }]);
    const limit = await expectProblem(await api('/v1/leads?limit=1000'), 400);
    expect(limit.errors?.map((error) => error.path)).toEqual(['limit']);
  });

  it('needs a secret key: none is 401, the public write key is 401 by name', async () => {
    await expectProblem(await request('/v1/leads'), 401);
    const problem = await expectProblem(await api('/v1/leads', {}, site.writeKey), 401);
    expect(problem.detail).toContain('/v1/collect');
    await expectProblem(await api('/v1/leads', {}, 'sk_not-a-key'), 401);
    // Another site's secret key sees none of this site's leads.
    const other = await createSite({ name: 'Other' });
    const list = (await (
      await api('/v1/leads?email=ada@acme.io', {}, other.secretKey)
    ).json()) as LeadList;
    expect(list.data).toEqual([]);
  });
});

describe('GET /v1/leads/{id}', () => {
  it('answers a merged lead with the lead it was merged into', async () => {
    const [ada] = (await byEmail('ada@acme.io')).data;
    const bob = await until(
      async () =>
        (await (
          await api(`/v1/leads?phone=${encodeURIComponent('+49 (30) 123 45 67')}`)
        ).json()) as LeadList,
      (list) => list.data.length === 1,
    );
    // Looked up in any spelling: both sides are normalised to E.164.
    expect(bob.data[0]).toMatchObject({ phone: '+49301234567' });
    await collect(
      batch(site.writeKey, [
        identifyEvent('ada-phone', { email: 'ada@acme.io', phone: '+49 30 1234567' }),
      ]),
    );
    const merged = await until(
      () => api(`/v1/leads/${bob.data[0]!.id}`),
      (response) => response.headers.get('content-location') !== null,
    );
    expect(merged.status).toBe(200);
    expect(merged.headers.get('content-location')).toBe(`/v1/leads/${ada!.id}`);
    const lead = (await merged.json()) as Lead;
    expect(lead).toMatchObject({
      id: ada!.id,
      identifiers: { emails: ['ada@acme.io'], phones: ['+49301234567'] },
      visitorIds: ['ada-laptop', 'ada-phone', 'bob-phone'],
    });
  }, 30_000);

  it('is a 404 problem for an unknown id', async () => {
    const problem = await expectProblem(await api('/v1/leads/lead_missing'), 404);
    expect(problem.detail).toContain('lead_missing');
  });
});

describe('DELETE /v1/leads/{id}', () => {
  it('erases a person for good: 204, gone from reads, 204 again, not recreated', async () => {
    await collect(batch(site.writeKey, [identifyEvent('eve-laptop', { email: 'eve@acme.io' })]));
    const [eve] = (
      await until(
        () => byEmail('eve@acme.io'),
        (list) => list.data.length === 1,
      )
    ).data;
    expect((await api(`/v1/leads/${eve!.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectProblem(await api(`/v1/leads/${eve!.id}`), 404);
    expect((await byEmail('eve@acme.io')).data).toEqual([]);
    expect((await api(`/v1/leads/${eve!.id}`, { method: 'DELETE' })).status).toBe(204);
    await collect(batch(site.writeKey, [identifyEvent('eve-phone', { email: 'Eve@acme.io' })]));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await byEmail('eve@acme.io')).data).toEqual([]);
  }, 30_000);
});

describe('the daily rescore', () => {
  it('lets a lead nobody touched fade: a form fill 30 days old counts half', async () => {
    const store = new D1Store(env.DB);
    const [own] = await store.findSites([site.site.id]);
    const monthAgo = Date.now() - 30 * 86_400_000;
    await processBatch(
      store,
      own!,
      [
        formSubmit(own!, { email: 'faded@acme.io' }, '/contact', {
          at: monthAgo,
          visitor: 'faded',
        }),
      ],
      monthAgo,
    );
    const [fresh] = (await byEmail('faded@acme.io')).data;
    expect(fresh).toMatchObject({ score: 50, status: 'mql' }); // scored when it happened

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '17 3 * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    const faded = await until(
      async () => (await byEmail('faded@acme.io')).data[0]!,
      (lead) => lead.score !== fresh!.score,
    );
    expect(faded.score).toBe(25);
    expect(faded.status).toBe('mql'); // a faded score never un-qualifies a lead
  }, 30_000);
});

describe('GET / PUT /v1/scoring', () => {
  it('serves the documented defaults', async () => {
    const response = await api('/v1/scoring');
    expect(response.status).toBe(200);
    const rules = (await response.json()) as ScoringRules;
    expect(rules).toMatchObject({
      halfLifeDays: 30,
      thresholds: { mql: 50, sql: 100 },
      scoreChangeStep: 5,
    });
    expect(rules.engagement[0]).toEqual({
      group: 'forms',
      event: 'form_submit',
      points: 50,
      repeatPoints: 10,
    });
  });

  it('refuses a bad rule set with its field paths and keeps the old one', async () => {
    const problem = await expectProblem(
      await api('/v1/scoring', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          thresholds: { mql: 80, sql: 40 },
          engagement: [{ group: 'x', event: 'tweet', points: 5 }],
          fit: [{ group: 'size', trait: 'employees', points: 10 }],
          caps: { pages: -1 },
        }),
      }),
      400,
    );
    expect(problem.errors?.map((error) => error.path).sort()).toEqual([
      'caps.pages',
      'engagement.0.event',
      'fit.0',
      'thresholds.sql',
    ]);
    const rules = (await (await api('/v1/scoring')).json()) as ScoringRules;
    expect(rules.thresholds).toEqual({ mql: 50, sql: 100 });
  });

  it('stores new rules and rescores every lead with them', async () => {
    const [before] = (await byEmail('ada@acme.io')).data;
    const response = await api('/v1/scoring', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        fit: [{ group: 'company', trait: 'company', equals: ['acme'], points: 40 }],
      }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as ScoringRules).fit).toHaveLength(1);
    const after = await until(
      async () => (await byEmail('ada@acme.io')).data[0]!,
      (lead) => lead.score !== before!.score,
    );
    expect(after.score).toBe(before!.score + 40);
    expect(after.scoreReasons).toContainEqual({ group: 'company', points: 40 });
  });
});
