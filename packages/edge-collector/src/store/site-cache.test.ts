import type { Site } from '@leadloop/schema';
import { describe, expect, it } from 'vitest';
import { cachedSiteLookup } from './site-cache.ts';
import type { Store } from './types.ts';

const site = (id: string): Site => ({
  id,
  name: id,
  allowedOrigins: [],
  timezone: 'UTC',
  defaultCountry: null,
  ignoredIdentifiers: [],
  createdAt: new Date(0).toISOString(),
});

/** A store that knows `known` and counts the ids it was asked for. */
function countingStore(known: string[]) {
  const asked: string[][] = [];
  const store = {
    findSites: async (ids: string[]) => {
      asked.push([...ids]);
      return ids.filter((id) => known.includes(id)).map(site);
    },
  } as unknown as Store;
  return { store, asked };
}

describe('cachedSiteLookup', () => {
  it('asks the store once per site and minute, and again for sites it did not find', async () => {
    let time = 0;
    const lookup = cachedSiteLookup(60_000, () => time);
    const { store, asked } = countingStore(['a', 'b']);
    expect([...(await lookup(store, ['a', 'b', 'gone', 'a'])).keys()]).toEqual(['a', 'b']);
    expect([...(await lookup(store, ['a', 'gone'])).keys()]).toEqual(['a']);
    time = 60_001;
    await lookup(store, ['a']);
    expect(asked).toEqual([['a', 'b', 'gone'], ['gone'], ['a']]);
  });
});
