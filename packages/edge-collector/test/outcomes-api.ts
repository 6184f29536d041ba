// The REST API on a given store, for suites that run on D1 (workerd) and on Postgres (Node): the
// real app with a clock the test moves, a site created through the admin API, and its keys.

import type { CreateSiteResponse, Site } from '@leadloop/schema';
import type { Hono } from 'hono';
import { createApp } from '../src/app.ts';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';
import type { Store } from '../src/store/types.ts';

export const T0 = Date.parse('2026-11-23T10:00:00.000Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type ApiSite = {
  site: Site;
  secretKey: string;
  writeKey: string;
  /** A request with the site's secret key (or `key`), JSON when `body` is given. */
  api(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string>; key?: string },
  ): Promise<Response>;
};

/** The app on `store`, answering at `clock.now`. */
export function apiOn(store: Store, clock: { now: number }): Hono {
  return createApp({
    store,
    events: async () => {},
    delivery: { allowPrivate: true, enqueue: async () => {} },
    config: { environment: 'development' },
    sdkScript: { code: '', etag: '""' },
    now: () => clock.now,
  });
}

export async function siteThrough(app: Hono, store: Store): Promise<ApiSite> {
  const created = await app.request('/v1/admin/sites', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${DEVELOPMENT_ADMIN_TOKEN}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      name: 'Acme',
      allowedOrigins: ['https://www.acme.com'],
      defaultCountry: 'DE',
    }),
  });
  if (created.status !== 201) throw new Error(`site: ${created.status} ${await created.text()}`);
  const { site, secretKey, writeKey } = (await created.json()) as CreateSiteResponse;
  const [stored] = await store.findSites([site.id]);
  return {
    site: stored!,
    secretKey,
    writeKey,
    api: async (path, { method = 'GET', body, headers = {}, key = secretKey } = {}) =>
      app.request(path, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined
          ? {}
          : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
  };
}

/**
 * The store with one operation failing once, as a database error would (the rest untouched):
 * `faultOnce(store, 'leads', 'commitLeadUpdate')`.
 */
export function faultOnce<K extends 'leads' | 'costs' | 'conversions'>(
  store: Store,
  part: K,
  method: keyof Store[K],
): Store {
  let failed = false;
  const faulty = new Proxy(store[part] as object, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property !== method || failed || typeof value !== 'function') return value;
      return () => {
        failed = true;
        return Promise.reject(new Error(`injected failure of ${part}.${String(method)}`));
      };
    },
  });
  return new Proxy(store, {
    get(target, property) {
      if (property === part) return faulty;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export async function problemOf(response: Response, status: number) {
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${await response.text()}`);
  if (!response.headers.get('content-type')?.startsWith('application/problem+json'))
    throw new Error(`expected problem+json, got ${response.headers.get('content-type')}`);
  return (await response.json()) as {
    type: string;
    status: number;
    detail?: string;
    errors?: { path: string; message: string }[];
  };
}
