import type {
  Attribution,
  CollectContext,
  JsonObject,
  LeadloopEvent,
  Touch,
} from '@leadloop/schema';
import { scrubUrl } from './scrub-url.ts';
import { withCampaignFields, withFacebookClickId } from './touch-params.ts';

/** An accepted event as it travels through the queue and lands in the store. */
export type EventRecord = {
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
  };
}
