import type { SessionUpsert } from './ingest-plan.ts';
import { type IdentifierRow, ownership, type VisitorLink } from './stitching.ts';

// What erasing a lead removes: its identifiers and links, and every event and session that was
// its own. A browser only this lead used goes entirely; a shared browser keeps what belonged to
// the other people who used it.

/** Where a shared browser's links to an erased person point: a lead id no lead ever has. */
export const ERASED_LEAD = 'erased';

export type ErasurePlan = {
  leadId: string;
  eventIds: string[];
  sessionIds: string[];
  /** Browsers nobody else used: their visitor rows go too. */
  visitorIds: string[];
  identifiers: IdentifierRow[];
  counts: Record<string, number>;
};

export function planErasure(
  leadId: string,
  identifiers: readonly IdentifierRow[],
  links: readonly VisitorLink[],
  events: readonly { id: string; anonymousId: string; occurredAt: number }[],
  sessions: readonly SessionUpsert[],
): ErasurePlan {
  const owners = ownership(links);
  const owns = (anonymousId: string, at: number) => owners.leadAt(anonymousId, at) === leadId;

  const visitorIds = [...owners.byVisitor]
    // Nobody else's: only this lead's links, or tombstones of people erased before.
    .filter(([, list]) =>
      list.every((link) => link.leadId === leadId || link.leadId === ERASED_LEAD),
    )
    .map(([anonymousId]) => anonymousId)
    .sort();
  const whole = new Set(visitorIds);
  const eventIds = events
    .filter((event) => whole.has(event.anonymousId) || owns(event.anonymousId, event.occurredAt))
    .map((event) => event.id)
    .sort();
  const sessionIds = sessions
    .filter(
      (session) => whole.has(session.anonymousId) || owns(session.anonymousId, session.startedAt),
    )
    .map((session) => session.id)
    .sort();
  const own = identifiers.filter((identifier) => identifier.leadId === leadId);
  return {
    leadId,
    eventIds,
    sessionIds,
    visitorIds,
    identifiers: own,
    counts: {
      identifiers: own.length,
      events: eventIds.length,
      sessions: sessionIds.length,
      visitors: visitorIds.length,
    },
  };
}
