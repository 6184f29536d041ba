import { CLICK_ID_PARAMS } from '@leadloop/schema/params';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { campaignSignature, isSameSite, touchFromLocation } from './attribution.ts';
import { setURL } from './test-dom.ts';

const NOW = '2025-03-04T05:06:07.089Z';

/** happy-dom's way to move the window without navigating. */
beforeEach(() => {
  vi.useFakeTimers({ now: new Date(NOW) });
  setURL('https://www.example.com/');
});

afterEach(() => {
  vi.useRealTimers();
});

describe('touchFromLocation', () => {
  it('reads every UTM parameter, utm_id into utmId, with landing page and timestamp', () => {
    const url =
      'https://www.example.com/pricing?utm_source=google&utm_medium=cpc&utm_campaign=spring' +
      '&utm_term=crm%20software&utm_content=ad-1&utm_id=cmp-42&other=1';
    const touch = touchFromLocation(url, '', NOW);
    expect(touch).toEqual({
      source: 'google',
      medium: 'cpc',
      campaign: 'spring',
      term: 'crm software',
      content: 'ad-1',
      utmId: 'cmp-42',
      landingPage: url,
      timestamp: NOW,
    });
    expect(touch).not.toHaveProperty('id');
  });

  it('makes a touch of utm_id alone', () => {
    expect(touchFromLocation('https://www.example.com/?utm_id=abc', '', NOW)).toEqual({
      utmId: 'abc',
      landingPage: 'https://www.example.com/?utm_id=abc',
      timestamp: NOW,
    });
  });

  it('skips empty UTM values', () => {
    const url = 'https://www.example.com/?utm_source=&utm_medium=email';
    expect(touchFromLocation(url, '', NOW)).toEqual({
      medium: 'email',
      landingPage: url,
      timestamp: NOW,
    });
  });

  it('collects every known click id and ignores unknown parameters', () => {
    const query = CLICK_ID_PARAMS.map((name, index) => `${name}=v${index}`).join('&');
    const url = `https://www.example.com/lp?${query}&foo=bar&utm_nope=1`;
    const touch = touchFromLocation(url, '', NOW);
    expect(CLICK_ID_PARAMS).toHaveLength(14);
    expect(touch?.clickIds).toEqual(
      Object.fromEntries(CLICK_ID_PARAMS.map((name, index) => [name, `v${index}`])),
    );
    expect(Object.keys(touch!).sort()).toEqual(['clickIds', 'landingPage', 'timestamp']);
  });

  it('combines UTM parameters, a click id and an external referrer', () => {
    const url = 'https://www.example.com/?utm_source=bing&msclkid=abc';
    expect(touchFromLocation(url, 'https://www.bing.com/search?q=crm', NOW, 'example.com')).toEqual(
      {
        source: 'bing',
        clickIds: { msclkid: 'abc' },
        referrer: 'https://www.bing.com/search?q=crm',
        landingPage: url,
        timestamp: NOW,
      },
    );
  });

  it('makes a touch of an external referrer alone', () => {
    const url = 'https://www.example.com/blog/post';
    expect(touchFromLocation(url, 'https://news.ycombinator.com/', NOW, 'example.com')).toEqual({
      referrer: 'https://news.ycombinator.com/',
      landingPage: url,
      timestamp: NOW,
    });
  });

  it('does not count a same-host referrer as a touch', () => {
    const url = 'https://www.example.com/contact';
    expect(touchFromLocation(url, 'https://www.example.com/pricing', NOW)).toBe(undefined);
  });

  it('does not count a subdomain of the cookie domain, or the domain itself, as a touch', () => {
    const url = 'https://www.example.com/contact';
    expect(touchFromLocation(url, 'https://blog.example.com/post', NOW, 'example.com')).toBe(
      undefined,
    );
    expect(touchFromLocation(url, 'https://a.b.example.com/', NOW, 'example.com')).toBe(undefined);
    expect(touchFromLocation(url, 'https://example.com/', NOW, 'example.com')).toBe(undefined);
  });

  it('counts a sibling subdomain as external when there is no cookie domain (cookieless)', () => {
    const url = 'https://www.example.com/contact';
    expect(touchFromLocation(url, 'https://blog.example.com/post', NOW)?.referrer).toBe(
      'https://blog.example.com/post',
    );
  });

  it('counts a look-alike domain ending in the cookie domain as external', () => {
    const url = 'https://www.example.com/';
    expect(touchFromLocation(url, 'https://notexample.com/', NOW, 'example.com')?.referrer).toBe(
      'https://notexample.com/',
    );
  });

  it('keeps campaign parameters but drops a same-site referrer', () => {
    const url = 'https://www.example.com/contact?utm_source=newsletter';
    expect(touchFromLocation(url, 'https://blog.example.com/', NOW, 'example.com')).toEqual({
      source: 'newsletter',
      landingPage: url,
      timestamp: NOW,
    });
  });

  it('returns undefined for a plain visit: no parameters, no or an unparsable referrer', () => {
    expect(touchFromLocation('https://www.example.com/about?page=2#team', '', NOW)).toBe(undefined);
    expect(touchFromLocation('https://www.example.com/about', 'not a url', NOW)).toBe(undefined);
  });

  it('treats a leading-dot cookie domain like the bare domain', () => {
    const url = 'https://www.example.com/contact';
    expect(touchFromLocation(url, 'https://blog.example.com/', NOW, '.example.com')).toBe(
      undefined,
    );
  });
});

describe('isSameSite', () => {
  it('is the page host, or the cookie domain and hosts under it', () => {
    expect(isSameSite('www.example.com', undefined)).toBe(true);
    expect(isSameSite('blog.example.com', undefined)).toBe(false);
    expect(isSameSite('blog.example.com', 'example.com')).toBe(true);
    expect(isSameSite('example.com', 'example.com')).toBe(true);
    expect(isSameSite('badexample.com', 'example.com')).toBe(false);
    expect(isSameSite('example.com.evil.net', 'example.com')).toBe(false);
  });
});

describe('campaignSignature', () => {
  const touch = {
    source: 'google',
    medium: 'cpc',
    campaign: 'spring',
    clickIds: { gclid: 'G-1' },
  };

  it('is undefined without a touch or without source, campaign and click ids', () => {
    expect(campaignSignature(undefined)).toBe(undefined);
    expect(campaignSignature({ referrer: 'https://news.ycombinator.com/' })).toBe(undefined);
    expect(campaignSignature({ medium: 'email', term: 'x', utmId: 'y' })).toBe(undefined);
  });

  it('is a short base-36 string, stable for the same campaign', () => {
    const signature = campaignSignature(touch);
    expect(signature).toMatch(/^[0-9a-z]{1,7}$/);
    expect(campaignSignature({ ...touch })).toBe(signature);
    // Landing page, time, referrer and term do not make a new campaign.
    expect(
      campaignSignature({
        ...touch,
        term: 'other',
        referrer: 'https://www.google.com/',
        landingPage: 'https://www.example.com/other',
        timestamp: '2030-01-01T00:00:00.000Z',
      }),
    ).toBe(signature);
  });

  it('differs when source, medium, campaign or click ids change', () => {
    const signature = campaignSignature(touch);
    const others = [
      { ...touch, source: 'bing' },
      { ...touch, medium: 'display' },
      { ...touch, campaign: 'summer' },
      { ...touch, clickIds: { gclid: 'G-2' } },
      { ...touch, clickIds: { fbclid: 'G-1' } },
      { source: 'google' },
      { clickIds: { gclid: 'G-1' } },
    ].map(campaignSignature);
    for (const other of others) expect(other).not.toBe(signature);
    expect(new Set(others).size).toBe(others.length);
  });
});
