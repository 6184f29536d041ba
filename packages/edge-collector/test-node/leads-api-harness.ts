// The collector as a backend team reaches it, on a real database: the real app (createApp), the
// real /v1/collect and REST routes, and the real events consumer behind the `events` hand-over —
// run at once instead of after the queue's batch window, so a test reads what it just sent. The
// clock is the test's: event times, lead updates and PATCHes all read it.

import type { CreateSiteResponse, JsonObject, Lead, LeadList } from '@leadloop/schema';
import { expect } from 'vitest';
import { createApp } from '../src/app.ts';
import type { EventSink } from '../src/core/event-sink.ts';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';
import { consumeEvents } from '../src/runtime/events-consumer.ts';
import type { Store } from '../src/store/types.ts';
import { enqueue, messageBatch } from '../test/message-batch.ts';
import { CHROME_ON_MAC } from '../test/store-suite.ts';

export const ORIGIN = 'https://www.acme.com';
export const T0 = Date.parse('2026-11-23T10:00:00.000Z');
export const MINUTE = 60_000;

export type Problem = {
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
};

export function harness(getStore: () => Store) {
  let clock = T0;
  const now = () => clock;
  let app: ReturnType<typeof createApp> | undefined;

  // The consumer runs on the messages as the queue would deliver them; a retry is a failure here.
  const events: EventSink = async (messages) => {
    const { batch, settle } = messageBatch('leadloop-events', enqueue(messages));
    await consumeEvents(batch, getStore(), { now });
    const { retried } = settle();
    if (retried.length > 0) throw new Error(`the consumer retried ${retried.length} messages`);
  };

  const appOf = () => {
    app ??= createApp({
      store: getStore(),
      events,
      delivery: { allowPrivate: true, enqueue: async () => {} },
      config: { environment: 'development' },
      sdkScript: { code: '', etag: '""' },
      now,
    });
    return app;
  };

  const request = (path: string, init: RequestInit = {}) => appOf().request(path, init);

  async function createSite(name = 'Acme'): Promise<CreateSiteResponse> {
    const response = await request('/v1/admin/sites', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${DEVELOPMENT_ADMIN_TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name, allowedOrigins: [ORIGIN], defaultCountry: 'DE' }),
    });
    expect(response.status).toBe(201);
    return response.json();
  }

  /** A REST client of one site: its secret key unless another is given (null: none). */
  function client(site: CreateSiteResponse) {
    const call = (path: string, init: RequestInit = {}, key: string | null = site.secretKey) => {
      const headers = new Headers(init.headers);
      if (key !== null) headers.set('authorization', `Bearer ${key}`);
      return request(path, { ...init, headers });
    };
    const send = (method: string, path: string, body: unknown, key?: string | null) =>
      call(
        path,
        {
          method,
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        },
        key,
      );
    const ok = async <T>(response: Response | Promise<Response>, status = 200): Promise<T> => {
      const answer = await response;
      if (answer.status !== status)
        throw new Error(`expected ${status}, got ${answer.status}: ${await answer.text()}`);
      return answer.json() as Promise<T>;
    };
    return {
      call,
      send,
      ok,
      list: (query = '') => ok<LeadList>(call(`/v1/leads${query}`)),
      lead: (id: string) => ok<Lead>(call(`/v1/leads/${id}`)),
      byEmail: async (email: string) =>
        (await ok<LeadList>(call(`/v1/leads?email=${encodeURIComponent(email)}`))).data[0]!,
      /** The problem a request is answered with, checked to be one with this status. */
      async problem(response: Response | Promise<Response>, status: number): Promise<Problem> {
        const answer = await response;
        if (answer.status !== status)
          throw new Error(`expected ${status}, got ${answer.status}: ${await answer.text()}`);
        expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        return answer.json() as Promise<Problem>;
      },
      /** Browser events through /v1/collect, sent now by Chrome from the site's origin. */
      async browse(browserEvents: unknown[]) {
        const response = await request('/v1/collect', {
          method: 'POST',
          headers: {
            'content-type': 'text/plain;charset=UTF-8',
            origin: ORIGIN,
            'user-agent': CHROME_ON_MAC,
          },
          body: JSON.stringify({
            writeKey: site.writeKey,
            sentAt: new Date(clock).toISOString(),
            events: browserEvents,
          }),
        });
        expect(response.status).toBe(202);
        expect(((await response.json()) as { rejected: unknown[] }).rejected).toEqual([]);
      },
    };
  }

  return {
    createSite,
    client,
    now,
    /** Moves the clock on. */
    advance(ms: number) {
      clock += ms;
    },
  };
}

type Visit = { visitor: string; session?: string; at: number };

function browserEvent(
  type: string,
  path: string,
  { visitor, session, at }: Visit,
  fields: Record<string, unknown> = {},
  query = '',
) {
  return {
    id: crypto.randomUUID(),
    type,
    timestamp: new Date(at).toISOString(),
    anonymousId: visitor,
    sessionId: session ?? `${visitor}-s1`,
    page: { url: `${ORIGIN}${path}${query}`, path, title: 'Acme' },
    ...fields,
  };
}

/** Where a landing pageview came from: its referrer and campaign parameters. */
export const FROM = {
  googleAds: {
    query: '?utm_source=google&utm_medium=cpc&gclid=abc',
    referrer: 'https://www.google.com/',
  },
  facebook: { query: '', referrer: 'https://www.facebook.com/' },
  direct: { query: '', referrer: undefined },
} as const;

export const browser = {
  pageview: (
    path: string,
    visit: Visit,
    from: { query: string; referrer?: string | undefined } = FROM.direct,
  ) => {
    const event = browserEvent('pageview', path, visit, {}, from.query);
    if (from.referrer) Object.assign(event.page, { referrer: from.referrer });
    return event;
  },
  form: (traits: JsonObject, visit: Visit, path = '/contact') =>
    browserEvent('form_submit', path, visit, {
      traits,
      form: {
        id: 'contact',
        fields: Object.fromEntries(Object.entries(traits).map(([k, v]) => [k, String(v)])),
      },
    }),
  identify: (traits: JsonObject, visit: Visit, path = '/') =>
    browserEvent('identify', path, visit, { traits }),
};
