import type { CollectContext, JsonObject, LeadloopEvent } from '@leadloop/schema';

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

/**
 * Corrects the client's clock: the time between the event and the batch's `sentAt` is measured on
 * the client's own clock, so it is exact even when that clock is wrong. Never later than receipt.
 */
export function correctedTime(eventTimestamp: string, sentAt: string, receivedAt: number): number {
  const elapsedOnClient = Date.parse(sentAt) - Date.parse(eventTimestamp);
  return receivedAt - Math.max(0, elapsedOnClient);
}

export function toEventRecord(
  siteId: string,
  event: LeadloopEvent,
  batch: { sentAt: string; context?: CollectContext | undefined },
  receivedAt: number,
): EventRecord {
  const { id, type, anonymousId, sessionId, page, timestamp, ...rest } = event;
  const payload: JsonObject = { ...(rest as JsonObject), clientTimestamp: timestamp };
  if (batch.context) payload.context = batch.context as JsonObject;
  return {
    siteId,
    id,
    type,
    anonymousId,
    sessionId,
    occurredAt: correctedTime(timestamp, batch.sentAt, receivedAt),
    receivedAt,
    pageUrl: page.url,
    pagePath: page.path,
    pageTitle: page.title ?? null,
    referrer: page.referrer ?? null,
    name: event.type === 'track' ? event.name : null,
    payload,
  };
}
