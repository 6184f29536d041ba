import { getCookie, setCookie } from './cookies.ts';

// Where the SDK keeps its state: `ll_aid` / `ll_sid` in first-party cookies, touches and the retry
// queue in localStorage — or everything in memory until `persist()` (cookieless mode, or consent
// not given). Module state: one SDK per page.
let memory: Record<string, unknown> | 0 = {}; // 0 once persisted: fewer bytes than undefined
let domain: string | undefined;
// The ids (`ll_aid`, `ll_sid`) are the only keys ending in `id`.
const isCookie = (key: string) => key.endsWith('id');

/** From now on, keep state in cookies on `domain` and in localStorage. */
export function persist(cookieDomain: string | undefined): void {
  memory = 0;
  domain = cookieDomain;
}

export function read<T = string>(key: string): T | undefined {
  if (memory) return memory[key] as T;
  // Only ids are cookies: each document.cookie read is a round trip to the browser process.
  if (isCookie(key)) return getCookie(key) as T;
  // Storage's named properties: shorter than getItem, and a missing key, read as undefined, fails
  // to parse: undefined, as from memory.
  try {
    return JSON.parse(localStorage[key]);
  } catch {}
}

/**
 * Keeps `value` under `key` (a cookie for `seconds`, which ids always give) and returns it;
 * `write(key)` erases it. localStorage may be full or disabled: the value then still lives for
 * this page.
 */
export function write<T>(key: string, value?: T, seconds = -1): T {
  if (memory) memory[key] = value;
  else if (isCookie(key)) setCookie(key, value as string, seconds, domain);
  else
    try {
      if (value === undefined) delete localStorage[key];
      else localStorage[key] = JSON.stringify(value);
    } catch {}
  return value as T;
}

/** Erases these keys, wherever they are kept. */
export const erase = (keys: string[]) => keys.map((key) => write(key));

/**
 * The registrable domain of `host` (`www.shop.co.uk` → `shop.co.uk`): the shortest parent domain
 * that accepts a cookie, as browsers refuse cookies on public suffixes. Undefined for IPs and
 * single-label hosts, which get host-only cookies.
 */
export function registrableDomain(host: string): string | undefined {
  // No probing an IPv4 address; IPv6 and single-label hosts have no parent to probe.
  if (/^[\d.]+$/.test(host)) return;
  const labels = host.split('.');
  for (let index = labels.length - 1; index--; ) {
    const domain = labels.slice(index).join('.');
    setCookie('ll_probe', '1', 9, domain);
    if (getCookie('ll_probe')) {
      setCookie('ll_probe', '', -1, domain);
      return domain;
    }
  }
}
