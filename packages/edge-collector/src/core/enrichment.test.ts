import { describe, expect, it } from 'vitest';
import { DEVICE_CACHE_LIMIT, type Device, enrich, requestGeo } from './enrichment.ts';

const USER_AGENTS = {
  chromeOnWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  safariOnIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  safariOnIpad:
    'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  // iPadOS 13+ asks for desktop sites by default and sends a Mac's user agent.
  safariOnIpadAsDesktop:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  firefoxOnLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  firefoxOnUbuntu: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  chromeOnAndroidPhone:
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  chromeOnAndroidTablet:
    'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  samsungInternet:
    'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36',
  samsungSmartTv:
    'Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  googlebotSmartphone:
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  bingbot: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  curl: 'curl/8.7.1',
  // Puppeteer and Playwright's default: Chrome on Windows but for one word.
  headlessChrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
};

// What Cloudflare puts on `request.cf` in Munich, trimmed to the fields that matter here.
const munichCf = {
  asn: 3320,
  colo: 'MUC',
  country: 'DE',
  isEUCountry: '1',
  continent: 'EU',
  region: 'Bavaria',
  regionCode: 'BY',
  city: 'Munich',
  postalCode: '80331',
  latitude: '48.13743',
  longitude: '11.57549',
  metroCode: '0',
  timezone: 'Europe/Berlin',
  clientTcpRtt: 12,
} as unknown as IncomingRequestCfProperties;

const cf = (fields: Record<string, unknown>) => fields as unknown as IncomingRequestCfProperties;

describe('enrich: the device', () => {
  it.each([
    ['chromeOnWindows', { browser: 'Chrome', os: 'Windows', deviceType: 'desktop' }],
    ['safariOnIphone', { browser: 'Safari', os: 'iOS', deviceType: 'mobile' }],
    ['safariOnIpad', { browser: 'Safari', os: 'iOS', deviceType: 'tablet' }],
    ['safariOnIpadAsDesktop', { browser: 'Safari', os: 'Mac OS', deviceType: 'desktop' }],
    ['firefoxOnLinux', { browser: 'Firefox', os: 'Linux', deviceType: 'desktop' }],
    ['firefoxOnUbuntu', { browser: 'Firefox', os: 'Ubuntu', deviceType: 'desktop' }],
    ['chromeOnAndroidPhone', { browser: 'Chrome', os: 'Android', deviceType: 'mobile' }],
    ['chromeOnAndroidTablet', { browser: 'Chrome', os: 'Android', deviceType: 'tablet' }],
    ['samsungInternet', { browser: 'Samsung Internet', os: 'Android', deviceType: 'mobile' }],
    ['samsungSmartTv', { browser: 'Samsung Internet', os: 'Tizen', deviceType: 'other' }],
  ] as const)('reads %s as a person’s browser', (name, expected) => {
    expect(enrich(USER_AGENTS[name], undefined)).toEqual({ bot: false, ...expected });
  });

  it.each([
    ['googlebot', { deviceType: 'other' }],
    ['bingbot', { deviceType: 'other' }],
    ['curl', { deviceType: 'other' }],
    // Still parsed, so an analyst can see which crawler pretends to be which device.
    ['googlebotSmartphone', { browser: 'Chrome', os: 'Android', deviceType: 'mobile' }],
    ['headlessChrome', { browser: 'Chrome Headless', os: 'Windows', deviceType: 'desktop' }],
  ] as const)('flags %s as a bot', (name, expected) => {
    expect(enrich(USER_AGENTS[name], undefined)).toEqual({ bot: true, ...expected });
  });

  it('tells headless Chrome from Chrome by that one word', () => {
    expect(USER_AGENTS.headlessChrome.replace('HeadlessChrome', 'Chrome')).toBe(
      USER_AGENTS.chromeOnWindows,
    );
    expect(enrich(USER_AGENTS.chromeOnWindows, undefined).bot).toBe(false);
    expect(enrich(USER_AGENTS.headlessChrome, undefined).bot).toBe(true);
  });

  it('counts a missing or blank user agent as a bot: browsers always send one', () => {
    for (const userAgent of [undefined, '', '   ']) {
      expect(enrich(userAgent, undefined)).toEqual({ bot: true, deviceType: 'other' });
    }
  });

  it('reads a user agent with surrounding whitespace as the same browser', () => {
    expect(enrich(`  ${USER_AGENTS.safariOnIphone}\n`, undefined)).toEqual(
      enrich(USER_AGENTS.safariOnIphone, undefined),
    );
  });

  it('never keeps the user agent itself', () => {
    for (const userAgent of Object.values(USER_AGENTS)) {
      const enrichment = enrich(userAgent, requestGeo(munichCf));
      const serialised = JSON.stringify(enrichment);
      expect(serialised).not.toContain('Mozilla');
      expect(serialised).not.toContain(userAgent);
      for (const value of Object.values(enrichment)) {
        if (typeof value === 'string') expect(value.length).toBeLessThanOrEqual(100);
      }
    }
  });
});

describe('requestGeo', () => {
  it('keeps country, region, city and timezone, and drops coordinates, postcode and network', () => {
    expect(requestGeo(munichCf)).toEqual({
      country: 'DE',
      region: 'Bavaria',
      regionCode: 'BY',
      city: 'Munich',
      timezone: 'Europe/Berlin',
    });
  });

  it('is empty without cf or without geo fields in it', () => {
    expect(requestGeo(undefined)).toEqual({});
    expect(requestGeo(cf({ asn: 13335, colo: 'AMS', clientTcpRtt: 3 }))).toEqual({});
  });

  it('survives a queue message unchanged', () => {
    const geo = requestGeo(munichCf);
    expect(JSON.parse(JSON.stringify(geo))).toEqual(geo);
    expect(structuredClone(geo)).toEqual(geo);
  });
});

describe('enrich: the place', () => {
  it('adds the place from the request', () => {
    expect(enrich(USER_AGENTS.chromeOnWindows, requestGeo(munichCf))).toEqual({
      bot: false,
      browser: 'Chrome',
      os: 'Windows',
      deviceType: 'desktop',
      country: 'DE',
      region: 'Bavaria',
      regionCode: 'BY',
      city: 'Munich',
      timezone: 'Europe/Berlin',
    });
  });

  it('leaves the place out when the request has none', () => {
    const expected = { bot: false, browser: 'Chrome', os: 'Windows', deviceType: 'desktop' };
    expect(enrich(USER_AGENTS.chromeOnWindows, undefined)).toEqual(expected);
    expect(enrich(USER_AGENTS.chromeOnWindows, requestGeo(undefined))).toEqual(expected);
  });

  it('treats "XX" as an unknown country and keeps what else is known', () => {
    const geo = requestGeo(cf({ country: 'XX', timezone: 'UTC' }));
    expect(enrich(USER_AGENTS.chromeOnWindows, geo)).not.toHaveProperty('country');
    expect(enrich(USER_AGENTS.chromeOnWindows, geo).timezone).toBe('UTC');
  });

  it('keeps no place at all for Tor ("T1"): it is the exit node’s, not the visitor’s', () => {
    const geo = requestGeo(cf({ ...munichCf, country: 'T1' }));
    expect(enrich(USER_AGENTS.chromeOnWindows, geo)).toEqual({
      bot: false,
      browser: 'Chrome',
      os: 'Windows',
      deviceType: 'desktop',
    });
  });

  it('trims values, cuts them to 100 characters and drops what is not a country code', () => {
    const enrichment = enrich(USER_AGENTS.chromeOnWindows, {
      country: ' de ',
      region: ` ${'R'.repeat(300)} `,
      city: '   ',
      timezone: 'Europe/Berlin ',
    });
    expect(enrichment.country).toBe('DE');
    expect(enrichment.region).toBe('R'.repeat(100));
    expect(enrichment).not.toHaveProperty('city');
    expect(enrichment.timezone).toBe('Europe/Berlin');
    expect(enrich(undefined, { country: 'Germany' })).not.toHaveProperty('country');
  });
});

describe('enrich: the parsed user agent cache', () => {
  const chromeVersion = (major: number) =>
    USER_AGENTS.chromeOnWindows.replace('Chrome/131.0.0.0', `Chrome/${major}.0.0.0`);

  it('keeps at most DEVICE_CACHE_LIMIT user agents, dropping the least recently used', () => {
    const cache = new Map<string, Device>();
    enrich(chromeVersion(0), undefined, cache);
    enrich(chromeVersion(1), undefined, cache);
    for (let major = 2; major < DEVICE_CACHE_LIMIT + 100; major++) {
      enrich(chromeVersion(0), undefined, cache); // in use all along
      enrich(chromeVersion(major), undefined, cache);
    }
    expect(DEVICE_CACHE_LIMIT).toBe(256);
    expect(cache.size).toBe(DEVICE_CACHE_LIMIT);
    expect(cache.has(chromeVersion(0))).toBe(true);
    expect(cache.has(chromeVersion(1))).toBe(false);
    expect(cache.has(chromeVersion(DEVICE_CACHE_LIMIT + 99))).toBe(true);
  });

  it('gives the same answer from the cache as from a fresh parse, and one batch needs one entry', () => {
    const cache = new Map<string, Device>();
    const first = enrich(USER_AGENTS.samsungInternet, requestGeo(munichCf), cache);
    for (let event = 0; event < 99; event++) {
      expect(enrich(USER_AGENTS.samsungInternet, requestGeo(munichCf), cache)).toEqual(first);
    }
    expect(cache.size).toBe(1);
    expect(first).toEqual(enrich(USER_AGENTS.samsungInternet, requestGeo(munichCf), new Map()));
  });

  it('hands out copies, so changing a result does not change the next', () => {
    const cache = new Map<string, Device>();
    const first = enrich(USER_AGENTS.curl, undefined, cache);
    first.bot = false;
    expect(enrich(USER_AGENTS.curl, undefined, cache).bot).toBe(true);
  });

  it('keys very long user agents by their first 500 characters', () => {
    const cache = new Map<string, Device>();
    const padded = `${USER_AGENTS.firefoxOnLinux} ${'x'.repeat(5000)}`;
    expect(enrich(padded, undefined, cache)).toMatchObject({ bot: false, browser: 'Firefox' });
    expect([...cache.keys()][0]).toHaveLength(500);
  });
});
