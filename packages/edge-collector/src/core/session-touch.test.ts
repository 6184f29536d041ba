import { describe, expect, it } from 'vitest';
import { isOwnHost, sessionTouch } from './session-touch.ts';

const site = { allowedOrigins: ['https://www.acme.test', 'https://*.acme-shop.test'] };
const desktopInMunich = { deviceType: 'desktop' as const, country: 'DE', city: 'Munich' };

describe('isOwnHost', () => {
  it("is the page's host, an allowed origin's host, or under a wildcard origin or the cookie domain", () => {
    expect(isOwnHost('www.acme.test', 'www.acme.test', site)).toBe(true);
    expect(isOwnHost('www.acme.test', 'landing.acme.test', site)).toBe(true);
    expect(isOwnHost('pay.acme-shop.test', 'www.acme.test', site)).toBe(true);
    expect(
      isOwnHost('blog.acme.test', 'www.acme.test', { ...site, cookieDomain: '.acme.test' }),
    ).toBe(true);
  });

  it('is not a look-alike, the wildcard apex, or a sibling without a cookie domain', () => {
    expect(isOwnHost('acme-shop.test', 'www.acme.test', site)).toBe(false);
    expect(isOwnHost('evilacme-shop.test', 'www.acme.test', site)).toBe(false);
    expect(isOwnHost('blog.acme.test', 'www.acme.test', site)).toBe(false);
    expect(isOwnHost('www.acme.test.evil.net', 'x.test', site)).toBe(false);
  });
});

describe('sessionTouch', () => {
  it('reads the campaign, the first click id in list order and the referrer domain', () => {
    const url =
      'https://www.acme.test/?fbclid=F&gclid=G&utm_source=Google&utm_medium=CPC&utm_term=roof';
    expect(sessionTouch(url, 'https://www.google.de/search', site, desktopInMunich)).toEqual({
      channel: 'Paid Search',
      source: 'google',
      medium: 'cpc',
      campaign: null,
      term: 'roof',
      content: null,
      clickIdType: 'gclid',
      clickId: 'G',
      referrerDomain: 'google.de',
      landingPage: url,
      country: 'DE',
      region: null,
      city: 'Munich',
      deviceType: 'desktop',
    });
  });

  it('ignores a referrer from the site itself', () => {
    const touch = sessionTouch(
      'https://www.acme.test/thanks',
      'https://pay.acme-shop.test/',
      site,
      desktopInMunich,
    );
    expect(touch).toMatchObject({ channel: 'Direct', referrerDomain: null });
  });

  it('survives an unparsable page URL or referrer', () => {
    expect(sessionTouch('not a url', 'also not', site, desktopInMunich)).toMatchObject({
      channel: 'Direct',
      landingPage: 'not a url',
      referrerDomain: null,
    });
  });
});
