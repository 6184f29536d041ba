import type { JsonObject } from '@leadloop/schema';
import { type Enrichment, enrich } from './enrichment.ts';
import type { EventRecord } from './event-record.ts';
import { isServerPayload } from './server-event.ts';
import { type SessionTouch, type SiteHosts, sessionTouch } from './session-touch.ts';

// Turns a queue batch into the rows to write. Every write is an idempotent, order-independent
// merge — events are inserted once per id; sessions keep the earliest start, the latest event and
// the touch of their earliest pageview; visitors their first and last sight — so retries,
// redeliveries, late events and two consumers working at once all end in the same state, on D1
// and on Postgres, without reading first. A visitor's first and last touch are read from its
// sessions, since a session's touch changes when its earlier pageview arrives late.

/** An event as stored: its record without the request context, plus what that context said. */
export type StoredEvent = Omit<EventRecord, 'userAgent' | 'geo'> & {
  bot: boolean;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  timezone: string | null;
};

export type SessionUpsert = {
  siteId: string;
  id: string;
  anonymousId: string;
  startedAt: number;
  lastEventAt: number;
  /** Time of the pageview that gave the touch; null while the session has seen no pageview. */
  touchAt: number | null;
  touch: SessionTouch | null;
};

export type VisitorUpsert = {
  siteId: string;
  anonymousId: string;
  firstSeenAt: number;
  lastSeenAt: number;
};

const SERVER_ENRICHMENT: Enrichment = { bot: false, deviceType: 'other' };

export type IngestPlan = {
  events: StoredEvent[];
  sessions: SessionUpsert[];
  visitors: VisitorUpsert[];
};

/** An accepted event as stored: its request context replaced by what was read from it. */
export function storedEvent(record: EventRecord, enrichment: Enrichment): StoredEvent {
  const { userAgent: _userAgent, geo: _geo, ...event } = record;
  return {
    ...event,
    bot: enrichment.bot,
    browser: enrichment.browser ?? null,
    os: enrichment.os ?? null,
    deviceType: enrichment.deviceType,
    country: enrichment.country ?? null,
    region: enrichment.region ?? null,
    city: enrichment.city ?? null,
    timezone: enrichment.timezone ?? null,
  };
}

/**
 * The cookie domain the SDK reported, when it can be the page's: a parent of the page's host with
 * at least two labels. A claim of `com` would make every .com referrer the site itself.
 */
function reportedCookieDomain(record: EventRecord): string | undefined {
  const claimed = (record.payload.context as JsonObject | undefined)?.cookieDomain;
  if (typeof claimed !== 'string') return undefined;
  const domain = claimed.replace(/^\./, '').toLowerCase();
  let host: string;
  try {
    host = new URL(record.pageUrl).hostname;
  } catch {
    return undefined;
  }
  const parentOfPage = host === domain || host.endsWith(`.${domain}`);
  return parentOfPage && domain.includes('.') ? domain : undefined;
}

/** Rows in primary-key order, so two consumers writing overlapping batches lock in one order. */
function byKey<T>(rows: Iterable<T>, key: (row: T) => string): T[] {
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * The rows a batch of records becomes. `siteHosts` says what each site counts as itself (its
 * allowed origins), so links between its own domains are no touches. Bots are stored flagged and
 * make no sessions and no touches.
 */
export function planIngest(
  records: EventRecord[],
  siteHosts: (siteId: string) => SiteHosts,
): IngestPlan {
  const events: StoredEvent[] = [];
  const sessions = new Map<string, SessionUpsert>();
  // The earliest pageview of each session in this batch makes its touch.
  const firstPageviews = new Map<string, { record: EventRecord; enrichment: Enrichment }>();

  for (const record of records) {
    // A backend's event has no browser to judge: never a bot, no device, no place.
    const enrichment = isServerPayload(record.payload)
      ? SERVER_ENRICHMENT
      : enrich(record.userAgent, record.geo);
    events.push(storedEvent(record, enrichment));
    if (enrichment.bot) continue;
    const key = `${record.siteId}\n${record.sessionId}`;
    const session = sessions.get(key);
    if (!session) {
      sessions.set(key, {
        siteId: record.siteId,
        id: record.sessionId,
        anonymousId: record.anonymousId,
        startedAt: record.occurredAt,
        lastEventAt: record.occurredAt,
        touchAt: null,
        touch: null,
      });
    } else {
      session.startedAt = Math.min(session.startedAt, record.occurredAt);
      session.lastEventAt = Math.max(session.lastEventAt, record.occurredAt);
    }
    const first = firstPageviews.get(key);
    if (record.type === 'pageview' && (!first || record.occurredAt < first.record.occurredAt)) {
      firstPageviews.set(key, { record, enrichment });
    }
  }

  const visitors = new Map<string, VisitorUpsert>();
  for (const [key, session] of sessions) {
    const pageview = firstPageviews.get(key);
    if (pageview) {
      const { record, enrichment } = pageview;
      session.touchAt = record.occurredAt;
      session.touch = sessionTouch(
        record.pageUrl,
        record.referrer,
        { ...siteHosts(record.siteId), cookieDomain: reportedCookieDomain(record) },
        enrichment,
      );
    }
    const visitorKey = `${session.siteId}\n${session.anonymousId}`;
    const visitor = visitors.get(visitorKey);
    if (!visitor) {
      visitors.set(visitorKey, {
        siteId: session.siteId,
        anonymousId: session.anonymousId,
        firstSeenAt: session.startedAt,
        lastSeenAt: session.lastEventAt,
      });
    } else {
      visitor.firstSeenAt = Math.min(visitor.firstSeenAt, session.startedAt);
      visitor.lastSeenAt = Math.max(visitor.lastSeenAt, session.lastEventAt);
    }
  }
  return {
    events: byKey(events, (event) => `${event.siteId}\n${event.id}`),
    sessions: byKey(sessions.values(), (session) => `${session.siteId}\n${session.id}`),
    visitors: byKey(visitors.values(), (visitor) => `${visitor.siteId}\n${visitor.anonymousId}`),
  };
}
