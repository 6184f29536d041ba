import type { Site } from '@leadloop/schema';
import type { Store } from './types.ts';

type Entry = { site: Site; expiresAt: number };

const MAX_ENTRIES = 1000;

/**
 * Remembers found sites in the isolate for `ttlMs`, so the queue consumer does not spend a
 * database round trip (on Postgres, a connection) per batch on data that almost never changes.
 * Misses are not remembered: a site is always looked up until it exists.
 */
export function cachedSiteLookup(ttlMs: number, now: () => number = Date.now) {
  const entries = new Map<string, Entry>();
  return async (store: Store, ids: readonly string[]): Promise<Map<string, Site>> => {
    const found = new Map<string, Site>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const cached = entries.get(id);
      if (cached && cached.expiresAt > now()) found.set(id, cached.site);
      else missing.push(id);
    }
    if (missing.length > 0) {
      for (const site of await store.findSites(missing)) {
        found.set(site.id, site);
        if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
        entries.set(site.id, { site, expiresAt: now() + ttlMs });
      }
    }
    return found;
  };
}
