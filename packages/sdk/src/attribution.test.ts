import type { Touch } from '@leadloop/schema';
import { CLICK_ID_PARAMS } from '@leadloop/schema/params';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { campaignSignature } from './attribution.ts';
import { recordListeners, setURL, unloadPage } from './test-dom.ts';

const NOW = '2025-03-04T05:06:07.089Z';

/** happy-dom's way to move the window without navigating. */
beforeEach(() => {
  vi.useFakeTimers({ now: new Date(NOW) });
  setURL('https://www.example.com/');
  recordListeners();
});

afterEach(() => {
  unloadPage();
  vi.clearAllTimers();
  vi.useRealTimers();
  vi.restoreAllMocks();
  Reflect.deleteProperty(document, 'referrer');
});

/**
 * The touch a page load at `href` from `referrer` carries, as the client keeps it (undefined when
 * the visit comes from nowhere in particular); `timestamp` is the load's time, the fake clock's.
 * Cookieless, so that without `cookieDomain` the site is the page's host, and nothing is stored
 * but in memory.
 */
async function touchFromLocation(
  href: string,
  referrer: string,
  timestamp: string,
  cookieDomain?: string,
): Promise<Touch | undefined> {
  expect(timestamp).toBe(new Date().toJSON());
  setURL(href);
  Object.defineProperty(document, 'referrer', { configurable: true, value: referrer });
  vi.resetModules();
  const storage = await import('./storage.ts');
  const { createClient } = await import('./client.ts');
  createClient({
    writeKey: 'pk_test',
    apiHost: 'https://collect.example.com',
    cookieless: true,
    cookieDomain,
    autoCapture: false,
  });
  return storage.read<Touch>('ll_lt');
}

/** Whether a referrer on `host` is this site's: then it makes no touch of a plain landing. */
const isSameSite = async (host: string, cookieDomain: string | undefined) =>
  !(await touchFromLocation('https://www.example.com/', `https://${host}/`, NOW, cookieDomain));

describe('the landing touch', () => {
  it('makes a touch of any UTM parameter, utm_id included: landing page and time only', async () => {
    // The collector reads the campaign out of the landing page; the SDK keeps the URL.
    for (const query of ['utm_source=google&utm_medium=cpc', 'utm_id=abc', 'utm_term=crm']) {
      const url = `https://www.example.com/pricing?${query}&other=1`;
      expect(await touchFromLocation(url, '', NOW)).toEqual({ landingPage: url, timestamp: NOW });
    }
  });

  it('skips empty UTM values and unknown parameters', async () => {
    expect(
      await touchFromLocation('https://www.example.com/?utm_source=&utm_nope=1&foo=2', '', NOW),
    ).toBe(undefined);
  });

  it('makes a touch of every known click id', async () => {
    expect(CLICK_ID_PARAMS).toHaveLength(14);
    for (const name of CLICK_ID_PARAMS) {
      const url = `https://www.example.com/lp?${name}=v1`;
      expect(await touchFromLocation(url, '', NOW), name).toEqual({
        landingPage: url,
        timestamp: NOW,
      });
    }
  });

  it('combines a campaign and an external referrer', async () => {
    const url = 'https://www.example.com/?utm_source=bing&msclkid=abc';
    expect(
      await touchFromLocation(url, 'https://www.bing.com/search?q=crm', NOW, 'example.com'),
    ).toEqual({ referrer: 'https://www.bing.com/search?q=crm', landingPage: url, timestamp: NOW });
  });

  it('cuts the landing page and referrer to the collector limits', async () => {
    const url = `https://www.example.com/?utm_source=x&q=${'a'.repeat(9000)}`;
    const referrer = `https://news.example.org/?q=${'b'.repeat(9000)}`;
    const touch = await touchFromLocation(url, referrer, NOW);
    expect(touch?.landingPage).toHaveLength(8192);
    expect(touch?.referrer).toHaveLength(8192);
  });

  it('makes a touch of an external referrer alone', async () => {
    const url = 'https://www.example.com/blog/post';
    expect(
      await touchFromLocation(url, 'https://news.ycombinator.com/', NOW, 'example.com'),
    ).toEqual({
      referrer: 'https://news.ycombinator.com/',
      landingPage: url,
      timestamp: NOW,
    });
  });

  it('does not count a same-host referrer as a touch', async () => {
    const url = 'https://www.example.com/contact';
    expect(await touchFromLocation(url, 'https://www.example.com/pricing', NOW)).toBe(undefined);
  });

  it('does not count a subdomain of the cookie domain, or the domain itself, as a touch', async () => {
    const url = 'https://www.example.com/contact';
    expect(await touchFromLocation(url, 'https://blog.example.com/post', NOW, 'example.com')).toBe(
      undefined,
    );
    expect(await touchFromLocation(url, 'https://a.b.example.com/', NOW, 'example.com')).toBe(
      undefined,
    );
    expect(await touchFromLocation(url, 'https://example.com/', NOW, 'example.com')).toBe(
      undefined,
    );
  });

  it('counts a sibling subdomain as external when there is no cookie domain (cookieless)', async () => {
    const url = 'https://www.example.com/contact';
    expect((await touchFromLocation(url, 'https://blog.example.com/post', NOW))?.referrer).toBe(
      'https://blog.example.com/post',
    );
  });

  it('counts a look-alike domain ending in the cookie domain as external', async () => {
    const url = 'https://www.example.com/';
    expect(
      (await touchFromLocation(url, 'https://notexample.com/', NOW, 'example.com'))?.referrer,
    ).toBe('https://notexample.com/');
  });

  it('keeps campaign parameters but drops a same-site referrer', async () => {
    const url = 'https://www.example.com/contact?utm_source=newsletter';
    const touch = await touchFromLocation(url, 'https://blog.example.com/', NOW, 'example.com');
    expect(touch).toEqual({ landingPage: url, timestamp: NOW });
    expect(touch).not.toHaveProperty('referrer', expect.anything());
  });

  it('returns undefined for a plain visit: no parameters, no or an unparsable referrer', async () => {
    expect(await touchFromLocation('https://www.example.com/about?page=2#team', '', NOW)).toBe(
      undefined,
    );
    expect(await touchFromLocation('https://www.example.com/about', 'not a url', NOW)).toBe(
      undefined,
    );
  });

  it('treats a leading-dot cookie domain like the bare domain', async () => {
    const url = 'https://www.example.com/contact';
    expect(await touchFromLocation(url, 'https://blog.example.com/', NOW, '.example.com')).toBe(
      undefined,
    );
  });
});

describe('the same site', () => {
  it('is the page host, or the cookie domain and hosts under it', async () => {
    expect(await isSameSite('www.example.com', undefined)).toBe(true);
    expect(await isSameSite('blog.example.com', undefined)).toBe(false);
    expect(await isSameSite('blog.example.com', 'example.com')).toBe(true);
    expect(await isSameSite('example.com', 'example.com')).toBe(true);
    expect(await isSameSite('badexample.com', 'example.com')).toBe(false);
    expect(await isSameSite('example.com.evil.net', 'example.com')).toBe(false);
  });
});

describe('campaignSignature', () => {
  const landing =
    'https://www.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=spring&gclid=G-1';

  it('is undefined for a URL without campaign parameters or click ids', () => {
    expect(campaignSignature('https://www.example.com/')).toBe(undefined);
    expect(campaignSignature('https://www.example.com/?page=2&utm_source=&utm_nope=1')).toBe(
      undefined,
    );
  });

  it('is a short base-36 string, stable for the same campaign on any page', () => {
    const signature = campaignSignature(landing);
    expect(signature).toMatch(/^[0-9a-z]{1,7}$/);
    expect(campaignSignature(landing.replace('/?', '/pricing?'))).toBe(signature);
    expect(campaignSignature(`${landing}&page=2#top`)).toBe(signature);
    expect(campaignSignature(landing.replace('/?', '/?lang=en&'))).toBe(signature);
    expect(campaignSignature(`${landing}#/route?utm_source=elsewhere`)).toBe(signature);
  });

  it('differs when a campaign parameter or click id changes', () => {
    const signature = campaignSignature(landing);
    const others = [
      landing.replace('google', 'bing'),
      landing.replace('cpc', 'display'),
      landing.replace('spring', 'summer'),
      landing.replace('G-1', 'G-2'),
      landing.replace('gclid', 'fbclid'),
      'https://www.example.com/?utm_source=google',
      'https://www.example.com/?gclid=G-1',
      'https://www.example.com/?utm_id=1',
    ].map(campaignSignature);
    for (const other of others) expect(other).not.toBe(signature);
    expect(new Set(others).size).toBe(others.length);
  });
});
