import type { JsonObject, Site } from '@leadloop/schema';
import type { StoredEvent } from '../core/ingest-plan.ts';
import type { SessionTouch } from '../core/session-touch.ts';
import { visitorTouches } from '../core/visitor-touches.ts';
import type { QuarantineEntry, StoredSession, StoredVisitor } from './types.ts';

// Row-to-domain mapping both adapters share: their drizzle row types differ, their fields do not.

type SiteColumns = Omit<Site, 'createdAt'> & { createdAt: Date };

export function toSite(row: SiteColumns): Site {
  return {
    id: row.id,
    name: row.name,
    allowedOrigins: row.allowedOrigins,
    timezone: row.timezone,
    defaultCountry: row.defaultCountry,
    ignoredIdentifiers: row.ignoredIdentifiers,
    retentionDays: row.retentionDays ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

type TouchColumns = { [K in keyof SessionTouch]: string | null };

/** A session row's touch, or null while it has seen no pageview. */
export function touchFromColumns(row: TouchColumns): SessionTouch | null {
  if (row.channel === null) return null;
  return {
    channel: row.channel as SessionTouch['channel'],
    source: row.source ?? '',
    medium: row.medium ?? '',
    campaign: row.campaign,
    term: row.term,
    content: row.content,
    clickIdType: row.clickIdType,
    clickId: row.clickId,
    referrerDomain: row.referrerDomain,
    landingPage: row.landingPage ?? '',
    country: row.country,
    region: row.region,
    city: row.city,
    deviceType: row.deviceType,
  };
}

type EventColumns = Omit<StoredEvent, 'occurredAt' | 'receivedAt' | 'type' | 'payload'> & {
  type: string;
  occurredAt: Date;
  receivedAt: Date;
  payload: unknown;
};

export function toStoredEvent(row: EventColumns): StoredEvent {
  return {
    ...row,
    occurredAt: row.occurredAt.getTime(),
    receivedAt: row.receivedAt.getTime(),
    type: row.type as StoredEvent['type'],
    payload: row.payload as JsonObject,
  };
}

type SessionColumns = TouchColumns & {
  siteId: string;
  id: string;
  anonymousId: string;
  startedAt: Date;
  lastEventAt: Date;
  touchAt: Date | null;
};

export function toStoredSession(row: SessionColumns): StoredSession {
  return {
    siteId: row.siteId,
    id: row.id,
    anonymousId: row.anonymousId,
    startedAt: row.startedAt.getTime(),
    lastEventAt: row.lastEventAt.getTime(),
    touchAt: row.touchAt?.getTime() ?? null,
    touch: touchFromColumns(row),
  };
}

type VisitorColumns = {
  siteId: string;
  anonymousId: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
};

/** A visitor with its first and last non-direct touch, read from its sessions. */
export function toStoredVisitor(row: VisitorColumns, sessions: StoredSession[]): StoredVisitor {
  return {
    siteId: row.siteId,
    anonymousId: row.anonymousId,
    firstSeenAt: row.firstSeenAt.getTime(),
    lastSeenAt: row.lastSeenAt.getTime(),
    ...visitorTouches(sessions),
  };
}

export function toQuarantineEntry(
  row: Omit<QuarantineEntry, 'quarantinedAt'> & { quarantinedAt: Date },
): QuarantineEntry {
  return { ...row, quarantinedAt: row.quarantinedAt.getTime() };
}
