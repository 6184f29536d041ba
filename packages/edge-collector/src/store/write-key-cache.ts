import type { Site } from '@leadloop/schema';
import type { Store } from './types.ts';

export type WriteKeyLookup = (hash: string) => Promise<Site | null>;

type Entry = { site: Site | null; expiresAt: number };

const MAX_ENTRIES = 1000;

/**
 * Remembers write-key lookups (also misses) in the isolate for `ttlMs`, so the collect hot path
 * does not query the database on every beacon. Only for public write keys: secret keys are always
 * looked up, so revoking one takes effect at once.
 */
export function cachedWriteKeyLookup(
  store: Store,
  ttlMs: number,
  now: () => number,
): WriteKeyLookup {
  const entries = new Map<string, Entry>();
  return async (hash) => {
    const cached = entries.get(hash);
    if (cached && cached.expiresAt > now()) return cached.site;
    const site = await store.findSiteByKey('write', hash);
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    entries.set(hash, { site, expiresAt: now() + ttlMs });
    return site;
  };
}
