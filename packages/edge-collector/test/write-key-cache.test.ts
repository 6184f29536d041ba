import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/core/keys.ts';
import { D1Store } from '../src/store/d1.ts';
import { cachedWriteKeyLookup } from '../src/store/write-key-cache.ts';
import { createSite } from './helpers.ts';

describe('cachedWriteKeyLookup', () => {
  it('answers from memory within the TTL, then asks the database again', async () => {
    const { site, writeKey } = await createSite();
    let clock = 0;
    const lookup = cachedWriteKeyLookup(new D1Store(env.DB), 60_000, () => clock);
    const hash = await sha256Hex(writeKey);

    expect((await lookup(hash))?.id).toBe(site.id);
    await env.DB.prepare('DELETE FROM sites WHERE id = ?').bind(site.id).run();
    clock = 59_999;
    expect((await lookup(hash))?.id).toBe(site.id); // cached
    clock = 60_000;
    expect(await lookup(hash)).toBeNull(); // expired: the deletion is seen
  });

  it('caches misses too, so garbage keys do not reach the database each time', async () => {
    let clock = 0;
    const lookup = cachedWriteKeyLookup(new D1Store(env.DB), 1000, () => clock);
    const { site, writeKey } = await createSite();
    const hash = await sha256Hex(writeKey);
    await env.DB.prepare('UPDATE api_keys SET hash = ? WHERE site_id = ? AND kind = ?')
      .bind('moved', site.id, 'write')
      .run();
    expect(await lookup(hash)).toBeNull();
    await env.DB.prepare('UPDATE api_keys SET hash = ? WHERE site_id = ? AND kind = ?')
      .bind(hash, site.id, 'write')
      .run();
    expect(await lookup(hash)).toBeNull(); // the miss is remembered
    clock = 1000;
    expect((await lookup(hash))?.id).toBe(site.id);
  });
});
