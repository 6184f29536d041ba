import { env } from 'cloudflare:workers';
import { LIMITS } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import type { EventMessage } from '../src/core/event-record.ts';
import type { EventSink } from '../src/core/event-sink.ts';
import { queueSink } from '../src/runtime/queue-sink.ts';
import { D1Store } from '../src/store/d1.ts';
import {
  batch,
  collect,
  createSite,
  expectProblem,
  pageview,
  request,
  SITE_ORIGIN,
  storedEvents,
  waitForEvents,
} from './helpers.ts';
import { GOOGLEBOT } from './store-suite.ts';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

let writeKey: string;

beforeAll(async () => {
  ({ writeKey } = await createSite());
});

describe('POST /v1/collect', () => {
  it('accepts a text/plain beacon and stores the pageview with the UTM values of its touch', async () => {
    const own = await createSite();
    const event = pageview();
    const response = await collect(batch(own.writeKey, [event]));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 1, rejected: [] });
    expect(response.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);

    const [stored] = await waitForEvents(own.site.id, 1);
    expect(stored).toMatchObject({ id: event.id, type: 'pageview', page_url: event.page.url });
    // The collector reads the campaign out of the touch's landing page.
    expect(JSON.parse(stored!.payload).attribution.last).toEqual({
      source: 'google',
      medium: 'cpc',
      clickIds: { gclid: 'abc' },
      ...event.attribution!.last,
    });
  });

  it("keeps the sender's device and place, never its user agent, and flags bots", async () => {
    const own = await createSite();
    const person = pageview({ anonymousId: 'person', sessionId: 'person-session' });
    const crawler = pageview({ anonymousId: 'crawler', sessionId: 'crawler-session' });
    const cf = { country: 'DE', region: 'Bavaria', regionCode: 'BY', city: 'Munich' };
    await collect(batch(own.writeKey, [person]), { userAgent: IPHONE, cf });
    await collect(batch(own.writeKey, [crawler]), { userAgent: GOOGLEBOT });
    await waitForEvents(own.site.id, 2);
    const store = new D1Store(env.DB);
    const stored = await store.listEvents(own.site.id);
    expect(stored.find((event) => event.id === person.id)).toMatchObject({
      bot: false,
      browser: 'Safari',
      os: 'iOS',
      deviceType: 'mobile',
      country: 'DE',
      region: 'Bavaria',
      city: 'Munich',
    });
    expect(stored.find((event) => event.id === crawler.id)).toMatchObject({ bot: true });
    expect(JSON.stringify(stored)).not.toMatch(/iPhone|Googlebot/);
    const [session] = await store.listSessions(own.site.id, 'person');
    expect(session?.touch).toMatchObject({
      channel: 'Paid Search',
      source: 'google',
      medium: 'cpc',
      clickIdType: 'gclid',
      deviceType: 'mobile',
      city: 'Munich',
    });
    expect(await store.listSessions(own.site.id, 'crawler')).toEqual([]);
  });

  it("builds Meta's _fbc from an fbclid landing when the browser had no _fbc cookie", async () => {
    const own = await createSite();
    const landingPage = `${SITE_ORIGIN}/?fbclid=IwAR0abc`;
    const timestamp = '2026-11-23T10:00:00.000Z';
    const event = pageview({ attribution: { last: { landingPage, timestamp }, adIds: {} } });
    expect((await collect(batch(own.writeKey, [event]))).status).toBe(202);
    const [stored] = await waitForEvents(own.site.id, 1);
    expect(JSON.parse(stored!.payload).attribution.adIds).toEqual({
      fbc: `fb.1.${Date.parse(timestamp)}.IwAR0abc`,
    });
  });

  it('accepts application/json and requests without an Origin (server side)', async () => {
    const own = await createSite();
    const response = await collect(batch(own.writeKey, [pageview()]), {
      origin: '',
      contentType: 'application/json',
    });
    expect(response.status).toBe(202);
    expect(await waitForEvents(own.site.id, 1)).toHaveLength(1);
  });

  it('stores each event once when the same batch arrives three times', async () => {
    const own = await createSite();
    const body = batch(own.writeKey, [pageview(), pageview(), pageview()]);
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await collect(body)).status).toBe(202);
    }
    await waitForEvents(own.site.id, 3);
    // Give the later deliveries time to land too: they must not add rows.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const stored = await storedEvents(own.site.id);
    expect(stored.map((event) => event.id).sort()).toEqual(body.events.map((e) => e.id).sort());
  });

  it('keeps the valid events of a batch and names the field of the invalid one', async () => {
    const own = await createSite();
    const good = [pageview(), pageview()];
    const bad = pageview({ page: { url: 'not a url', path: '/' } });
    const response = await collect(batch(own.writeKey, [good[0], bad, good[1]]));
    expect(response.status).toBe(202);
    const body = await response.json<{ accepted: number; rejected: unknown[] }>();
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([
      { index: 1, errors: [{ path: 'page.url', message: expect.any(String) }] },
    ]);
    const stored = await waitForEvents(own.site.id, 2);
    expect(stored.map((event) => event.id).sort()).toEqual(good.map((event) => event.id).sort());

    // Not dropped: kept in quarantine with the reason it was refused.
    const store = new D1Store(env.DB);
    let quarantined = await store.listQuarantine(own.site.id);
    for (let tries = 0; quarantined.length === 0 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      quarantined = await store.listQuarantine(own.site.id);
    }
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({ eventId: bad.id });
    expect(quarantined[0]!.reason).toMatch(/^refused at collect: page\.url: /);
    expect(JSON.parse(JSON.parse(quarantined[0]!.body).event)).toEqual(bad);
  });

  it('never lets __proto__ keys reach an object prototype', async () => {
    const raw = `{"writeKey":"${writeKey}","sentAt":"${new Date().toISOString()}","events":[${JSON.stringify(
      pageview(),
    ).replace(/}$/, ',"traits":{"__proto__":{"polluted":true}}}')}]}`;
    const response = await collect(raw);
    expect(response.status).toBe(202);
    const body = await response.json<{ accepted: number; rejected: { errors: unknown[] }[] }>();
    expect(body.accepted).toBe(0);
    expect(body.rejected[0]?.errors).toEqual([
      { path: 'traits.__proto__', message: 'Key "__proto__" is not allowed' },
    ]);
  });

  it('answers broken JSON with 400 problem+json', async () => {
    const response = await collect('{"writeKey": "pk_');
    const problem = await expectProblem(response, 400);
    expect(problem.title).toBe('Malformed JSON');
    // The SDK may read why: nothing about any site is disclosed.
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers a bad envelope with 400 naming the field', async () => {
    const problem = await expectProblem(
      await collect({ writeKey, sentAt: 'yesterday', events: [] }),
      400,
    );
    expect(problem.errors?.map((error) => error.path).sort()).toEqual(['events', 'sentAt']);
  });

  it(`refuses a batch of more than ${LIMITS.batchEvents} events`, async () => {
    const events = Array.from({ length: LIMITS.batchEvents + 1 }, () => pageview());
    const problem = await expectProblem(await collect(batch(writeKey, events)), 400);
    expect(problem.errors?.[0]?.path).toBe('events');
  });

  it('rejects an event over 32 KB and keeps the others', async () => {
    const big = pageview({
      properties: { blob: 'x'.repeat(4000), more: Array(9).fill('y'.repeat(4000)) },
    });
    const response = await collect(batch(writeKey, [big, pageview()]));
    const body = await response.json<{
      accepted: number;
      rejected: { index: number; errors: { message: string }[] }[];
    }>();
    expect(body.accepted).toBe(1);
    expect(body.rejected[0]?.index).toBe(0);
    expect(body.rejected[0]?.errors[0]?.message).toContain(`limit is ${LIMITS.eventBytes}`);
  });

  it('answers an unknown write key with 401', async () => {
    const problem = await expectProblem(
      await collect(batch('pk_unknownunknownunknownunknown12', [pageview()])),
      401,
    );
    expect(problem.detail).toContain('write key');
  });

  it('refuses a secret key in place of the write key from a server, naming the field', async () => {
    const { secretKey } = await createSite();
    const problem = await expectProblem(
      await collect(batch(secretKey, [pageview()]), { origin: '' }),
      400,
    );
    expect(problem.errors?.[0]?.path).toBe('writeKey');
  });

  it('answers an origin outside the site list with 403 and no CORS grant', async () => {
    const response = await collect(batch(writeKey, [pageview()]), { origin: 'https://evil.test' });
    await expectProblem(response, 403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('admits subdomains through a wildcard origin', async () => {
    const own = await createSite({ allowedOrigins: ['https://*.wild.test'] });
    const response = await collect(batch(own.writeKey, [pageview()]), {
      origin: 'https://landing.wild.test',
    });
    expect(response.status).toBe(202);
    const apex = await collect(batch(own.writeKey, [pageview()]), { origin: 'https://wild.test' });
    expect(apex.status).toBe(403);
  });

  it('grants a preflight only to an origin some site allows', async () => {
    const preflight = (origin: string) =>
      request('/v1/collect', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight(SITE_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    const denied = await preflight('https://evil.test');
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a body over 500 KB with 413 before parsing it', async () => {
    const oversized = `{"writeKey":"${writeKey}","padding":"${'x'.repeat(LIMITS.batchBytes)}"`; // not even JSON
    const problem = await expectProblem(await collect(oversized), 413);
    expect(problem.detail).toContain(String(LIMITS.batchBytes));
  });

  it('answers a chunked body over 500 KB (no Content-Length) with 413', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await request('/v1/collect', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: stream,
    });
    await expectProblem(response, 413);
  });

  it('answers an unsupported content type with 415', async () => {
    await expectProblem(
      await collect(batch(writeKey, [pageview()]), { contentType: 'multipart/form-data' }),
      415,
    );
  });
});

describe('durable hand-over', () => {
  function appWith(events: EventSink) {
    return createApp({
      delivery: { allowPrivate: true, enqueue: async () => {} },
      store: new D1Store(env.DB),
      events,
      config: { environment: 'development' },
      sdkScript: { code: '', etag: '""' },
    });
  }

  it('answers 503 with Retry-After when the hand-over fails', async () => {
    const app = appWith(async () => {
      throw new Error('queue unavailable');
    });
    const response = await app.request('/v1/collect', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN },
      body: JSON.stringify(batch(writeKey, [pageview()])),
    });
    await expectProblem(response, 503);
    expect(response.headers.get('retry-after')).toBe('5');
  });

  it('answers 503 when a later queue batch fails; the resend then stores each event once', async () => {
    const own = await createSite();
    const events = Array.from({ length: 20 }, () =>
      pageview({ properties: { filler: 'z'.repeat(3000), more: Array(6).fill('q'.repeat(3000)) } }),
    );
    let sendBatchCalls = 0;
    const flakyQueue = {
      send: env.EVENTS.send.bind(env.EVENTS),
      sendBatch: async (messages: Iterable<MessageSendRequest<EventMessage>>) => {
        if (++sendBatchCalls === 2) throw new Error('queue hiccup');
        return env.EVENTS.sendBatch(messages);
      },
    } as unknown as Queue<EventMessage>;
    const body = JSON.stringify(batch(own.writeKey, events));
    const init = { method: 'POST', headers: { 'content-type': 'text/plain' }, body };

    const first = await appWith(queueSink(flakyQueue)).request('/v1/collect', init);
    await expectProblem(first, 503);
    expect(sendBatchCalls).toBe(2); // the first chunk was queued before the failure

    const retry = await appWith(queueSink(env.EVENTS as Queue<EventMessage>)).request(
      '/v1/collect',
      init,
    );
    expect(retry.status).toBe(202);
    await waitForEvents(own.site.id, events.length);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await storedEvents(own.site.id)).toHaveLength(events.length);
  });
});
