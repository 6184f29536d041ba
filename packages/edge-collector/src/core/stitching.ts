import { type Identifier, identifierKey } from './identifiers.ts';

// Identity stitching (DESIGN.md): an identifier already known leads to its lead, else a new lead
// is made; a browser joins the lead from the identifying event on, and its first link reaches
// back over everything it did before. Two leads merge only when one event carries identifiers of
// both — the older survives. A shared browser that identifies as someone else moves to that
// person from that moment; nobody is merged for sharing a browser.
//
// Everything here is decided by event time, not arrival order: the same identifying events in any
// order end in the same leads (the same grouping of identifiers and browsers).

export type LeadIdentity = { id: string; createdAt: number; mergedInto: string | null };
export type IdentifierRow = Identifier & { leadId: string; firstSeenAt: number };
/** From `linkedAt` on, the browser belongs to `leadId`; its earliest link also covers the past. */
export type VisitorLink = {
  eventId: string;
  anonymousId: string;
  leadId: string;
  linkedAt: number;
};
export type IdentifyingEvent = {
  id: string;
  anonymousId: string;
  occurredAt: number;
  identifiers: Identifier[];
};
export type Merge = { fromLeadId: string; intoLeadId: string; eventId: string; mergedAt: number };

/** The part of a site's identity graph a batch touches; `stitch` updates it in place. */
export type IdentityGraph = {
  leads: Map<string, LeadIdentity>;
  /** By `identifierKey`. */
  identifiers: Map<string, IdentifierRow>;
  /** By event id. */
  links: Map<string, VisitorLink>;
};

export type Identification = {
  leadId: string;
  eventId: string;
  anonymousId: string;
  at: number;
  /** Identifiers the lead did not have before. */
  added: Identifier[];
  /** Whether this browser was not linked to the lead before. */
  newVisitor: boolean;
};

export type StitchOutcome = {
  created: Identification[];
  identified: Identification[];
  merges: Merge[];
};

const older = (a: LeadIdentity, b: LeadIdentity) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const byLinkTime = (a: VisitorLink, b: VisitorLink) =>
  a.linkedAt - b.linkedAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/**
 * The lead a browser belonged to at `at`, from its links sorted by `byLinkTime`: the latest link
 * at or before `at`, or its earliest link for anything before that (retroactive).
 */
export function leadAt(sortedLinks: readonly VisitorLink[], at: number): string | null {
  let lead: string | null = sortedLinks[0]?.leadId ?? null;
  for (const link of sortedLinks) {
    if (link.linkedAt > at) break;
    lead = link.leadId;
  }
  return lead;
}

/** Who each browser belonged to when: its links in time order, read with `leadAt`. */
export type Ownership = {
  byVisitor: ReadonlyMap<string, readonly VisitorLink[]>;
  /** The lead `anonymousId` belonged to at `at`, or null for a browser never identified. */
  leadAt(anonymousId: string, at: number): string | null;
};

export function ownership(links: Iterable<VisitorLink>): Ownership {
  const byVisitor = new Map<string, VisitorLink[]>();
  for (const link of links) {
    const list = byVisitor.get(link.anonymousId) ?? [];
    list.push(link);
    byVisitor.set(link.anonymousId, list);
  }
  for (const list of byVisitor.values()) list.sort(byLinkTime);
  return { byVisitor, leadAt: (anonymousId, at) => leadAt(byVisitor.get(anonymousId) ?? [], at) };
}

export function stitch(
  graph: IdentityGraph,
  events: readonly IdentifyingEvent[],
  newLeadId: () => string,
): StitchOutcome {
  const outcome: StitchOutcome = { created: [], identified: [], merges: [] };
  const sorted = [...events].sort(
    (a, b) => a.occurredAt - b.occurredAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );

  const mergeInto = (survivor: LeadIdentity, loser: LeadIdentity, event: IdentifyingEvent) => {
    loser.mergedInto = survivor.id;
    survivor.createdAt = Math.min(survivor.createdAt, loser.createdAt);
    for (const row of graph.identifiers.values())
      if (row.leadId === loser.id) row.leadId = survivor.id;
    for (const link of graph.links.values())
      if (link.leadId === loser.id) link.leadId = survivor.id;
    for (const lead of graph.leads.values())
      if (lead.mergedInto === loser.id) lead.mergedInto = survivor.id;
    outcome.merges.push({
      fromLeadId: loser.id,
      intoLeadId: survivor.id,
      eventId: event.id,
      mergedAt: event.occurredAt,
    });
  };

  for (const event of sorted) {
    if (event.identifiers.length === 0 || graph.links.has(event.id)) continue;
    const owners = new Map<string, LeadIdentity>();
    for (const identifier of event.identifiers) {
      const row = graph.identifiers.get(identifierKey(identifier));
      const lead = row && graph.leads.get(row.leadId);
      if (lead) owners.set(lead.id, lead);
    }

    let lead: LeadIdentity;
    const isNew = owners.size === 0;
    if (isNew) {
      lead = { id: newLeadId(), createdAt: event.occurredAt, mergedInto: null };
      graph.leads.set(lead.id, lead);
    } else {
      const [survivor, ...losers] = [...owners.values()].sort(older);
      lead = survivor!;
      for (const loser of losers) mergeInto(lead, loser, event);
      lead.createdAt = Math.min(lead.createdAt, event.occurredAt);
    }

    const added: Identifier[] = [];
    for (const identifier of event.identifiers) {
      const key = identifierKey(identifier);
      const row = graph.identifiers.get(key);
      if (row) row.firstSeenAt = Math.min(row.firstSeenAt, event.occurredAt);
      else {
        graph.identifiers.set(key, {
          ...identifier,
          leadId: lead.id,
          firstSeenAt: event.occurredAt,
        });
        added.push(identifier);
      }
    }

    const newVisitor = ![...graph.links.values()].some(
      (link) => link.anonymousId === event.anonymousId && link.leadId === lead.id,
    );
    graph.links.set(event.id, {
      eventId: event.id,
      anonymousId: event.anonymousId,
      leadId: lead.id,
      linkedAt: event.occurredAt,
    });

    const identification = {
      leadId: lead.id,
      eventId: event.id,
      anonymousId: event.anonymousId,
      at: event.occurredAt,
      added,
      newVisitor,
    };
    if (isNew) outcome.created.push(identification);
    else if (added.length > 0 || newVisitor) outcome.identified.push(identification);
  }
  return outcome;
}
