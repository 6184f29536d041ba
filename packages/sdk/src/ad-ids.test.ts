// biome-ignore-all lint/suspicious/noDocumentCookie: tests write cookies as pages and ad tags do
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adIds } from './ad-ids.ts';
import { setURL } from './test-dom.ts';

function clearCookies(): void {
  for (const pair of document.cookie.split('; ')) {
    const name = pair.split('=')[0];
    if (name) document.cookie = `${name}=;path=/;max-age=-1`;
  }
}

beforeEach(() => {
  setURL('https://www.example.com/');
  clearCookies();
});
afterEach(clearCookies);

describe('adIds', () => {
  it('is empty without ad cookies', () => {
    expect(adIds()).toEqual({ fbc: undefined, fbp: undefined, gclAw: undefined });
  });

  it("reads Meta's and Google's cookies (the collector builds _fbc from an fbclid without one)", () => {
    document.cookie = '_fbc=fb.1.1700000000000.IwAR0zzz;path=/';
    document.cookie = '_fbp=fb.1.1700000000000.123456789;path=/';
    document.cookie = '_gcl_aw=GCL.1700000000.Cj0KCQ;path=/';
    expect(adIds()).toEqual({
      fbc: 'fb.1.1700000000000.IwAR0zzz',
      fbp: 'fb.1.1700000000000.123456789',
      gclAw: 'GCL.1700000000.Cj0KCQ',
    });
  });
});
