// Security: CORS. A page on an attacker's origin must not be able to read answers meant for a
// site's pages, least of all with credentials (cookies). The collector reflects an Origin only when
// a site allows it, never says `access-control-allow-credentials: true`, and the REST API (secret
// keys, server to server) grants no browser origin at all — preflight or actual request.

import type { CreateSiteResponse } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';
import { BASE, batch, collect, createSite, pageview, request, SITE_ORIGIN } from './helpers.ts';

const HOSTILE = [
  'https://evil.test',
  'null',
  'https://www.acme.test.evil.test',
  'https://evilwww.acme.test',
  'http://www.acme.test',
  'https://www.acme.test:8443',
  'https://acme.test',
];

let site: CreateSiteResponse;

beforeAll(async () => {
  site = await createSite({
    name: 'CORS',
    allowedOrigins: [SITE_ORIGIN, 'https://*.shop.acme.test'],
  });
});

function preflight(path: string, origin: string, headers = 'content-type'): Promise<Response> {
  return request(path, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': headers,
    },
  });
}

/** The CORS grant of an answer: which origin may read it, and whether with credentials. */
function grant(response: Response) {
  return {
    origin: response.headers.get('access-control-allow-origin'),
    credentials: response.headers.get('access-control-allow-credentials'),
  };
}

describe('CORS on /v1/collect', () => {
  it('grants a preflight only to an allowed origin, and never with credentials', async () => {
    for (const origin of HOSTILE) {
      const answer = grant(await preflight('/v1/collect', origin));
      expect(answer.origin, origin).not.toBe(origin);
      expect(answer.origin, origin).not.toBe('*');
      expect(answer.credentials, origin).toBeNull();
    }
    for (const origin of [SITE_ORIGIN, 'https://a.shop.acme.test']) {
      expect(grant(await preflight('/v1/collect', origin))).toEqual({ origin, credentials: null });
    }
    // Asking for credentials or an Authorization header changes nothing.
    const withAuth = await preflight('/v1/collect', 'https://evil.test', 'authorization');
    expect(grant(withAuth)).toMatchObject({ credentials: null });
    expect(grant(withAuth).origin).not.toBe('https://evil.test');
  });

  it('refuses a POST from an origin the site does not allow, without a grant', async () => {
    for (const origin of HOSTILE) {
      const response = await collect(batch(site.writeKey, [pageview()]), { origin });
      expect(response.status, origin).toBe(403);
      expect(grant(response), origin).toEqual({ origin: null, credentials: null });
    }
  });

  it('grants an allowed origin its own answer, without credentials', async () => {
    const response = await collect(batch(site.writeKey, [pageview()]), {
      origin: 'https://a.shop.acme.test',
    });
    expect(response.status).toBe(202);
    expect(grant(response)).toEqual({ origin: 'https://a.shop.acme.test', credentials: null });
    expect(response.headers.get('vary')).toMatch(/origin/i);
  });

  it('lets anyone read an error before the site is known, but only as "*" (no credentials)', async () => {
    const response = await collect(batch('pk_unknownunknownunknown', [pageview()]), {
      origin: 'https://evil.test',
    });
    expect(response.status).toBe(401);
    expect(grant(response)).toEqual({ origin: '*', credentials: null });
  });
});

describe('CORS on the REST and admin APIs', () => {
  const paths = ['/v1/leads', '/v1/webhooks', '/v1/scoring', '/v1/identify', '/v1/admin/sites'];

  it('grants no origin on a preflight, not even a site allowed one', async () => {
    for (const path of paths)
      for (const origin of [...HOSTILE, SITE_ORIGIN]) {
        const answer = grant(await preflight(path, origin, 'authorization, content-type'));
        expect(answer, `${path} ${origin}`).toEqual({ origin: null, credentials: null });
      }
  });

  it('grants no origin on an actual request', async () => {
    for (const origin of [...HOSTILE, SITE_ORIGIN]) {
      const rest = await request('/v1/leads', {
        headers: { origin, authorization: `Bearer ${site.secretKey}` },
      });
      expect(rest.status).toBe(200);
      expect(grant(rest), origin).toEqual({ origin: null, credentials: null });
      const admin = await request('/v1/admin/sites', {
        headers: { origin, authorization: `Bearer ${DEVELOPMENT_ADMIN_TOKEN}` },
      });
      expect(admin.status).toBe(200);
      expect(grant(admin), origin).toEqual({ origin: null, credentials: null });
    }
  });
});

describe('what a site may allow', () => {
  it('refuses "*", "null" and non-origins as allowed origins', async () => {
    for (const allowed of ['*', 'null', 'https://*', '*.acme.test', 'https://acme.test/path']) {
      const response = await fetchCreate([allowed]);
      expect(response.status, allowed).toBe(400);
    }
  });
});

function fetchCreate(allowedOrigins: string[]): Promise<Response> {
  return request('/v1/admin/sites', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${DEVELOPMENT_ADMIN_TOKEN}`,
      'content-type': 'application/json',
      origin: BASE,
    },
    body: JSON.stringify({ name: 'Wide open', allowedOrigins }),
  });
}
