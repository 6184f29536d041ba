import { afterEach, describe, expect, it, vi } from 'vitest';
import { UUID_V4 } from './test-dom.ts';
import { uuid } from './uuid.ts';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** A plain-http page: no `crypto.randomUUID` outside secure contexts. */
const insecureContext = () => vi.stubGlobal('crypto', {});

describe('uuid', () => {
  it.each([
    ['a secure context', () => {}],
    ['a plain-http page', insecureContext],
  ])('returns distinct v4 UUIDs in %s', (_, setUp) => {
    setUp();
    const ids = new Set(Array.from({ length: 1000 }, uuid));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });

  it('takes crypto.randomUUID where there is one, with no blob URL to make or revoke', () => {
    const create = vi.spyOn(URL, 'createObjectURL');
    const revoke = vi.spyOn(URL, 'revokeObjectURL');
    const random = vi.spyOn(crypto, 'randomUUID');
    expect(uuid()).toMatch(UUID_V4);
    expect(random).toHaveBeenCalledTimes(1);
    // Each costs a synchronous round trip to the browser process, the first revocation included.
    expect(create).not.toHaveBeenCalled();
    expect(revoke).not.toHaveBeenCalled();
  });

  it("takes the browser's UUID from a blob URL without randomUUID, and revokes the URL", () => {
    insecureContext();
    const url = 'blob:http://www.example.com/0f8fad5b-d9cb-469f-a165-70867728950e';
    const create = vi.spyOn(URL, 'createObjectURL').mockReturnValue(url);
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    expect(uuid()).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(create).toHaveBeenCalledTimes(1);
    expect(revoke).toHaveBeenCalledWith(url);
  });

  it.each([
    ['a secure context', () => {}],
    ['a plain-http page', insecureContext],
  ])('uses every random hex digit, including the variant digit, in %s', (_, setUp) => {
    setUp();
    const seen = new Set<string>();
    for (let index = 0; index < 2000; index++) {
      const id = uuid();
      seen.add(id[19]!);
    }
    expect([...seen].sort()).toEqual(['8', '9', 'a', 'b']);
  });
});
