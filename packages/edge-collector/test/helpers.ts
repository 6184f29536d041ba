import { env, exports } from 'cloudflare:workers';
import type { CreateSiteResponse, LeadloopEventInput } from '@leadloop/schema';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';

export const BASE = 'http://collector.test';
export const SITE_ORIGIN = 'https://www.acme.test';

export function request(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

export async function createSite(
  overrides: Partial<{ name: string; allowedOrigins: string[] }> = {},
): Promise<CreateSiteResponse> {
  const response = await request('/v1/admin/sites', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${DEVELOPMENT_ADMIN_TOKEN}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ name: 'Acme', allowedOrigins: [SITE_ORIGIN], ...overrides }),
  });
  if (response.status !== 201)
    throw new Error(`createSite: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A pageview as the browser SDK sends it: the touch is its landing page, referrer and time. */
export function pageview(overrides: Partial<LeadloopEventInput> = {}): LeadloopEventInput {
  const url = `${SITE_ORIGIN}/?utm_source=google&utm_medium=cpc&gclid=abc`;
  const timestamp = new Date().toISOString();
  return {
    id: crypto.randomUUID(),
    type: 'pageview',
    timestamp,
    anonymousId: 'anon-1',
    sessionId: 'session-1',
    page: { url, path: '/', title: 'Acme' },
    attribution: { last: { landingPage: url, referrer: 'https://www.google.com/', timestamp } },
    ...overrides,
  } as LeadloopEventInput;
}

export function collect(
  body: unknown,
  {
    origin = SITE_ORIGIN,
    contentType = 'text/plain;charset=UTF-8',
    url = `${BASE}/v1/collect`,
    cookie = '',
    userAgent = '',
    cf = undefined as Record<string, string> | undefined,
  } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (origin) headers.origin = origin;
  if (cookie) headers.cookie = cookie;
  if (userAgent) headers['user-agent'] = userAgent;
  return exports.default.fetch(
    new Request(url, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      cf: cf as IncomingRequestCfProperties | undefined,
    }),
  );
}

export function batch<T>(writeKey: string, events: T[]) {
  return { writeKey, sentAt: new Date().toISOString(), events };
}

type StoredEvent = { id: string; type: string; page_url: string; payload: string };

export async function storedEvents(siteId: string): Promise<StoredEvent[]> {
  const { results } = await env.DB.prepare(
    'SELECT id, type, page_url, payload FROM events WHERE site_id = ? ORDER BY occurred_at',
  )
    .bind(siteId)
    .all<StoredEvent>();
  return results;
}

/** Waits for the queue consumer to store `count` events of the site (the queue batches for ~1 s). */
export async function waitForEvents(siteId: string, count: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await storedEvents(siteId);
    if (events.length >= count || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function expectProblem(response: Response, status: number) {
  if (response.status !== status) {
    throw new Error(`expected ${status}, got ${response.status}: ${await response.text()}`);
  }
  if (!response.headers.get('content-type')?.startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${response.headers.get('content-type')}`);
  }
  return (await response.json()) as {
    type: string;
    title: string;
    status: number;
    detail?: string;
    errors?: { path: string; message: string }[];
  };
}
