import type { Site } from '@leadloop/schema';
import type { MiddlewareHandler } from 'hono';
import { sha256Hex } from '../core/keys.ts';
import type { Store } from '../store/types.ts';
import { unauthorized } from './problem.ts';

export type SecretKeyEnv = { Variables: { site: Site } };

/**
 * Guards the REST API with `Authorization: Bearer sk_…`. The key is looked up by its SHA-256 hash
 * on every request (never cached), so a revoked key stops working at once; a write key `pk_…` is
 * refused by name, since it sits in every page's source.
 */
export function requireSecretKey(store: Store): MiddlewareHandler<SecretKeyEnv> {
  return async (c, next) => {
    const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!presented) throw unauthorized('Send Authorization: Bearer <secret key sk_…>.');
    if (presented.startsWith('pk_'))
      throw unauthorized('A public write key only opens /v1/collect; use a secret key sk_….');
    const site = await store.findSiteByKey('secret', await sha256Hex(presented));
    if (!site) throw unauthorized('The secret key is unknown or revoked.');
    c.set('site', site);
    await next();
  };
}
