import type { MiddlewareHandler } from 'hono';
import {
  IDEMPOTENCY_IN_FLIGHT_MS,
  IDEMPOTENCY_KEEP_MS,
  isIdempotencyKey,
  keepsAnswer,
  requestFingerprint,
} from '../core/idempotency.ts';
import { sha256Hex } from '../core/keys.ts';
import type { Store } from '../store/types.ts';
import { errorMessage } from './after-response.ts';
import { HttpProblem, validationFailed } from './problem.ts';
import type { SecretKeyEnv } from './secret-key-auth.ts';

/**
 * `Idempotency-Key` on a POST, Stripe's way: the first answer (2xx or 4xx) is kept for 24 hours
 * and replayed, with `Idempotent-Replayed: true`, to a retry of the same request; the same key
 * with another request, or while the first is still running, is a 409. A 5xx is not kept, so a
 * retry after a failure runs again. Mount after the secret-key guard and any body limit.
 */
export function idempotent(
  store: Store,
  now: () => number = Date.now,
): MiddlewareHandler<SecretKeyEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || key === undefined) return next();
    if (!isIdempotencyKey(key))
      throw validationFailed(
        [{ path: 'Idempotency-Key', message: 'Expected 1 to 255 printable ASCII characters' }],
        'The Idempotency-Key header is invalid.',
      );
    const siteId = c.get('site').id;
    const url = new URL(c.req.url);
    const body = await c.req.raw.clone().text();
    const requestHash = await sha256Hex(
      requestFingerprint(c.req.method, url.pathname + url.search, body),
    );
    const at = now();
    const claimed = await store.idempotency.claim(siteId, key, requestHash, at, {
      expiredBefore: at - IDEMPOTENCY_KEEP_MS,
      abandonedBefore: at - IDEMPOTENCY_IN_FLIGHT_MS,
    });
    if (!claimed) return replay(await store.idempotency.find(siteId, key), requestHash);

    try {
      await next();
    } catch (error) {
      await store.idempotency.release(siteId, key, requestHash);
      throw error;
    }
    try {
      if (keepsAnswer(c.res.status))
        await store.idempotency.keep(
          siteId,
          key,
          requestHash,
          c.res.status,
          await c.res.clone().text(),
        );
      else await store.idempotency.release(siteId, key, requestHash);
    } catch (error) {
      // The request itself is done: answer it. The key stays in flight until it is taken as
      // abandoned, so a retry meanwhile meets a 409 rather than running a second time.
      console.error('idempotency: could not keep the answer', errorMessage(error));
    }
  };
}

function replay(
  kept: { requestHash: string; status: number; body: string } | null,
  requestHash: string,
): Response {
  if (kept && kept.requestHash !== requestHash)
    throw new HttpProblem(
      409,
      'idempotency-key-reused',
      'Conflict',
      'This Idempotency-Key was already used with a different request (method, path or body); use a new key for a new request.',
    );
  // Or gone between the claim and the read (its request failed and let go): retry either way.
  if (!kept || kept.status === 0)
    throw new HttpProblem(
      409,
      'idempotency-key-in-use',
      'Conflict',
      'A request with this Idempotency-Key is still being processed; retry shortly.',
      undefined,
      { 'retry-after': '1' },
    );
  return new Response(kept.body === '' ? null : kept.body, {
    status: kept.status,
    headers: {
      'content-type': kept.status >= 400 ? 'application/problem+json' : 'application/json',
      'idempotent-replayed': 'true',
    },
  });
}
