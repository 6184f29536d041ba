// Server-side events through the real worker in workerd: the secret-key route hands them to the
// real `events` queue, whose consumer stores, stitches and scores them like the browser's, so a
// call logged by a call-tracking system shows up on the lead's timeline. (The same routes on D1
// and Postgres, case by case, are in test-node/leads-server-events-suite.ts.)

import type { CreateSiteResponse, LeadList, LeadTimeline } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  batch,
  collect,
  createSite,
  pageview,
  request,
  SITE_ORIGIN,
  waitForEvents,
} from './helpers.ts';
import { CHROME_ON_MAC } from './store-suite.ts';

let site: CreateSiteResponse;

const api = (path: string, body?: unknown) =>
  request(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${site.secretKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

beforeAll(async () => {
  site = await createSite({ name: 'Server events' });
});

describe('POST /v1/identify and /v1/events through the events queue', () => {
  it("put a backend's person and their call on a lead, with the browser's touch", async () => {
    const response = await collect(
      batch(site.writeKey, [pageview({ anonymousId: 'mia-laptop', sessionId: 'mia-s1' })]),
      { userAgent: CHROME_ON_MAC, origin: SITE_ORIGIN },
    );
    expect(response.status).toBe(202);
    // The visit happened before the backend heard of Mia.
    expect(await waitForEvents(site.site.id, 1)).toHaveLength(1);
    const identified = await api('/v1/identify', {
      anonymousId: 'mia-laptop',
      email: 'mia@acme.com',
      phone: '+49 30 5550100',
      traits: { name: 'Mia Wong' },
    });
    expect(identified.status).toBe(202);
    const list = await until(
      async () => (await (await api('/v1/leads?email=mia@acme.com')).json()) as LeadList,
      (found) => found.data.length === 1,
    );
    const [mia] = list.data;
    expect(mia).toMatchObject({
      name: 'Mia Wong',
      phone: '+49305550100',
      visitorIds: ['mia-laptop'],
      firstTouch: { channel: 'Paid Search', sessionId: 'mia-s1' },
    });

    const logged = await api('/v1/events', {
      events: [
        {
          type: 'track',
          name: 'call_completed',
          phone: '+49 (30) 555 01 00',
          properties: { duration: 42, outcome: 'answered' },
        },
      ],
    });
    expect(logged.status).toBe(202);
    const { ids, rejected } = (await logged.json()) as { ids: string[]; rejected: unknown[] };
    expect(rejected).toEqual([]);
    const timeline = await until(
      async () =>
        ((await (await api(`/v1/leads/${mia!.id}/timeline`)).json()) as LeadTimeline).data,
      (items) => items.some((item) => item.id === ids[0]),
    );
    expect(
      timeline.flatMap((item) => (item.kind === 'event' ? [`${item.origin}:${item.type}`] : [])),
    ).toEqual(['browser:pageview', 'server:identify', 'server:track']);
    expect(timeline.find((item) => item.id === ids[0])).toMatchObject({
      kind: 'event',
      type: 'track',
      name: 'call_completed',
      origin: 'server',
      properties: { duration: 42, outcome: 'answered' },
    });
    expect(timeline[0]).toMatchObject({ kind: 'touch', channel: 'Paid Search' });
  }, 30_000);
});
