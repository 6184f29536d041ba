import { afterEach, describe, expect, it, vi } from 'vitest';
import { UUID_V4 } from './test-dom.ts';
import { uuid } from './uuid.ts';

/** A `crypto` with only `getRandomValues`, as on a plain-http page, filling every byte with `byte`. */
function stubCrypto(byte: number) {
  const getRandomValues = vi.fn((array: Uint8Array) => array.fill(byte));
  vi.stubGlobal('crypto', { getRandomValues });
  return getRandomValues;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('uuid', () => {
  it('returns distinct v4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 1000 }, uuid));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });

  it('needs only getRandomValues, and sets the version and variant bits', () => {
    // Each random nibble is XORed into the template '10000000-1000-4000-8000-100000000000'.
    const getRandomValues = stubCrypto(0xff);
    expect(uuid()).toBe('efffffff-efff-4fff-bfff-efffffffffff');
    expect(getRandomValues).toHaveBeenCalledTimes(31);
    stubCrypto(0);
    expect(uuid()).toBe('10000000-1000-4000-8000-100000000000');
    stubCrypto(0x0c);
    expect(uuid()).toMatch(UUID_V4);
  });

  it('uses every random hex digit, including the variant digit', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 2000; index++) {
      const id = uuid();
      seen.add(id[19]!);
    }
    expect([...seen].sort()).toEqual(['8', '9', 'a', 'b']);
  });
});
