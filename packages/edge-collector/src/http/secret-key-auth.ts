import type { ApiKeyScope, Site } from '@leadloop/schema';
import type { MiddlewareHandler } from 'hono';
import type { AppDeps } from '../app.ts';
import {
  LAST_USE_RESOLUTION_MS,
  scopeForMethod,
  sha256Hex,
  shouldRecordUse,
  visiblePrefix,
} from '../core/keys.ts';
import type { Store } from '../store/types.ts';
import { afterResponse } from './after-response.ts';
import { forbidden, unauthorized } from './problem.ts';
import { enforceRateLimit } from './rate-limit.ts';

export type SecretKeyEnv = { Variables: { site: Site; apiKeyId: string } };

/** What the guard needs from the app: the store, and the per-key rate limit when there is one. */
export type SecretKeyDeps = Pick<AppDeps, 'store' | 'rateLimit' | 'now'>;

/**
 * Guards the REST API with `Authorization: Bearer sk_…`.
 *
 * - The key is looked up by its SHA-256 hash on every request (never cached), so a revoked key
 *   stops working at once; a write key `pk_…` is refused by name, since it sits in every page.
 * - Each key's requests are counted by `deps.rateLimit` (429 with `Retry-After` over the limit).
 * - The key must hold `scope`; without one, the method decides: GET and HEAD need `read`,
 *   everything else `write`. A valid key without it gets 403 naming the scope.
 *
 * `requireSecretKey(store)` still works, without rate limiting: pass the app's deps instead.
 */
export function requireSecretKey(
  deps: SecretKeyDeps | Store,
  scope?: ApiKeyScope,
): MiddlewareHandler<SecretKeyEnv> {
  const { store, rateLimit, now = Date.now } = 'store' in deps ? deps : { store: deps };
  return async (c, next) => {
    const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!presented) throw unauthorized('Send Authorization: Bearer <secret key sk_…>.');
    if (presented.startsWith('pk_'))
      throw unauthorized('A public write key only opens /v1/collect; use a secret key sk_….');
    const found = await store.keys.findByHash(await sha256Hex(presented));
    if (found?.key.kind !== 'secret')
      throw unauthorized('The secret key is unknown; check that it was copied whole.');
    const { key, site } = found;
    if (key.revokedAt !== null)
      throw unauthorized(
        `The secret key ${visiblePrefix(presented)}… was revoked on ${new Date(key.revokedAt).toISOString()}; use another key.`,
      );

    if (rateLimit) await enforceRateLimit(rateLimit, key.id);
    const needed = scope ?? scopeForMethod(c.req.method);
    if (!key.scopes.includes(needed))
      throw forbidden(
        `This key lacks the "${needed}" scope (it has: ${key.scopes.join(', ') || 'none'}); create a key with "${needed}" for this request.`,
      );

    const at = now();
    if (shouldRecordUse(key.lastUsedAt, at))
      afterResponse(
        c,
        store.keys.recordUse(key.id, at, LAST_USE_RESOLUTION_MS),
        'recording the last use of a key failed',
      );
    c.set('site', site);
    c.set('apiKeyId', key.id);
    await next();
  };
}
