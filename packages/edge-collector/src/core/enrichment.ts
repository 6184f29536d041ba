import { isbot } from 'isbot';
// ua-parser-js 1.x is CommonJS (`module.exports = UAParser`): the default import is that function
// under esbuild (wrangler), vitest in workerd and tsc alike. Never 2.x, which is AGPL.
import UAParser from 'ua-parser-js';

// What a request says about the visitor, reduced to what an analyst groups by. The IP address is
// never read and the raw user agent never kept.

export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'other';

/** What the user agent says. */
export type Device = {
  /** A crawler, a script, a headless browser, or no user agent at all. */
  bot: boolean;
  /** e.g. "Chrome", "Safari", "Samsung Internet". */
  browser?: string;
  /** e.g. "Windows", "iOS", "Mac OS". */
  os?: string;
  deviceType: DeviceType;
};

/**
 * The geo fields of Cloudflare's `request.cf` that Leadloop keeps: a plain object, so it can travel
 * in a queue message.
 */
export type RequestGeo = {
  /** ISO 3166-1 alpha-2; Cloudflare sends "XX" when it does not know and "T1" for Tor. */
  country?: string;
  /** e.g. "California". */
  region?: string;
  /** ISO 3166-2 code of the region, e.g. "CA": unlike the name, it does not vary in spelling. */
  regionCode?: string;
  city?: string;
  /** IANA, e.g. "America/Los_Angeles". */
  timezone?: string;
};

/** What the request says about the visitor's device and place; the IP address is never read. */
export type Enrichment = Device & RequestGeo;

const GEO_FIELDS = ['country', 'region', 'regionCode', 'city', 'timezone'] as const;

/** Parsed user agents kept at most; a queue batch of 100 events usually shares one. */
export const DEVICE_CACHE_LIMIT = 256;

// Bounds what the cache holds; ua-parser reads no further than 500 characters either.
const USER_AGENT_LENGTH = 500;
const TEXT_LENGTH = 100;

const recentDevices = new Map<string, Device>();

/**
 * The geo fields of `request.cf`, to send along with the event.
 * @example requestGeo(c.req.raw.cf) // { country: 'DE', region: 'Bavaria', regionCode: 'BY', … }
 */
export function requestGeo(cf: IncomingRequestCfProperties | undefined): RequestGeo {
  const geo: RequestGeo = {};
  for (const field of GEO_FIELDS) {
    const value: unknown = cf?.[field];
    if (typeof value === 'string' && value) geo[field] = value;
  }
  return geo;
}

/**
 * Browser, OS, device type and bot flag from the user agent, and the place from `requestGeo`.
 * `cache` is for tests; parsed user agents are otherwise kept in one module-wide map.
 * @example enrich(request.headers.get('user-agent') ?? undefined, message.geo)
 */
export function enrich(
  userAgent: string | undefined,
  geo: RequestGeo | undefined,
  cache: Map<string, Device> = recentDevices,
): Enrichment {
  return withoutUndefined({ ...deviceOf(userAgent, cache), ...placeOf(geo) });
}

function deviceOf(userAgent: string | undefined, cache: Map<string, Device>): Device {
  const key = userAgent?.trim().slice(0, USER_AGENT_LENGTH) ?? '';
  // Real browsers always send a user agent.
  if (!key) return { bot: true, deviceType: 'other' };
  let device = cache.get(key);
  if (device) {
    cache.delete(key); // re-inserted below as the most recently used
  } else {
    device = parseDevice(key);
    if (cache.size >= DEVICE_CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, device);
  return device;
}

function parseDevice(userAgent: string): Device {
  const { browser, os, device } = UAParser(userAgent);
  return {
    bot: isbot(userAgent),
    // "Mobile Safari" is Safari on a phone; the device type already says so.
    browser: text(browser.name?.replace(/^Mobile /, '')),
    os: text(os.name),
    deviceType: deviceTypeOf(device.type, os.name),
  };
}

// ua-parser names a device type only for mobile, tablet, smarttv, console, wearable and embedded:
// a user agent without one is a desktop if its OS is one.
const DESKTOP_OS =
  /^(windows|mac ?os|chromium os|linux|ubuntu|debian|fedora|mint|arch|centos|red ?hat|(open)?suse|gentoo|manjaro|slackware|mageia|mandriva|deepin|elementary os|(free|net|open|pc-|ghost)bsd|dragonfly|solaris|unix)$/i;

function deviceTypeOf(type: string | undefined, os: string | undefined): DeviceType {
  if (type === 'mobile' || type === 'tablet') return type;
  if (!type && os && DESKTOP_OS.test(os)) return 'desktop';
  return 'other';
}

function placeOf(geo: RequestGeo | undefined): RequestGeo {
  const country = geo?.country?.trim().toUpperCase();
  // A Tor exit node's place is not the visitor's.
  if (!geo || country === 'T1') return {};
  return {
    country: country && /^[A-Z]{2}$/.test(country) && country !== 'XX' ? country : undefined,
    region: text(geo.region),
    regionCode: text(geo.regionCode),
    city: text(geo.city),
    timezone: text(geo.timezone),
  };
}

function text(value: string | undefined): string | undefined {
  return value?.trim().slice(0, TEXT_LENGTH) || undefined;
}

// Absent fields stay absent, so results compare and serialise cleanly.
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
