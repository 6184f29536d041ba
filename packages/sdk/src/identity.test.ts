import { webcrypto } from 'node:crypto';
import Cookies from 'js-cookie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { anonymousId, sessionId, uuid } from './identity.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function setURL(url: string): void {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
}

function clearCookies(): void {
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name);
}

/** A `crypto` without `randomUUID`, as in an insecure context, filling bytes with `fill`. */
function stubCryptoWithoutRandomUUID(fill?: number) {
  const getRandomValues = vi.fn((array: Uint8Array) =>
    fill === undefined ? webcrypto.getRandomValues(array) : array.fill(fill),
  );
  vi.stubGlobal('crypto', { getRandomValues });
  return getRandomValues;
}

beforeEach(() => {
  setURL('https://www.example.com/');
  clearCookies();
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  clearCookies();
});

describe('uuid', () => {
  it('returns distinct v4 UUIDs', () => {
    const a = uuid();
    const b = uuid();
    expect(a).toMatch(UUID_V4);
    expect(b).toMatch(UUID_V4);
    expect(a).not.toBe(b);
  });

  it('uses crypto.randomUUID when it exists', () => {
    const spy = vi
      .spyOn(crypto, 'randomUUID')
      .mockReturnValue('11111111-2222-4333-8444-555555555555');
    expect(uuid()).toBe('11111111-2222-4333-8444-555555555555');
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('falls back to getRandomValues when crypto.randomUUID is missing', () => {
    const getRandomValues = stubCryptoWithoutRandomUUID();
    expect(crypto.randomUUID).toBeUndefined();
    const a = uuid();
    const b = uuid();
    expect(getRandomValues).toHaveBeenCalledTimes(2);
    expect(a).toMatch(UUID_V4);
    expect(b).toMatch(UUID_V4);
    expect(a).not.toBe(b);
  });

  it('sets the version and variant bits in the fallback', () => {
    stubCryptoWithoutRandomUUID(0xff);
    expect(uuid()).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    vi.unstubAllGlobals();
    stubCryptoWithoutRandomUUID(0x00);
    expect(uuid()).toBe('00000000-0000-4000-8000-000000000000');
  });

  it('restores the real crypto after stubbing', () => {
    stubCryptoWithoutRandomUUID(0);
    vi.unstubAllGlobals();
    expect(typeof crypto.randomUUID).toBe('function');
    expect(uuid()).not.toBe('00000000-0000-4000-8000-000000000000');
  });
});

describe('anonymousId', () => {
  it('creates a UUID and stores it in the ll_aid cookie', () => {
    expect(Cookies.get('ll_aid')).toBeUndefined();
    const id = anonymousId();
    expect(id).toMatch(UUID_V4);
    expect(Cookies.get('ll_aid')).toBe(id);
    expect(document.cookie).toContain(`ll_aid=${id}`);
  });

  it('is stable across calls', () => {
    const id = anonymousId();
    expect(anonymousId()).toBe(id);
    expect(anonymousId()).toBe(id);
    expect(Cookies.get('ll_aid')).toBe(id);
  });

  it('reuses an id already in the cookie', () => {
    Cookies.set('ll_aid', 'existing-visitor');
    expect(anonymousId()).toBe('existing-visitor');
    expect(Cookies.get('ll_aid')).toBe('existing-visitor');
  });

  it('starts a new id once the cookie is gone', () => {
    const id = anonymousId();
    Cookies.remove('ll_aid');
    const next = anonymousId();
    expect(next).toMatch(UUID_V4);
    expect(next).not.toBe(id);
  });

  it('keeps the cookie a year, SameSite=Lax and Secure on https', () => {
    const set = vi.spyOn(Cookies, 'set');
    const id = anonymousId();
    expect(set).toHaveBeenCalledWith('ll_aid', id, {
      expires: 365,
      sameSite: 'Lax',
      secure: true,
    });
  });

  it('does not mark the cookie Secure on http', () => {
    setURL('http://www.example.com/');
    const set = vi.spyOn(Cookies, 'set');
    const id = anonymousId();
    expect(set).toHaveBeenCalledWith('ll_aid', id, {
      expires: 365,
      sameSite: 'Lax',
      secure: false,
    });
    expect(Cookies.get('ll_aid')).toBe(id);
  });
});

describe('sessionId', () => {
  it('creates a UUID in the ll_sid cookie, separate from the anonymous id', () => {
    const sid = sessionId();
    expect(sid).toMatch(UUID_V4);
    expect(Cookies.get('ll_sid')).toBe(sid);
    expect(sid).not.toBe(anonymousId());
    expect(Cookies.get('ll_sid')).toBe(sid);
  });

  it('is stable across calls and reuses an existing cookie', () => {
    const sid = sessionId();
    expect(sessionId()).toBe(sid);
    Cookies.set('ll_sid', 'existing-session');
    expect(sessionId()).toBe('existing-session');
  });

  it('expires after 30 minutes without an event (refreshed on every call)', () => {
    const set = vi.spyOn(Cookies, 'set');
    const sid = sessionId();
    sessionId();
    expect(set).toHaveBeenCalledTimes(2);
    const expires = (set.mock.calls[0]![2] as Cookies.CookieAttributes).expires as number;
    expect(expires * 24 * 60).toBeCloseTo(30, 10);
    expect(set).toHaveBeenLastCalledWith('ll_sid', sid, {
      expires,
      sameSite: 'Lax',
      secure: true,
    });
  });
});
