// A realistic `POST /v1/collect` body: one visitor's batch of pageviews (optionally ending in a form
// fill that makes the visitor a lead), and the autocannon request that sends a fresh one each time.
// Every event gets a fresh UUID, because the collector stores an event id once per site (a repeat
// would be deduplicated).
import { randomUUID } from 'node:crypto';
import type { Request } from 'autocannon';

export const EVENTS_PER_BATCH = 10;

/** A browser's user agent: without one, every event counts as a bot's and makes no session or lead. */
export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** The email a bench visitor's form fill gives: one lead per visitor. */
export const leadEmail = (anonymousId: string) => `${anonymousId}@bench-leads.dev`;

export function collectBatch(writeKey: string, { withForm = false } = {}): string {
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
  if (withForm) {
    const email = leadEmail(anonymousId);
    Object.assign(events.at(-1)!, {
      type: 'form_submit',
      form: { id: 'contact', fields: { name: 'Bench Visitor', email, message: 'Call me' } },
      traits: { email, name: 'Bench Visitor' },
    });
  }
  return JSON.stringify({ writeKey, sentAt: now, events });
}

/** A fresh body per request; `tally.accepted` sums what the collector says it took. */
export function collectRequests(
  writeKey: string,
  tally: { accepted: number },
  { withForm = false } = {},
): Request[] {
  return [
    {
      method: 'POST',
      path: '/v1/collect',
      headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_USER_AGENT },
      setupRequest: (request) => ({ ...request, body: collectBatch(writeKey, { withForm }) }),
      onResponse: (status, body) => {
        if (status === 202) tally.accepted += (JSON.parse(body) as { accepted: number }).accepted;
      },
    },
  ];
}
