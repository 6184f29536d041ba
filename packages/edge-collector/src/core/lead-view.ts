import type { Lead, LeadTouch } from '@leadloop/schema';
import type { SessionUpsert } from './ingest-plan.ts';
import type { LeadRow } from './lead-update.ts';
import { type IdentifierRow, ownership, type VisitorLink } from './stitching.ts';
import { type VisitorTouch, visitorTouches } from './visitor-touches.ts';

// A lead as the API and webhooks show it: its row, plus what is read from its browsers — their
// ids, and first and last touch over the sessions that were the lead's (a shared browser's
// sessions count for whoever it belonged to at the time).

const toLeadTouch = (touch: VisitorTouch | null): LeadTouch | null =>
  touch && { ...touch, at: new Date(touch.at).toISOString() };

export function leadView(
  row: LeadRow,
  identifiers: readonly IdentifierRow[],
  links: readonly VisitorLink[],
  sessions: readonly SessionUpsert[],
): Lead {
  const owners = ownership(links);

  const visitorIds = [...owners.byVisitor]
    .filter(([, list]) => list.some((link) => link.leadId === row.id))
    .map(([anonymousId]) => anonymousId)
    .sort();
  const own = sessions.filter(
    (session) => owners.leadAt(session.anonymousId, session.startedAt) === row.id,
  );
  const { firstTouch, lastTouch } = visitorTouches(own);
  const values = (kind: IdentifierRow['kind']) =>
    identifiers
      .filter((identifier) => identifier.kind === kind && identifier.leadId === row.id)
      .sort((a, b) => a.firstSeenAt - b.firstSeenAt || (a.value < b.value ? -1 : 1))
      .map((identifier) => identifier.value);

  return {
    id: row.id,
    email: row.email,
    phone: row.phone,
    name: row.name,
    traits: row.traits,
    identifiers: {
      emails: values('email'),
      phones: values('phone'),
      externalIds: values('external_id'),
    },
    status: row.status,
    score: row.score,
    scoreReasons: row.scoreReasons,
    firstTouch: toLeadTouch(firstTouch),
    lastTouch: toLeadTouch(lastTouch),
    visitorIds,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    mergedInto: row.mergedInto,
    owner: row.owner,
  };
}
