import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';
import { D1Store } from '../src/store/d1.ts';
import { expectProblem, request } from './helpers.ts';

const json = { 'content-type': 'application/json' };
const admin = { ...json, authorization: `Bearer ${DEVELOPMENT_ADMIN_TOKEN}` };

function postSite(body: unknown, headers: Record<string, string> = admin) {
  return request('/v1/admin/sites', { method: 'POST', headers, body: JSON.stringify(body) });
}

async function sha256Hex(value: string) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

describe('POST /v1/admin/sites', () => {
  it('creates a site and shows its write and secret keys once', async () => {
    const response = await postSite({
      name: 'Acme Roofing',
      allowedOrigins: ['https://acme.test', 'https://*.acme.test'],
      timezone: 'America/Chicago',
      defaultCountry: 'US',
    });
    expect(response.status).toBe(201);
    const body = await response.json<{
      site: { id: string; name: string; timezone: string; defaultCountry: string };
      writeKey: string;
      secretKey: string;
    }>();
    expect(body.site).toMatchObject({
      name: 'Acme Roofing',
      timezone: 'America/Chicago',
      defaultCountry: 'US',
      allowedOrigins: ['https://acme.test', 'https://*.acme.test'],
    });
    expect(body.writeKey).toMatch(/^pk_[A-Za-z0-9_-]{32}$/);
    expect(body.secretKey).toMatch(/^sk_[A-Za-z0-9_-]{32}$/);
  });

  it('stores keys only as SHA-256 hashes', async () => {
    const { site, writeKey, secretKey } = await (
      await postSite({ name: 'A', allowedOrigins: [] })
    ).json<{ site: { id: string }; writeKey: string; secretKey: string }>();
    const { results } = await env.DB.prepare(
      'SELECT kind, prefix, hash FROM api_keys WHERE site_id = ? ORDER BY kind DESC',
    )
      .bind(site.id)
      .all<{ kind: string; prefix: string; hash: string }>();
    expect(results).toEqual([
      { kind: 'write', prefix: writeKey.slice(0, 9), hash: await sha256Hex(writeKey) },
      { kind: 'secret', prefix: secretKey.slice(0, 9), hash: await sha256Hex(secretKey) },
    ]);
    const dump = JSON.stringify((await env.DB.prepare('SELECT * FROM api_keys').all()).results);
    expect(dump).not.toContain(writeKey);
    expect(dump).not.toContain(secretKey);
  });

  it('defaults the time zone to UTC', async () => {
    const response = await postSite({ name: 'B', allowedOrigins: ['http://localhost:3000'] });
    expect((await response.json<{ site: { timezone: string } }>()).site.timezone).toBe('UTC');
  });

  it('answers 401 without the operator token, and with a wrong one', async () => {
    const missing = await expectProblem(
      await postSite({ name: 'A', allowedOrigins: [] }, json),
      401,
    );
    expect(missing.detail).toContain('Authorization');
    await expectProblem(
      await postSite({ name: 'A', allowedOrigins: [] }, { ...json, authorization: 'Bearer nope' }),
      401,
    );
  });

  it('names each invalid field, and refuses unknown keys', async () => {
    const problem = await expectProblem(
      await postSite({
        name: '',
        allowedOrigins: ['ftp://x', 'https://ok.test/path'],
        timezone: 'Mars/Olympus',
        defaultCountry: 'usa',
        plan: 'pro',
      }),
      400,
    );
    const paths = problem.errors?.map((error) => error.path).sort();
    expect(paths).toEqual(
      ['allowedOrigins.0', 'allowedOrigins.1', 'defaultCountry', 'name', 'plan', 'timezone'].sort(),
    );
    expect(problem.errors?.find((error) => error.path === 'plan')?.message).toBe('Unknown field');
  });

  it('answers broken JSON with 400 problem+json', async () => {
    const response = await request('/v1/admin/sites', {
      method: 'POST',
      headers: admin,
      body: '{"name": ',
    });
    expect((await expectProblem(response, 400)).title).toBe('Malformed JSON');
  });

  it('is disabled outside development when no operator token is configured', async () => {
    const app = createApp({
      delivery: { allowPrivate: true, enqueue: async () => {} },
      store: new D1Store(env.DB),
      events: async () => {},
      config: { environment: 'production' },
      sdkScript: { code: '', etag: '""' },
    });
    const response = await app.request('/v1/admin/sites', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'A', allowedOrigins: [] }),
    });
    expect((await expectProblem(response, 403)).detail).toContain('LEADLOOP_ADMIN_TOKEN');
  });

  it('accepts the configured token in production, and no longer the development default', async () => {
    const app = createApp({
      delivery: { allowPrivate: true, enqueue: async () => {} },
      store: new D1Store(env.DB),
      events: async () => {},
      config: { environment: 'production', adminToken: 'operator-secret' },
      sdkScript: { code: '', etag: '""' },
    });
    const body = JSON.stringify({ name: 'A', allowedOrigins: [] });
    const withDefault = await app.request('/v1/admin/sites', {
      method: 'POST',
      headers: admin,
      body,
    });
    expect(withDefault.status).toBe(401);
    const withToken = await app.request('/v1/admin/sites', {
      method: 'POST',
      headers: { ...json, authorization: 'Bearer operator-secret' },
      body,
    });
    expect(withToken.status).toBe(201);
  });
});
