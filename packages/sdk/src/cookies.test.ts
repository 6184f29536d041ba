// biome-ignore-all lint/suspicious/noDocumentCookie: tests write cookies as pages and ad tags do
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getCookie, setCookie } from './cookies.ts';
import { clearCookies, setURL } from './test-dom.ts';

/** The attributes of each string assigned to `document.cookie`, keys lower-cased. */
function spyCookieWrites() {
  const set = vi.spyOn(document, 'cookie', 'set');
  return () =>
    set.mock.calls.map(([written]) => {
      const [pair, ...attributes] = String(written).split(/\s*;\s*/);
      const parsed: Record<string, string> = { pair: pair! };
      for (const attribute of attributes) {
        const [key, ...value] = attribute.split('=');
        parsed[key!.toLowerCase()] = value.join('=');
      }
      return parsed;
    });
}

/** A cookie's lifetime in seconds, whether written as max-age or expires. */
function lifetime(attributes: Record<string, string>): number | undefined {
  if (attributes['max-age'] !== undefined) return Number(attributes['max-age']);
  if (attributes.expires !== undefined)
    return Math.round((Date.parse(attributes.expires) - Date.now()) / 1000);
  return undefined;
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2025-03-04T05:06:07.000Z'), toFake: ['Date'] });
  setURL('https://www.example.com/');
  clearCookies();
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  clearCookies();
});

describe('getCookie', () => {
  it('finds a cookie by its exact name', () => {
    document.cookie = 'll_aid_old=old;path=/';
    document.cookie = 'xll_aid=x;path=/';
    document.cookie = 'll_aid=abc;path=/';
    document.cookie = 'other=1;path=/';
    expect(getCookie('ll_aid')).toBe('abc');
    expect(getCookie('ll_aid_old')).toBe('old');
    expect(getCookie('ll_')).toBe(undefined);
    expect(getCookie('missing')).toBe(undefined);
  });

  it('decodes the value and keeps `=` inside it', () => {
    document.cookie = 'a=x%3By%20z;path=/';
    document.cookie = 'b=k=v=w;path=/';
    expect(getCookie('a')).toBe('x;y z');
    expect(getCookie('b')).toBe('k=v=w');
  });

  it('never throws on a malformed percent-encoding, and still reads other cookies', () => {
    document.cookie = 'bad=%E0%A4%A;path=/';
    document.cookie = 'good=1;path=/';
    expect(() => getCookie('bad')).not.toThrow();
    expect(['%E0%A4%A', undefined]).toContain(getCookie('bad'));
    expect(getCookie('good')).toBe('1');
  });
});

describe('setCookie', () => {
  it('writes path=/, SameSite=Lax, the domain, the lifetime in days and Secure', () => {
    const writes = spyCookieWrites();
    setCookie('ll_aid', 'abc', { domain: 'example.com', days: 365, secure: true });
    const [aid] = writes();
    expect(aid).toMatchObject({ pair: 'll_aid=abc', path: '/', domain: 'example.com' });
    expect(aid!.samesite?.toLowerCase()).toBe('lax');
    expect(aid).toHaveProperty('secure');
    expect(lifetime(aid!)).toBe(365 * 86400);
  });

  it('writes a 30-minute cookie, and a session cookie without days, host-only without domain', () => {
    const writes = spyCookieWrites();
    setCookie('ll_sid', 'def', { days: 30 / 1440 });
    setCookie('ll_probe', '1', {});
    const [sid, probe] = writes();
    expect(lifetime(sid!)).toBe(1800);
    expect(sid).not.toHaveProperty('domain');
    expect(sid).not.toHaveProperty('secure');
    expect(probe).toMatchObject({ pair: 'll_probe=1', path: '/' });
    expect(lifetime(probe!)).toBe(undefined);
  });

  it('round-trips values that need encoding', () => {
    setCookie('ll_x', 'a;b c=d,é', {});
    expect(getCookie('ll_x')).toBe('a;b c=d,é');
    expect(document.cookie).not.toContain(';b');
  });

  it('sets a cookie on the parent domain that the page can read', () => {
    setCookie('ll_aid', 'abc', { domain: 'example.com', days: 1 });
    expect(getCookie('ll_aid')).toBe('abc');
  });

  it('removes a cookie with days: -1, leaving the others', () => {
    setCookie('ll_aid', 'abc', { domain: 'example.com', days: 1 });
    setCookie('keep', '1', { days: 1 });
    setCookie('ll_aid', '', { domain: 'example.com', days: -1 });
    expect(getCookie('ll_aid')).toBe(undefined);
    expect(document.cookie).toBe('keep=1');
  });

  it('lets a cookie expire after its lifetime', () => {
    setCookie('ll_sid', 'def', { days: 30 / 1440 });
    vi.setSystemTime(Date.now() + 29 * 60_000);
    expect(getCookie('ll_sid')).toBe('def');
    vi.setSystemTime(Date.now() + 2 * 60_000);
    expect(getCookie('ll_sid')).toBe(undefined);
  });
});
