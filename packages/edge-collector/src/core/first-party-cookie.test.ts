import { describe, expect, it } from 'vitest';
import { type FirstPartyCookieRequest, firstPartyCookie } from './first-party-cookie.ts';

const sameSite: FirstPartyCookieRequest = {
  url: 'https://www.acme.test/ll/v1/collect',
  origin: 'https://www.acme.test',
  cookieDomain: 'acme.test',
  anonymousIds: ['anon-1', 'anon-1'],
  currentId: 'anon-1',
};
const cookieFor = (overrides: Partial<FirstPartyCookieRequest>) =>
  firstPartyCookie({ ...sameSite, ...overrides });

describe('firstPartyCookie', () => {
  it('sets ll_aid on the cookie domain for a same-site request over https', () => {
    expect(firstPartyCookie(sameSite)).toEqual({
      name: 'll_aid',
      value: 'anon-1',
      options: {
        domain: 'acme.test',
        path: '/',
        maxAge: 31_536_000,
        sameSite: 'Lax',
        secure: true,
      },
    });
  });

  it('marks the cookie Secure only when the collector was reached over https', () => {
    const plain = cookieFor({ url: 'http://www.acme.test/ll/v1/collect' });
    expect(plain?.options.secure).toBe(false);
  });

  it('accepts the apex, deeper subdomains, a leading dot and upper case', () => {
    expect(
      cookieFor({ url: 'https://acme.test/ll/v1/collect', origin: 'https://acme.test' }),
    ).toBeDefined();
    expect(cookieFor({ origin: 'https://a.b.acme.test' })).toBeDefined();
    expect(cookieFor({ cookieDomain: '.ACME.test' })?.options.domain).toBe('acme.test');
  });

  it('sets a cookie without an Origin (server side) when the host is in the domain', () => {
    expect(cookieFor({ origin: undefined })?.value).toBe('anon-1');
  });

  it('never sets one from a collector on another site (the default deployment)', () => {
    expect(cookieFor({ url: 'https://collector.leadloop.test/v1/collect' })).toBeUndefined();
  });

  it('never sets one for a domain the request host is not in', () => {
    expect(cookieFor({ cookieDomain: 'evil.test' })).toBeUndefined();
    expect(cookieFor({ url: 'https://www.evilacme.test/ll/v1/collect' })).toBeUndefined();
    expect(cookieFor({ url: 'https://acme.test.evil.test/v1/collect' })).toBeUndefined();
    // A narrower domain than the host: the browser would refuse it anyway.
    expect(cookieFor({ cookieDomain: 'shop.acme.test' })).toBeUndefined();
  });

  it('never sets one when the page is on another site than the collector', () => {
    expect(cookieFor({ origin: 'https://www.other.test' })).toBeUndefined();
    expect(cookieFor({ origin: 'https://evilacme.test' })).toBeUndefined();
    expect(cookieFor({ origin: 'null' })).toBeUndefined();
    expect(cookieFor({ origin: '' })).toBeUndefined();
  });

  it('refuses cookie domains that are not a multi-label host name', () => {
    for (const cookieDomain of [
      '',
      'test',
      'acme.test;',
      'acme.test; Secure',
      'ac me.test',
      '-a.test',
    ]) {
      expect(cookieFor({ cookieDomain }), cookieDomain).toBeUndefined();
    }
    expect(
      cookieFor({
        url: 'http://127.0.0.1/v1/collect',
        origin: 'http://127.0.0.1',
        cookieDomain: '0.1',
      }),
    ).toBeUndefined();
  });

  it("refreshes only the browser's own id: never creates one, never replaces it", () => {
    expect(cookieFor({ currentId: undefined })).toBeUndefined();
    expect(cookieFor({ currentId: 'anon-2' })).toBeUndefined();
  });

  it('sets nothing unless the accepted events share one cookie-safe anonymous id', () => {
    expect(cookieFor({ anonymousIds: [] })).toBeUndefined();
    expect(cookieFor({ anonymousIds: ['anon-1', 'anon-2'] })).toBeUndefined();
    for (const id of ['anon;Domain=evil.test', 'a b', 'a=b', 'é', 'x'.repeat(129)]) {
      expect(cookieFor({ anonymousIds: [id], currentId: id }), id).toBeUndefined();
    }
    const long = 'x'.repeat(128);
    expect(cookieFor({ anonymousIds: [long], currentId: long })?.value).toHaveLength(128);
    expect(cookieFor({ anonymousIds: ['A.b_c-9'], currentId: 'A.b_c-9' })?.value).toBe('A.b_c-9');
  });

  it('sets nothing without a cookie domain or with an unparsable URL', () => {
    expect(cookieFor({ cookieDomain: undefined })).toBeUndefined();
    expect(cookieFor({ url: 'not a url' })).toBeUndefined();
  });
});
