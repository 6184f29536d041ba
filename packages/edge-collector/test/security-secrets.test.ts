// Security: secrets are shown once. A site's secret key, an extra key made later and a webhook's
// signing secret appear in the answer that creates them and in no answer after it — not in any list
// or read of sites, keys, webhooks, leads, reports or errors, not even as their SHA-256 hash. Keys
// are looked up by hash (so the comparison never runs over the secret itself), the admin token is
// compared in constant time, and a revoked key stops on the very next request.

import type { CreatedApiKey, CreateSiteResponse } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';
import { batch, collect, createSite, expectProblem, pageview, request } from './helpers.ts';
import { SOURCES } from './security-sources.ts';

const admin = { authorization: `Bearer ${DEVELOPMENT_ADMIN_TOKEN}` };

async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

let site: CreateSiteResponse;
let extraKey: CreatedApiKey;
let webhookSecret: string;
let webhookId: string;
/** Every secret, its random part alone and its hash: none may be in an answer after creation. */
let forbidden: string[];

function rest(path: string, init: RequestInit = {}, key = site.secretKey): Promise<Response> {
  return request(path, {
    ...init,
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
}

/** The whole answer as an attacker would read it: status line, headers and body. */
async function seen(response: Response): Promise<string> {
  return `${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`;
}

beforeAll(async () => {
  site = await createSite({ name: 'Secrets shown once' });
  const key = await request(`/v1/admin/sites/${site.site.id}/keys`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'secret', name: 'CRM' }),
  });
  expect(key.status).toBe(201);
  expect(key.headers.get('cache-control')).toBe('no-store');
  extraKey = await key.json();
  const hook = await rest('/v1/webhooks', {
    method: 'POST',
    body: JSON.stringify({ url: 'https://hooks.acme.test/leadloop', eventTypes: ['lead.created'] }),
  });
  expect(hook.status).toBe(201);
  ({ secret: webhookSecret, id: webhookId } = (await hook.json()) as {
    secret: string;
    id: string;
  });
  expect(webhookSecret).toMatch(/^whsec_/);
  expect(
    (
      await collect(
        batch(site.writeKey, [
          pageview({ traits: { email: 'secrets@acme.test' }, type: 'identify' }),
        ]),
      )
    ).status,
  ).toBe(202);

  forbidden = [];
  for (const secret of [site.secretKey, extraKey.secret, webhookSecret])
    forbidden.push(secret, secret.replace(/^(sk_|whsec_)/, ''), await sha256Hex(secret));
  // The write key is public, but its hash is what authenticates it: never shown either.
  forbidden.push(await sha256Hex(site.writeKey));
});

describe('secrets after creation', () => {
  it('appear in no read of sites, keys, webhooks, leads, reports or the API document', async () => {
    const siteId = site.site.id;
    const reads: [string, Promise<Response>][] = [
      ['admin sites', request('/v1/admin/sites', { headers: admin })],
      ['admin site', request(`/v1/admin/sites/${siteId}`, { headers: admin })],
      ['admin keys', request(`/v1/admin/sites/${siteId}/keys`, { headers: admin })],
      [
        'admin key',
        request(`/v1/admin/sites/${siteId}/keys/${extraKey.key.id}`, { headers: admin }),
      ],
      ['webhooks', rest('/v1/webhooks')],
      ['webhook', rest(`/v1/webhooks/${webhookId}`)],
      [
        'webhook update',
        rest(`/v1/webhooks/${webhookId}`, {
          method: 'PATCH',
          body: '{"eventTypes":["lead.created","lead.merged"]}',
        }),
      ],
      ['deliveries', rest(`/v1/webhooks/${webhookId}/deliveries`)],
      ['leads', rest('/v1/leads')],
      ['scoring', rest('/v1/scoring')],
      ['attribution', rest('/v1/attribution')],
      ['attribution csv', rest('/v1/attribution?format=csv')],
      ['funnel', rest('/v1/reports/funnel')],
      ['offline conversions', rest('/v1/exports/offline-conversions?platform=google_ads')],
      ['conversions', rest('/v1/conversions')],
      ['costs', rest('/v1/costs')],
      ['openapi', request('/v1/openapi.json')],
      ['docs', request('/docs')],
    ];
    for (const [name, response] of reads) {
      const answer = await response;
      expect(answer.status, name).toBeLessThan(300);
      const text = await seen(answer);
      for (const secret of forbidden) expect(text, name).not.toContain(secret);
    }
  });

  it('appear in no error, whatever key is presented', async () => {
    const near = `${site.secretKey.slice(0, -1)}${site.secretKey.endsWith('A') ? 'B' : 'A'}`;
    const errors: [string, Promise<Response>][] = [
      ['near miss', rest('/v1/leads', {}, near)],
      ['write key', rest('/v1/leads', {}, site.writeKey)],
      ['bad body', rest('/v1/webhooks', { method: 'POST', body: '{"url": 1}' })],
      ['unknown lead', rest('/v1/leads/lead_nope')],
      ['secret key in a page', collect(batch(site.secretKey, [pageview()]))],
      [
        'wrong admin token',
        request('/v1/admin/sites', { headers: { authorization: `Bearer ${site.secretKey}` } }),
      ],
    ];
    for (const [name, response] of errors) {
      const answer = await response;
      expect(answer.status, name).toBeGreaterThanOrEqual(400);
      const text = await seen(answer);
      for (const secret of [...forbidden, near]) expect(text, name).not.toContain(secret);
    }
  });
});

describe('revocation', () => {
  it('stops a secret key on the very next request', async () => {
    const created = await request(`/v1/admin/sites/${site.site.id}/keys`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'secret' }),
    });
    const { key, secret } = (await created.json()) as CreatedApiKey;
    expect((await rest('/v1/leads', {}, secret)).status).toBe(200);
    const revoke = await request(`/v1/admin/sites/${site.site.id}/keys/${key.id}`, {
      method: 'DELETE',
      headers: admin,
    });
    expect(revoke.status).toBe(200);
    await expectProblem(await rest('/v1/leads', {}, secret), 401);
    await expectProblem(await rest('/v1/scoring', { method: 'PUT', body: '{}' }, secret), 401);
  });
});

// The code paths, read as source: a presented key is hashed before any lookup, and the only direct
// comparison of a secret (the admin token) goes through the constant-time `secretsEqual`.

describe('how keys are compared', () => {
  it('looks keys up only by the SHA-256 of what was presented', () => {
    const lookups = Object.entries(SOURCES).flatMap(([file, text]) =>
      [...text.matchAll(/\b(findByHash|findSite)\((await [^)]*\))\)/g)].map(
        (match) => `${file}: ${match[0]}`,
      ),
    );
    expect(lookups).toEqual([
      'http/routes/collect.ts: findSite(await sha256Hex(batch.writeKey))',
      'http/secret-key-auth.ts: findByHash(await sha256Hex(presented))',
    ]);
    // Every other call passes a hash along (the store's interface and its implementation).
    const others = Object.values(SOURCES).flatMap((text) =>
      [...text.matchAll(/\b(findByHash|findSite|findSiteByKey)\(([^)]*)\)/g)].map((m) => m[2]!),
    );
    for (const argument of others) expect(argument).toMatch(/^(await sha256Hex\(.*|.*\bhash\b.*)$/);
  });

  it('compares the admin token with secretsEqual only, never with === or startsWith', () => {
    const adminAuth = SOURCES['http/admin-auth.ts']!;
    expect(adminAuth).toContain('await secretsEqual(presented, token)');
    for (const [file, text] of Object.entries(SOURCES)) {
      const code = text.replace(/^\s*(\/\/|\*).*$/gm, '');
      expect(code, file).not.toMatch(
        /\b(presented|token|adminToken|secretKey|hash)\s*[!=]==?\s*(presented|token|adminToken|secretKey|hash)\b/,
      );
      expect(code, file).not.toMatch(/\b(token|adminToken)\.(startsWith|includes|localeCompare)\(/);
    }
  });
});
