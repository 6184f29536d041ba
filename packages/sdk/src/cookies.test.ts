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

  it('reads values verbatim, `=` and escapes included, as ad platforms want their ids', () => {
    document.cookie = '_fbc=fb.1.1700000000000.IwAR0%2Fz=;path=/';
    document.cookie = 'bad=%E0%A4%A;path=/';
    expect(getCookie('_fbc')).toBe('fb.1.1700000000000.IwAR0%2Fz=');
    expect(getCookie('bad')).toBe('%E0%A4%A');
  });
});

describe('setCookie', () => {
  it('writes path=/, SameSite=Lax, the domain, the lifetime and Secure on https', () => {
    const writes = spyCookieWrites();
    setCookie('ll_aid', 'abc', 365 * 86400, 'example.com');
    const [aid] = writes();
    expect(aid).toMatchObject({ pair: 'll_aid=abc', path: '/', domain: 'example.com' });
    expect(aid!.samesite?.toLowerCase()).toBe('lax');
    expect(aid).toHaveProperty('secure');
    expect(lifetime(aid!)).toBe(365 * 86400);
  });

  it('writes a host-only cookie without a domain, and no Secure on http', () => {
    setURL('http://localhost:3000/');
    const writes = spyCookieWrites();
    setCookie('ll_sid', 'def', 1800);
    const [sid] = writes();
    expect(lifetime(sid!)).toBe(1800);
    expect(sid).not.toHaveProperty('domain');
    expect(sid).not.toHaveProperty('secure');
    expect(getCookie('ll_sid')).toBe('def');
  });

  it('sets a cookie on the parent domain that the page can read', () => {
    setCookie('ll_aid', 'abc', 86400, 'example.com');
    expect(getCookie('ll_aid')).toBe('abc');
  });

  it('removes a cookie with a negative lifetime, leaving the others', () => {
    setCookie('ll_aid', 'abc', 86400, 'example.com');
    setCookie('keep', '1', 86400);
    setCookie('ll_aid', '', -1, 'example.com');
    expect(getCookie('ll_aid')).toBe(undefined);
    expect(document.cookie).toBe('keep=1');
  });

  it('lets a cookie expire after its lifetime', () => {
    setCookie('ll_sid', 'def', 1800);
    vi.setSystemTime(Date.now() + 29 * 60_000);
    expect(getCookie('ll_sid')).toBe('def');
    vi.setSystemTime(Date.now() + 2 * 60_000);
    expect(getCookie('ll_sid')).toBe(undefined);
  });
});
