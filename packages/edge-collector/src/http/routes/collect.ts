import { LIMITS, parseCollectBatch } from '@leadloop/schema';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import type { AppDeps } from '../../app.ts';
import { requestGeo } from '../../core/enrichment.ts';
import { toEventRecord, toRefusedEvent } from '../../core/event-record.ts';
import { firstPartyCookie } from '../../core/first-party-cookie.ts';
import { sha256Hex, visiblePrefix } from '../../core/keys.ts';
import { isOriginAllowed, originPatterns } from '../../core/origins.ts';
import { canAnnounce } from '../../runtime/speed-to-lead.ts';
import { cachedWriteKeyLookup } from '../../store/write-key-cache.ts';
import { afterResponse, errorMessage } from '../after-response.ts';
import {
  forbidden,
  payloadTooLarge,
  serviceUnavailable,
  unauthorized,
  validationFailed,
} from '../problem.ts';
import { readJsonBody } from '../read-json.ts';

const RETRY_AFTER_SECONDS = 5;
const WRITE_KEY_CACHE_MS = 60_000;

// Errors before the site is known carry nothing worth hiding: let the SDK read them. A 403 (origin
// refused) and every answer for a known site keep their own, stricter CORS headers.
const readableErrors: MiddlewareHandler = async (c, next) => {
  await next();
  if (c.res.status !== 403 && !c.res.headers.has('access-control-allow-origin')) {
    c.res.headers.set('access-control-allow-origin', '*');
  }
};

/**
 * `POST /v1/collect`: the SDK's batches, authenticated by the site's public write key. Served from
 * the site's own domain, it also sets the anonymous-id cookie (see core/first-party-cookie.ts).
 */

/**
 * A secret key sent from a browser (an `Origin` header) sits in a page anyone can read: refuse it
 * loudly (403) instead of as a malformed write key, so the developer learns to revoke it.
 */
function refuseSecretKeyInPage(c: Context, body: unknown): void {
  if (c.req.header('origin') === undefined) return;
  const fromHeader = /^Bearer\s+(sk_\S*)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  const writeKey = (body as { writeKey?: unknown } | null)?.writeKey;
  const fromBody =
    typeof writeKey === 'string' && writeKey.startsWith('sk_') ? writeKey : undefined;
  const secretKey = fromHeader ?? fromBody;
  if (secretKey === undefined) return;
  throw forbidden(
    `A secret key (${visiblePrefix(secretKey)}…) must never be in a web page: anyone can read it there. Revoke it now (DELETE /v1/admin/sites/{siteId}/keys/{keyId}) and send the site's public write key pk_… instead.`,
  );
}

export function collectRoutes({ store, events, speedToLead, now = Date.now }: AppDeps): Hono {
  const app = new Hono();
  const findSite = cachedWriteKeyLookup(store, WRITE_KEY_CACHE_MS, now);

  // A preflight carries no body, hence no write key: grant it when any site allows the origin.
  app.options(
    '/',
    cors({
      origin: async (origin) =>
        (await store.anySiteAllowsOrigin(originPatterns(origin))) ? origin : null,
      allowMethods: ['POST'],
      allowHeaders: ['content-type'],
      maxAge: 86400,
    }),
  );

  app.post(
    '/',
    readableErrors,
    bodyLimit({
      maxSize: LIMITS.batchBytes,
      onError: () => {
        throw payloadTooLarge(LIMITS.batchBytes);
      },
    }),
    async (c) => {
      const receivedAt = now();
      const body = await readJsonBody(c.req.raw);
      refuseSecretKeyInPage(c, body);
      const parsed = parseCollectBatch(body);
      if (!parsed.ok) throw validationFailed(parsed.errors);
      const { batch, rejected } = parsed;

      const site = await findSite(await sha256Hex(batch.writeKey));
      if (!site) throw unauthorized('Unknown or revoked write key.');
      const origin = c.req.header('origin');
      if (origin !== undefined) {
        if (!isOriginAllowed(origin, site.allowedOrigins)) {
          throw forbidden(`Origin ${origin} is not in this site's allowedOrigins.`);
        }
        c.header('access-control-allow-origin', origin);
        c.header('vary', 'Origin');
      }

      // Parsed by the consumer, off the request path; the IP address is never read.
      const request = {
        userAgent: c.req.header('user-agent'),
        geo: requestGeo((c.req.raw as { cf?: IncomingRequestCfProperties }).cf),
      };
      const records = batch.events.map((event) =>
        toEventRecord(site.id, event, batch, receivedAt, request),
      );
      // Refused events go to quarantine with their reason, through the same hand-over.
      const rawEvents = (body as { events: unknown[] }).events;
      const refused = rejected.map(({ index, errors }) =>
        toRefusedEvent(site.id, rawEvents[index], errors, receivedAt),
      );
      if (records.length + refused.length > 0) {
        try {
          await events([...records, ...refused]);
        } catch (error) {
          console.error('event hand-over failed', errorMessage(error));
          throw serviceUnavailable('Events could not be stored; retry later.', RETRY_AFTER_SECONDS);
        }
        if (speedToLead && canAnnounce(records))
          afterResponse(
            c,
            speedToLead(site, records),
            'speed to lead failed; the queue will do it',
          );
      }
      const cookie = firstPartyCookie({
        url: c.req.url,
        origin,
        cookieDomain: batch.context?.cookieDomain,
        anonymousIds: batch.events.map((event) => event.anonymousId),
        currentId: getCookie(c, 'll_aid'),
      });
      if (cookie) setCookie(c, cookie.name, cookie.value, cookie.options);
      return c.json({ accepted: records.length, rejected }, 202);
    },
  );

  return app;
}
