// A realistic `POST /v1/collect` body: one visitor's batch of pageviews, and the autocannon request
// that sends a fresh one each time. Every event gets a fresh UUID, because the collector stores an
// event id once per site (a repeat would be deduplicated).
import { randomUUID } from 'node:crypto';
import type { Request } from 'autocannon';

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

/** A fresh body per request; `tally.accepted` sums what the collector says it took. */
export function collectRequests(writeKey: string, tally: { accepted: number }): Request[] {
  return [
    {
      method: 'POST',
      path: '/v1/collect',
      headers: { 'content-type': 'text/plain' },
      setupRequest: (request) => ({ ...request, body: collectBatch(writeKey) }),
      onResponse: (status, body) => {
        if (status === 202) tally.accepted += (JSON.parse(body) as { accepted: number }).accepted;
      },
    },
  ];
}
