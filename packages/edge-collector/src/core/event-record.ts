import type {
  Attribution,
  CollectContext,
  JsonObject,
  LeadloopEvent,
  Touch,
} from '@leadloop/schema';
import { z } from 'zod';
import type { RequestGeo } from './enrichment.ts';
import { scrubUrl } from './scrub-url.ts';
import { withCampaignFields, withFacebookClickId } from './touch-params.ts';

/**
 * What the request said about its sender, kept for the consumer to enrich off the request path:
 * the user agent (parsed, then dropped) and Cloudflare's geolocation. Never the IP address.
 */
export type RequestContext = { userAgent?: string; geo?: RequestGeo };

/** An accepted event as it travels through the queue and lands in the store. */
export type EventRecord = RequestContext & {
  siteId: string;
  id: string;
  type: LeadloopEvent['type'];
  anonymousId: string;
  sessionId: string;
  occurredAt: number;
  receivedAt: number;
  pageUrl: string;
  pagePath: string;
  pageTitle: string | null;
  referrer: string | null;
  name: string | null;
  payload: JsonObject;
};

/** The touch's campaign read from its landing page, before credentials leave the URLs. */
function storedTouch(touch: Touch | undefined): Touch | undefined {
  if (!touch) return touch;
  const filled = withCampaignFields(touch);
  return {
    ...filled,
    landingPage: scrubUrl(filled.landingPage),
    referrer: scrubUrl(filled.referrer),
  };
}

function storedAttribution(attribution: Attribution): Attribution {
  const first = storedTouch(attribution.first);
  const last = storedTouch(attribution.last);
  return { first, last, adIds: withFacebookClickId({ ...attribution, last }) };
}

// An event may wait in the SDK's retry queue until the next visit, but not past the 90-day
// attribution lookback: a claim of more is a broken clock, not a late delivery.
const MAX_CLIENT_DELAY_MS = 90 * 86_400_000;

/**
 * Corrects the client's clock: the time between the event and the batch's `sentAt` is measured on
 * the client's own clock, so it is exact even when that clock is wrong. Never later than receipt,
 * never more than 90 days before it.
 */
export function correctedTime(eventTimestamp: string, sentAt: string, receivedAt: number): number {
  const elapsedOnClient = Date.parse(sentAt) - Date.parse(eventTimestamp);
  return receivedAt - Math.min(Math.max(0, elapsedOnClient), MAX_CLIENT_DELAY_MS);
}

export function toEventRecord(
  siteId: string,
  event: LeadloopEvent,
  batch: { sentAt: string; context?: CollectContext | undefined },
  receivedAt: number,
  request: RequestContext = {},
): EventRecord {
  const { id, type, anonymousId, sessionId, page, timestamp, attribution, ...rest } = event;
  const payload: JsonObject = { ...(rest as JsonObject), clientTimestamp: timestamp };
  if (attribution) payload.attribution = storedAttribution(attribution) as JsonObject;
  if (batch.context) payload.context = batch.context as JsonObject;
  return {
    siteId,
    id,
    type,
    anonymousId,
    sessionId,
    occurredAt: correctedTime(timestamp, batch.sentAt, receivedAt),
    receivedAt,
    pageUrl: scrubUrl(page.url),
    pagePath: page.path,
    pageTitle: page.title ?? null,
    referrer: scrubUrl(page.referrer) ?? null,
    name: event.type === 'track' ? event.name : null,
    payload,
    ...request,
  };
}

/**
 * An event the collect route refused, travelling to quarantine with its reason: nothing received
 * is silently dropped. Its body is kept as text, cut to 32 KB (a queue message holds 128 KB).
 */
export type RefusedEvent = {
  refused: true;
  siteId: string;
  /** The id the event claimed, if it had one. */
  id: string | null;
  reason: string;
  event: string;
  receivedAt: number;
};

const MAX_REFUSED_EVENT_CHARS = 32 * 1024;

export function toRefusedEvent(
  siteId: string,
  raw: unknown,
  errors: readonly { path: string; message: string }[],
  receivedAt: number,
): RefusedEvent {
  const claimedId = (raw as { id?: unknown } | null)?.id;
  let event: string;
  try {
    event = JSON.stringify(raw) ?? String(raw);
  } catch {
    event = String(raw);
  }
  return {
    refused: true,
    siteId,
    id: typeof claimedId === 'string' ? claimedId.slice(0, 200) : null,
    reason: errors
      .map((error) => `${error.path || '(event)'}: ${error.message}`)
      .join('; ')
      .slice(0, 1000),
    event: event.slice(0, MAX_REFUSED_EVENT_CHARS),
    receivedAt,
  };
}

export const isRefusedEvent = (body: unknown): body is RefusedEvent =>
  typeof body === 'object' && body !== null && (body as { refused?: unknown }).refused === true;

/** A request to rescore a site's leads after its rules changed, one page at a time. */
export type RescoreJob = { rescore: true; siteId: string; after: string | null };

export const isRescoreJob = (body: unknown): body is RescoreJob =>
  typeof body === 'object' &&
  body !== null &&
  (body as { rescore?: unknown }).rescore === true &&
  typeof (body as { siteId?: unknown }).siteId === 'string';

/** What the `events` queue carries. */
export type EventMessage = EventRecord | RefusedEvent | RescoreJob;

const nullableText = z.string().nullable();

/**
 * The shape a queue message must have to be stored. Messages come from this collector, but a
 * deploy that changes the shape, or a hand-replayed dead letter, must end in quarantine with its
 * reason rather than fail the whole batch forever.
 */
export const eventRecordSchema = z.object({
  siteId: z.string().min(1),
  id: z.string().min(1),
  type: z.enum(['pageview', 'form_submit', 'call_click', 'identify', 'track']),
  anonymousId: z.string().min(1),
  sessionId: z.string().min(1),
  occurredAt: z.number().int().nonnegative(),
  receivedAt: z.number().int().nonnegative(),
  pageUrl: z.string(),
  pagePath: z.string(),
  pageTitle: nullableText,
  referrer: nullableText,
  name: nullableText,
  // Validated as JSON when it was collected; here it only has to be an object.
  payload: z.custom<JsonObject>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  ),
  userAgent: z.string().optional(),
  geo: z
    .object({
      country: z.string().optional(),
      region: z.string().optional(),
      regionCode: z.string().optional(),
      city: z.string().optional(),
      timezone: z.string().optional(),
    })
    .optional(),
}) satisfies z.ZodType<EventRecord, unknown>;
