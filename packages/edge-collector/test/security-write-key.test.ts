// Security: the public write key `pk_…` sits in every page's source, so an attacker has it. It must
// open /v1/collect and nothing else. Every route is taken from the OpenAPI document, so a route
// added later is checked too: with the write key as a Bearer token (and, for the admin API, as the
// operator token) each answers 401 or 403 problem+json, and the write key never reads a lead.

import type { CreateSiteResponse } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { batch, collect, createSite, expectProblem, pageview, request } from './helpers.ts';

type Operation = { method: string; path: string };

/** Public routes (no key at all) and the one route a write key opens. */
const OPEN = new Set(['/v1/openapi.json', '/v1/collect']);

let site: CreateSiteResponse;
let operations: Operation[];

beforeAll(async () => {
  site = await createSite({ name: 'Write key only collects' });
  const document = (await (await request('/v1/openapi.json')).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  operations = Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/v1/') && !OPEN.has(path))
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => ({
          method: method.toUpperCase(),
          // Real ids of the site where the path names one, so only the key can be the refusal.
          path: path.replace('{siteId}', site.site.id).replace(/\{\w+\}/g, 'x_1'),
        })),
    );
});

function withKey({ method, path }: Operation, key: string): Promise<Response> {
  return request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
  });
}

describe('a write key (pk_…) on any route but /v1/collect', () => {
  it('finds every documented /v1 route to try', () => {
    const paths = new Set(operations.map((operation) => operation.path));
    for (const expected of ['/v1/leads', '/v1/identify', '/v1/webhooks', '/v1/scoring'])
      expect(paths).toContain(expected);
    expect(operations.length).toBeGreaterThan(30);
  });

  it('is refused with 401 or 403 problem+json, as a Bearer token and as the admin token', async () => {
    const answers: string[] = [];
    for (const operation of operations) {
      const response = await withKey(operation, site.writeKey);
      answers.push(`${operation.method} ${operation.path} ${response.status}`);
      expect([401, 403], `${operation.method} ${operation.path}`).toContain(response.status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = await response.text();
      expect(body).not.toContain('"data"');
    }
    expect(answers.filter((line) => !/ 40[13]$/.test(line))).toEqual([]);
  });

  it('is refused in other spellings of the header too', async () => {
    for (const authorization of [
      `bearer ${site.writeKey}`,
      `Bearer  ${site.writeKey}`,
      site.writeKey,
      `Basic ${btoa(`${site.writeKey}:`)}`,
    ])
      await expectProblem(await request('/v1/leads', { headers: { authorization } }), 401);
  });

  it('still opens /v1/collect', async () => {
    const response = await collect(batch(site.writeKey, [pageview()]));
    expect(response.status).toBe(202);
  });

  it('a secret key is no write key: /v1/collect refuses it', async () => {
    await expectProblem(await collect(batch(site.secretKey, [pageview()])), 403);
    await expectProblem(await collect(batch(site.secretKey, [pageview()]), { origin: '' }), 400);
  });
});
