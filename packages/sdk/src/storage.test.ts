// biome-ignore-all lint/suspicious/noDocumentCookie: tests write cookies as pages and ad tags do
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearCookies, setURL } from './test-dom.ts';

type Storage = typeof import('./storage.ts');

/** Strings assigned to `document.cookie`. */
const spyCookieWrites = () => vi.spyOn(document, 'cookie', 'set');

/** A fresh storage module: its memory/persisted state is per page. */
async function freshStorage(): Promise<Storage> {
  vi.resetModules();
  return import('./storage.ts');
}

const KEYS = ['ll_aid', 'll_sid', 'll_ft', 'll_lt', 'll_q'];

beforeEach(() => {
  setURL('https://www.example.com/page');
  clearCookies();
  localStorage.clear();
});
afterEach(() => {
  vi.restoreAllMocks();
  clearCookies();
  localStorage.clear();
});

describe('before persist()', () => {
  it('keeps everything in memory: no cookie, no localStorage', async () => {
    const { read, write } = await freshStorage();
    const writes = spyCookieWrites();
    write('ll_aid', 'visitor', 31536000);
    write('ll_ft', { landingPage: 'https://www.example.com/' });
    expect(read('ll_aid')).toBe('visitor');
    expect(read('ll_ft')).toEqual({ landingPage: 'https://www.example.com/' });
    expect(read('ll_q')).toBe(undefined);
    expect(writes).not.toHaveBeenCalled();
    expect(document.cookie).toBe('');
    expect(localStorage.length).toBe(0);
  });

  it('does not read what an earlier page stored', async () => {
    document.cookie = 'll_aid=earlier;path=/';
    localStorage.setItem('ll_ft', '{"source":"x"}');
    const { read } = await freshStorage();
    expect(read('ll_aid')).toBe(undefined);
    expect(read('ll_ft')).toBe(undefined);
  });

  it('erase() clears the memory without touching the browser', async () => {
    const { erase, read, write } = await freshStorage();
    localStorage.setItem('ll_q', '[]');
    write('ll_aid', 'visitor', 31536000);
    erase(['ll_aid']);
    expect(read('ll_aid')).toBe(undefined);
    expect(localStorage.getItem('ll_q')).toBe('[]');
  });
});

describe('after persist()', () => {
  it('writes ll_aid and ll_sid as cookies on the given domain', async () => {
    const { persist, read, write } = await freshStorage();
    persist('example.com');
    const writes = spyCookieWrites();
    write('ll_aid', 'visitor', 31536000);
    write('ll_sid', 'session.abc', 1800);
    expect(read('ll_aid')).toBe('visitor');
    expect(read('ll_sid')).toBe('session.abc');
    expect(document.cookie).toBe('ll_aid=visitor; ll_sid=session.abc');
    expect(writes).toHaveBeenCalledTimes(2);
    for (const [written] of writes.mock.calls) {
      expect(written).toMatch(/;\s*domain=example\.com\b/i);
      expect(written).toMatch(/;\s*secure\b/i);
    }
    expect(localStorage.length).toBe(0);
  });

  it('writes host-only, non-Secure cookies on an http page without a domain', async () => {
    setURL('http://localhost:3000/');
    const { persist, write } = await freshStorage();
    persist(undefined);
    const writes = spyCookieWrites();
    write('ll_aid', 'visitor', 31536000);
    expect(writes.mock.calls[0]![0]).not.toMatch(/domain=|secure/i);
    expect(document.cookie).toBe('ll_aid=visitor');
  });

  it('keeps touches and the queue in localStorage as JSON', async () => {
    const { persist, read, write } = await freshStorage();
    persist('example.com');
    const touch = { source: 'google', landingPage: 'https://www.example.com/' };
    write('ll_ft', touch);
    write('ll_lt', touch);
    write('ll_q', [{ id: '1' }]);
    expect(localStorage.getItem('ll_ft')).toBe(JSON.stringify(touch));
    expect(localStorage.getItem('ll_lt')).toBe(JSON.stringify(touch));
    expect(localStorage.getItem('ll_q')).toBe('[{"id":"1"}]');
    expect(read('ll_ft')).toEqual(touch);
    expect(read('ll_q')).toEqual([{ id: '1' }]);
    expect(document.cookie).toBe('');
  });

  it('reads what an earlier page stored, and nothing from corrupt JSON', async () => {
    document.cookie = 'll_aid=earlier;path=/';
    localStorage.setItem('ll_ft', '{"source":"x"}');
    localStorage.setItem('ll_lt', '{broken');
    const { persist, read } = await freshStorage();
    persist('example.com');
    expect(read('ll_aid')).toBe('earlier');
    expect(read('ll_ft')).toEqual({ source: 'x' });
    expect(read('ll_lt')).toBe(undefined);
    expect(read('ll_q')).toBe(undefined);
  });

  it('drops what was in memory before persisting', async () => {
    const { persist, read, write } = await freshStorage();
    write('ll_aid', 'in-memory', 31536000);
    persist('example.com');
    expect(read('ll_aid')).toBe(undefined);
  });

  it('does not throw when localStorage refuses a write', async () => {
    const { persist, write } = await freshStorage();
    persist('example.com');
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    expect(() => write('ll_q', [1])).not.toThrow();
  });

  it("erase() removes the SDK's cookies and localStorage entries, and nothing else", async () => {
    const { erase, persist, read, write } = await freshStorage();
    persist('example.com');
    write('ll_aid', 'visitor', 31536000);
    write('ll_sid', 'session.', 1800);
    write('ll_ft', { source: 'a' });
    write('ll_lt', { source: 'b' });
    write('ll_q', [{ id: '1' }]);
    document.cookie = 'site=1;path=/';
    localStorage.setItem('site', 'keep');
    erase(KEYS);
    for (const key of KEYS) {
      expect(read(key), key).toBe(undefined);
      expect(localStorage.getItem(key), key).toBe(null);
    }
    expect(document.cookie).toBe('site=1');
    expect(localStorage.getItem('site')).toBe('keep');
  });
});

describe('registrableDomain', () => {
  it('is undefined for IPs, IPv6 and single-label hosts, without probing', async () => {
    const { registrableDomain } = await freshStorage();
    const writes = spyCookieWrites();
    for (const host of ['127.0.0.1', '192.168.1.20', '::1', '[::1]', 'localhost', 'intranet'])
      expect(registrableDomain(host), host).toBe(undefined);
    expect(writes).not.toHaveBeenCalled();
  });

  it("finds the page's parent domain, shortest first, and removes its probe cookie", async () => {
    setURL('https://a.b.example.com/');
    const { registrableDomain } = await freshStorage();
    const writes = spyCookieWrites();
    expect(registrableDomain('a.b.example.com')).toBe('example.com');
    // Never a public suffix's bare TLD, and no longer domain once one accepts.
    expect(writes.mock.calls[0]![0]).toMatch(/^ll_probe=1;.*domain=example\.com\b/i);
    expect(writes.mock.calls.map(([written]) => written).join('\n')).not.toMatch(
      /domain=(com|b\.example\.com)\b/i,
    );
    expect(document.cookie).toBe('');
  });

  it('is undefined when the browser refuses every probe', async () => {
    // The page is on example.com: the browser refuses cookies for other.org.
    const { registrableDomain } = await freshStorage();
    const writes = spyCookieWrites();
    expect(registrableDomain('www.other.org')).toBe(undefined);
    expect(writes.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(document.cookie).toBe('');
  });
});
