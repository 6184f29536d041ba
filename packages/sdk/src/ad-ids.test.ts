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

const touch = {
  clickIds: { fbclid: 'IwAR0abc' },
  landingPage: 'https://www.example.com/?fbclid=IwAR0abc',
  timestamp: '2025-03-04T05:06:07.089Z',
};

beforeEach(() => {
  setURL('https://www.example.com/');
  clearCookies();
});
afterEach(clearCookies);

describe('adIds', () => {
  it('is empty without ad cookies or a touch', () => {
    expect(adIds(undefined)).toEqual({ fbc: undefined, fbp: undefined, gclAw: undefined });
    expect(adIds({ source: 'google' })).toEqual({
      fbc: undefined,
      fbp: undefined,
      gclAw: undefined,
    });
  });

  it("reads Meta's and Google's cookies", () => {
    document.cookie = '_fbc=fb.1.1700000000000.IwAR0zzz;path=/';
    document.cookie = '_fbp=fb.1.1700000000000.123456789;path=/';
    document.cookie = '_gcl_aw=GCL.1700000000.Cj0KCQ;path=/';
    expect(adIds(undefined)).toEqual({
      fbc: 'fb.1.1700000000000.IwAR0zzz',
      fbp: 'fb.1.1700000000000.123456789',
      gclAw: 'GCL.1700000000.Cj0KCQ',
    });
  });

  it("builds _fbc from the last touch's fbclid and click time, as Meta's pixel does", () => {
    expect(adIds(touch)).toEqual({
      fbc: `fb.1.${Date.parse(touch.timestamp)}.IwAR0abc`,
      fbp: undefined,
      gclAw: undefined,
    });
    expect(adIds(touch).fbc).toBe('fb.1.1741064767089.IwAR0abc');
  });

  it('prefers the _fbc cookie over one built from the touch', () => {
    document.cookie = '_fbc=fb.1.1600000000000.fromPixel;path=/';
    expect(adIds(touch).fbc).toBe('fb.1.1600000000000.fromPixel');
  });

  it('builds no _fbc from other click ids', () => {
    expect(adIds({ ...touch, clickIds: { gclid: 'G-1' } }).fbc).toBe(undefined);
  });
});
