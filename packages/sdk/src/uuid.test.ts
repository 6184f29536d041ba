import { afterEach, describe, expect, it, vi } from 'vitest';
import { UUID_V4 } from './test-dom.ts';
import { uuid } from './uuid.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('uuid', () => {
  it('returns distinct v4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 1000 }, uuid));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });

  it("takes the browser's UUID from a blob URL and revokes the URL", () => {
    const url = 'blob:https://www.example.com/0f8fad5b-d9cb-469f-a165-70867728950e';
    const create = vi.spyOn(URL, 'createObjectURL').mockReturnValue(url);
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    expect(uuid()).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(create).toHaveBeenCalledTimes(1);
    expect(revoke).toHaveBeenCalledWith(url);
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
