// A realistic `POST /v1/collect` body: one visitor's batch of pageviews. Every event gets a fresh
// UUID, because the collector stores an event id once per site (a repeat would be deduplicated).
import { randomUUID } from 'node:crypto';

export const EVENTS_PER_BATCH = 10;

export function collectBatch(writeKey: string): string {
  const now = new Date().toISOString();
  const anonymousId = randomUUID();
  const sessionId = randomUUID();
  const events = Array.from({ length: EVENTS_PER_BATCH }, (_, i) => ({
    id: randomUUID(),
    type: 'pageview',
    timestamp: now,
    anonymousId,
    sessionId,
    page: {
      url: `https://site.test/path-${i}?utm_source=bench&utm_medium=cpc`,
      path: `/path-${i}`,
      title: `Page ${i}`,
    },
  }));
  return JSON.stringify({ writeKey, sentAt: now, events });
}
