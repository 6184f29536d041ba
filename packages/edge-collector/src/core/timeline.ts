import { isJsonObject, type TimelineEvent, type TimelineItem } from '@leadloop/schema';
import { type ConversionRow, conversionView } from './conversion.ts';
import type { EventRecord } from './event-record.ts';
import type { DomainChange } from './lead-update.ts';
import type { TimelinePosition } from './list-cursor.ts';
import type { SessionTouch } from './session-touch.ts';

// A lead's timeline, one page at a time: its touches, events, score and status changes and CRM
// conversions, oldest first. The store reads each kind after the cursor, already limited to the
// lead's own (see store/lead-query-store.ts), at most a page and one more each; this merges them.

/** Kinds in the order they sort when they happen at the same instant. */
export const TIMELINE_RANK = { touch: 0, event: 1, score: 2, conversion: 3 } as const;

export type TouchRow = { sessionId: string; anonymousId: string; at: number; touch: SessionTouch };

/** A stored event as the timeline reads it: the queue record without what only ingestion uses. */
export type EventRow = Omit<EventRecord, 'siteId' | 'receivedAt' | 'userAgent' | 'geo' | 'type'> & {
  type: TimelineEvent['type'];
};

/** Each kind in (time, id) order, after the cursor, at most a page and one more. */
export type TimelineSources = {
  touches: TouchRow[];
  events: EventRow[];
  changes: DomainChange[];
  conversions: ConversionRow[];
};

const iso = (ms: number) => new Date(ms).toISOString();

function eventItem(row: EventRow): TimelineEvent {
  const { traits, properties, form, call, server } = row.payload;
  return {
    kind: 'event',
    id: row.id,
    occurredAt: iso(row.occurredAt),
    type: row.type,
    name: row.name,
    origin: server === true ? 'server' : 'browser',
    anonymousId: row.anonymousId,
    sessionId: row.sessionId,
    // Server events happen on no page.
    page: row.pageUrl
      ? { url: row.pageUrl, path: row.pagePath, title: row.pageTitle, referrer: row.referrer }
      : null,
    ...(isJsonObject(traits) ? { traits } : {}),
    ...(isJsonObject(properties) ? { properties } : {}),
    ...(row.type === 'form_submit' && isJsonObject(form) ? { form } : {}),
    ...(row.type === 'call_click' && isJsonObject(call) ? { call } : {}),
  };
}

type Ranked = { at: number; rank: number; id: string; item: TimelineItem };

function ranked(sources: TimelineSources): Ranked[] {
  return [
    ...sources.touches.map((row) => ({
      at: row.at,
      rank: TIMELINE_RANK.touch,
      id: row.sessionId,
      item: {
        kind: 'touch' as const,
        id: row.sessionId,
        occurredAt: iso(row.at),
        anonymousId: row.anonymousId,
        ...row.touch,
      },
    })),
    ...sources.events.map((row) => ({
      at: row.occurredAt,
      rank: TIMELINE_RANK.event,
      id: row.id,
      item: eventItem(row),
    })),
    ...sources.changes.map((change) => ({
      at: change.occurredAt,
      rank: TIMELINE_RANK.score,
      id: change.id,
      item: {
        kind: 'score' as const,
        id: change.id,
        occurredAt: iso(change.occurredAt),
        leadId: change.leadId ?? '',
        type: change.type as 'lead.score_changed' | 'lead.status_changed',
        previous: change.data.previous ?? null,
        current: change.data.current ?? null,
        ...(change.data.reasons !== undefined ? { reasons: change.data.reasons } : {}),
      },
    })),
    ...sources.conversions.map((row) => ({
      at: row.occurredAt,
      rank: TIMELINE_RANK.conversion,
      id: row.id,
      item: { kind: 'conversion' as const, ...conversionView(row) },
    })),
  ];
}

/**
 * The first `limit` items of the sources in time order (kinds at one instant in `TIMELINE_RANK`
 * order, then as the store ordered them), and where the next page starts, if there is one.
 */
export function timelinePage(
  sources: TimelineSources,
  limit: number,
): { items: TimelineItem[]; next: TimelinePosition | null } {
  // A stable sort: rows of one kind and instant keep the database's id order, which the cursor
  // condition uses too.
  const all = ranked(sources).sort((a, b) => a.at - b.at || a.rank - b.rank);
  const page = all.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((entry) => entry.item),
    next: all.length > limit && last ? { at: last.at, rank: last.rank, id: last.id } : null,
  };
}
