import {
  isJsonObject,
  type JsonObject,
  type LeadStatus,
  type ScoreReason,
  type ScoringRules,
} from '@leadloop/schema';
import { type IdentifierSettings, identifierKey, identifiersOf } from './identifiers.ts';
import type { StoredEvent } from './ingest-plan.ts';
import {
  earnedStatus,
  higherScoreStatus,
  isCrmStatus,
  type ScoringEvent,
  scoreChangeIsNews,
  scoreLead,
  strongestCrmStatus,
} from './scoring.ts';
import { isServerPayload } from './server-event.ts';
import {
  type IdentifierRow,
  type IdentifyingEvent,
  type IdentityGraph,
  type Merge,
  ownership,
  type StitchOutcome,
  stitch,
  type VisitorLink,
} from './stitching.ts';

// What a batch changes about a site's leads, in two pure steps around one read: `stitchBatch`
// decides who is who (and so whose events must be read), `planLeadUpdate` recomputes those leads
// from their stored events and lists the rows to write and the domain changes to announce.

export type LeadRow = {
  id: string;
  createdAt: number;
  updatedAt: number;
  mergedInto: string | null;
  status: LeadStatus;
  score: number;
  notifiedScore: number;
  scoreReasons: ScoreReason[];
  email: string | null;
  phone: string | null;
  name: string | null;
  /** Forms' and identify calls' traits, with `apiTraits` over them. */
  traits: JsonObject;
  /** Who works the lead in sales, set through the API. */
  owner: string | null;
  /** Traits set through the API (`PATCH /v1/leads/{id}`): they win over what visitors typed. */
  apiTraits: JsonObject;
  /**
   * When the status was last set from outside (a CRM stage or a PATCH): a stage set then stands,
   * and a lost deal's engagement starts again from it.
   */
  stageAt: number | null;
};

/** A stored event as lead recomputation reads it. */
export type LeadEvent = ScoringEvent & { anonymousId: string; traits: JsonObject | null };

/** The part of a site's identity state a batch touches, with the version it was read at. */
export type IdentitySnapshot = {
  version: number;
  rules: ScoringRules;
  /** Hashes (of those asked about) that belong to erased people. */
  suppressed: string[];
  leads: LeadRow[];
  identifiers: IdentifierRow[];
  links: VisitorLink[];
};

export type DomainChange = {
  id: string;
  type: string;
  leadId: string | null;
  occurredAt: number;
  data: JsonObject;
};

export type LeadUpdatePlan = {
  leads: LeadRow[];
  identifiers: IdentifierRow[];
  links: VisitorLink[];
  merges: Merge[];
  changes: DomainChange[];
  /**
   * Events of erased people that came back (an SDK's retry queue, a queue redelivery): deleted
   * again, so an erasure stays one.
   */
  forgottenEvents: string[];
};

export type Stitched = {
  graph: IdentityGraph;
  outcome: StitchOutcome;
  /** Live leads whose stored row must be recomputed. */
  affected: Set<string>;
  /** The browsers whose events those leads are made of. */
  visitors: string[];
  /** Ids of the batch's events that carry an erased person's identifiers. */
  forgotten: Set<string>;
};

/**
 * The batch's events that carry identifiers (normalised, no junk), read once per batch: the
 * lead update may be recomputed several times, the events do not change.
 */
export function identifyingEvents(
  batch: readonly StoredEvent[],
  settings: IdentifierSettings,
): IdentifyingEvent[] {
  const found: IdentifyingEvent[] = [];
  for (const event of batch) {
    if (event.bot) continue;
    const traits = event.payload.traits;
    // External ids identify only in what a backend sent; a browser could claim anyone's.
    const identifiers = identifiersOf(isJsonObject(traits) ? traits : undefined, {
      ...settings,
      trustExternalId: settings.trustExternalId || isServerPayload(event.payload),
    });
    if (identifiers.length > 0)
      found.push({
        id: event.id,
        anonymousId: event.anonymousId,
        occurredAt: event.occurredAt,
        identifiers,
      });
  }
  return found;
}

/** Splits off the events of people who asked to be forgotten: theirs, whatever else they carry. */
function withoutErased(identifying: readonly IdentifyingEvent[], suppressed: ReadonlySet<string>) {
  const kept: IdentifyingEvent[] = [];
  const forgotten = new Set<string>();
  for (const event of identifying) {
    if (event.identifiers.some((identifier) => suppressed.has(identifierKey(identifier))))
      forgotten.add(event.id);
    else kept.push(event);
  }
  return { kept, forgotten };
}

export type StitchOptions = {
  /** Leads to recompute whatever the batch holds (a rescore after a rule change). */
  rescore?: readonly string[];
  /** Identifier keys of erased people: they identify nobody again. */
  suppressed?: ReadonlySet<string>;
};

/** Stitches a batch (and its `identifyingEvents`) into a copy of the snapshot's graph. */
export function stitchBatch(
  snapshot: IdentitySnapshot,
  batch: readonly StoredEvent[],
  identifying: readonly IdentifyingEvent[],
  newLeadId: () => string,
  { rescore: alsoRescore = [], suppressed = new Set() }: StitchOptions = {},
): Stitched {
  const graph: IdentityGraph = {
    leads: new Map(
      snapshot.leads.map((lead) => [
        lead.id,
        { id: lead.id, createdAt: lead.createdAt, mergedInto: lead.mergedInto },
      ]),
    ),
    identifiers: new Map(snapshot.identifiers.map((row) => [identifierKey(row), { ...row }])),
    links: new Map(snapshot.links.map((link) => [link.eventId, { ...link }])),
  };
  const { kept, forgotten } = withoutErased(identifying, suppressed);
  const outcome = stitch(graph, kept, newLeadId);

  const batchVisitors = new Set(
    batch.filter((event) => !event.bot).map((event) => event.anonymousId),
  );
  const affected = new Set<string>(alsoRescore.filter((id) => graph.leads.has(id)));
  for (const link of graph.links.values())
    if (batchVisitors.has(link.anonymousId)) affected.add(link.leadId);
  for (const merge of outcome.merges) affected.add(merge.intoLeadId);
  // Only live leads are recomputed (a link to a lead this snapshot lacks is left alone).
  for (const id of [...affected]) {
    const lead = graph.leads.get(id);
    if (!lead || lead.mergedInto) affected.delete(id);
  }

  const visitors = new Set<string>();
  for (const link of graph.links.values())
    if (affected.has(link.leadId)) visitors.add(link.anonymousId);
  return { graph, outcome, affected, visitors: [...visitors].sort(), forgotten };
}

const byTime = (a: LeadEvent, b: LeadEvent) =>
  a.occurredAt - b.occurredAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function firstOf(rows: IdentifierRow[], kind: IdentifierRow['kind']): string | null {
  const ofKind = rows
    .filter((row) => row.kind === kind)
    .sort((a, b) => a.firstSeenAt - b.firstSeenAt || (a.value < b.value ? -1 : 1));
  return ofKind[0]?.value ?? null;
}

/** A lead keeps at most this many traits, and this much of them as JSON: each event's are
 * bounded, their union is not (and a D1 row holds at most 2 MB). */
const MAX_TRAITS = 200;
const MAX_TRAITS_CHARS = 32_000;

/** Traits as the lead declared them, the latest value of each winning; identifiers left out. */
function mergedTraits(events: readonly LeadEvent[]): JsonObject {
  const traits: JsonObject = {};
  let count = 0;
  let chars = 0;
  for (const event of events) {
    if (!event.traits) continue;
    for (const [key, value] of Object.entries(event.traits)) {
      if (key === 'email' || key === 'phone' || key === '__proto__') continue;
      const size = key.length + JSON.stringify(value).length;
      if (!Object.hasOwn(traits, key)) {
        if (count === MAX_TRAITS || chars + size > MAX_TRAITS_CHARS) continue;
        count++;
        chars += size;
      } else {
        const grown = size - key.length - JSON.stringify(traits[key]).length;
        if (chars + grown > MAX_TRAITS_CHARS) continue;
        chars += grown;
      }
      traits[key] = value;
    }
  }
  return traits;
}

function nameFrom(traits: JsonObject): string | null {
  const text = (value: unknown) =>
    typeof value === 'string' && value.trim() ? value.trim() : null;
  const whole = text(traits.name);
  if (whole) return whole.slice(0, 200);
  const parts = [
    text(traits.firstName ?? traits.first_name),
    text(traits.lastName ?? traits.last_name),
  ];
  const joined = parts.filter(Boolean).join(' ');
  return joined ? joined.slice(0, 200) : null;
}

/** JSON with object keys sorted: Postgres's jsonb gives keys back in its own order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

const sameRow = (a: LeadRow, b: LeadRow) =>
  canonicalJson({ ...a, updatedAt: 0 }) === canonicalJson({ ...b, updatedAt: 0 });

function eventData(event: StoredEvent, leadId: string | null): JsonObject {
  const { form, call } = event.payload;
  return {
    eventId: event.id,
    leadId,
    anonymousId: event.anonymousId,
    sessionId: event.sessionId,
    occurredAt: new Date(event.occurredAt).toISOString(),
    page: { url: event.pageUrl, path: event.pagePath, title: event.pageTitle },
    ...(event.type === 'form_submit' && isJsonObject(form) ? { form } : {}),
    ...(event.type === 'call_click' && isJsonObject(call) ? { call } : {}),
  };
}

const isDefined = <T>(value: T | undefined): value is T => value !== undefined;

export type LeadUpdateInput = {
  snapshot: IdentitySnapshot;
  stitched: Stitched;
  /** Every stored, non-bot event of `stitched.visitors`. */
  events: readonly LeadEvent[];
  /** The batch's own events (for `form.submitted` and `call.clicked`). */
  batch: readonly StoredEvent[];
  now: number;
  newId: () => string;
  /**
   * False on a catch-up pass over a batch already written once: its score changes were announced
   * then, and a batch announces at most one per lead.
   */
  announceScores?: boolean;
  /** What the API sets on leads in this update (`PATCH /v1/leads/{id}`, a CRM outcome). */
  patches?: ReadonlyMap<string, LeadPatch>;
};

/**
 * A change to a lead from outside: a status (a CRM stage stands until the next one; `lead`,
 * `mql` or `sql` is a floor the score can still raise), its owner, traits (null removes one), and
 * a change to announce with the update (`conversion.recorded`), in the same transaction.
 */
export type LeadPatch = {
  at: number;
  status?: LeadStatus;
  owner?: string | null;
  traits?: Record<string, JsonObject[string] | null>;
  announce?: DomainChange;
};

function patchedTraits(
  stored: JsonObject,
  patch: Record<string, JsonObject[string] | null> | undefined,
): JsonObject {
  if (!patch) return stored;
  const traits: JsonObject = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete traits[key];
    else traits[key] = value;
  }
  return traits;
}

export function planLeadUpdate(input: LeadUpdateInput): LeadUpdatePlan {
  const { snapshot, stitched, now, newId } = input;
  const { graph, outcome } = stitched;
  const rules = snapshot.rules;
  const before = new Map(snapshot.leads.map((lead) => [lead.id, lead]));
  const plan: LeadUpdatePlan = {
    leads: [],
    identifiers: [],
    links: [],
    merges: outcome.merges,
    changes: [],
    forgottenEvents: [...stitched.forgotten].sort(),
  };

  const owners = ownership(graph.links.values());

  const eventsByLead = new Map<string, LeadEvent[]>();
  for (const event of [...input.events].sort(byTime)) {
    if (stitched.forgotten.has(event.id)) continue;
    const leadId = owners.leadAt(event.anonymousId, event.occurredAt);
    if (!leadId || !stitched.affected.has(leadId)) continue;
    const events = eventsByLead.get(leadId) ?? [];
    events.push(event);
    eventsByLead.set(leadId, events);
  }
  const identifiersByLead = new Map<string, IdentifierRow[]>();
  for (const row of graph.identifiers.values()) {
    const rows = identifiersByLead.get(row.leadId) ?? [];
    rows.push(row);
    identifiersByLead.set(row.leadId, rows);
  }

  const change = (
    type: string,
    leadId: string | null,
    occurredAt: number,
    data: JsonObject,
    id?: string,
  ) => plan.changes.push({ id: id ?? `${type}:${newId()}`, type, leadId, occurredAt, data });

  for (const created of outcome.created)
    change(
      'lead.created',
      created.leadId,
      created.at,
      { leadId: created.leadId, anonymousId: created.anonymousId, eventId: created.eventId },
      `lead.created:${created.leadId}`,
    );
  for (const identified of outcome.identified)
    change(
      'lead.identified',
      identified.leadId,
      identified.at,
      {
        leadId: identified.leadId,
        anonymousId: identified.anonymousId,
        eventId: identified.eventId,
        newVisitor: identified.newVisitor,
        added: identified.added.map(({ kind, value }) => ({ kind, value })),
      },
      `lead.identified:${identified.eventId}`,
    );
  for (const merge of outcome.merges)
    change(
      'lead.merged',
      merge.intoLeadId,
      merge.mergedAt,
      { ...merge },
      `lead.merged:${merge.fromLeadId}`,
    );

  // Which leads each survivor absorbed in this batch (chains included).
  const mergedInto = new Map<string, string[]>();
  for (const merge of outcome.merges) {
    const survivor = graph.leads.get(merge.fromLeadId)!.mergedInto!;
    mergedInto.set(survivor, [...(mergedInto.get(survivor) ?? []), merge.fromLeadId]);
  }

  for (const leadId of [...stitched.affected].sort()) {
    const identity = graph.leads.get(leadId)!;
    const previous = before.get(leadId);
    const identifiers = identifiersByLead.get(leadId) ?? [];
    const events = eventsByLead.get(leadId) ?? [];
    const patch = input.patches?.get(leadId);
    const absorbed = (mergedInto.get(leadId) ?? []).map((id) => before.get(id)).filter(isDefined);
    const apiTraits = patchedTraits(
      Object.assign({}, ...absorbed.map((lead) => lead.apiTraits), previous?.apiTraits),
      patch?.traits,
    );
    const traits = { ...mergedTraits(events), ...apiTraits };
    const owner =
      patch?.owner !== undefined
        ? patch.owner
        : (previous?.owner ?? absorbed.find((lead) => lead.owner)?.owner ?? null);
    // An outcome older than the stage already set (a CRM replaying history) changes nothing:
    // at the same instant the first one stands.
    const newStatus =
      patch?.status && !(previous?.stageAt != null && patch.at <= previous.stageAt)
        ? patch.status
        : undefined;
    const stageAt = newStatus ? patch!.at : (previous?.stageAt ?? null);
    const setStatus = newStatus ?? (previous?.stageAt ? previous.status : undefined);
    const email = firstOf(identifiers, 'email');
    const phone = firstOf(identifiers, 'phone');
    const facts = {
      events,
      traits: { ...traits, email, phone },
      // A lost deal starts engagement again: a lead that comes back earns its status anew.
      engagementResetAt: setStatus === 'lost' ? stageAt : null,
    };
    const scored = scoreLead(facts, rules, now);
    // A CRM stage stands: the one just set, else the best one (when leads merged); below it the
    // history decides, never under a status set through the API.
    // A status just set replaces any stage before it (a lost deal reopened as `sql`).
    const crm = newStatus
      ? isCrmStatus(newStatus)
        ? newStatus
        : undefined
      : strongestCrmStatus(
          [previous?.status, ...absorbed.map((lead) => lead.status)].filter(isDefined),
        );
    const status = crm ?? higherScoreStatus(earnedStatus(facts, rules), setStatus);
    if (patch?.announce) plan.changes.push(patch.announce);
    let notifiedScore = previous?.notifiedScore ?? 0;
    const news = previous
      ? scoreChangeIsNews(notifiedScore, scored.score, rules)
      : scored.score !== 0; // a new lead with a score is announced from 0
    if (news && input.announceScores !== false) {
      change('lead.score_changed', leadId, now, {
        leadId,
        previous: notifiedScore,
        current: scored.score,
        reasons: scored.reasons,
      });
      notifiedScore = scored.score;
    }
    if (previous && previous.status !== status)
      change('lead.status_changed', leadId, now, {
        leadId,
        previous: previous.status,
        current: status,
      });
    else if (!previous && status !== 'lead')
      change('lead.status_changed', leadId, now, { leadId, previous: 'lead', current: status });

    const row: LeadRow = {
      id: leadId,
      createdAt: identity.createdAt,
      updatedAt: now,
      mergedInto: null,
      status,
      score: scored.score,
      notifiedScore,
      scoreReasons: scored.reasons,
      email,
      phone,
      name: nameFrom(traits),
      traits,
      owner,
      apiTraits,
      stageAt,
    };
    if (!previous || !sameRow(previous, row)) plan.leads.push(row);
  }
  for (const merge of outcome.merges) {
    const loser = graph.leads.get(merge.fromLeadId)!;
    // A lead made and merged within this batch is stored too: it was announced, so its id must
    // answer (with the survivor) and an erasure must find it.
    plan.leads.push({
      ...(before.get(loser.id) ?? {
        id: loser.id,
        createdAt: loser.createdAt,
        status: 'lead',
        score: 0,
        notifiedScore: 0,
        scoreReasons: [],
        email: null,
        phone: null,
        name: null,
        traits: {},
        owner: null,
        apiTraits: {},
        stageAt: null,
      }),
      mergedInto: loser.mergedInto,
      updatedAt: now,
    });
  }

  const identifiersBefore = new Map(snapshot.identifiers.map((row) => [identifierKey(row), row]));
  for (const [key, row] of graph.identifiers) {
    const old = identifiersBefore.get(key);
    if (!old || old.leadId !== row.leadId || old.firstSeenAt !== row.firstSeenAt)
      plan.identifiers.push(row);
  }
  const linksBefore = new Map(snapshot.links.map((link) => [link.eventId, link]));
  for (const [eventId, link] of graph.links) {
    if (linksBefore.get(eventId)?.leadId !== link.leadId) plan.links.push(link);
  }

  for (const event of input.batch) {
    if (event.bot || (event.type !== 'form_submit' && event.type !== 'call_click')) continue;
    if (stitched.forgotten.has(event.id)) continue;
    const type = event.type === 'form_submit' ? 'form.submitted' : 'call.clicked';
    const leadId = owners.leadAt(event.anonymousId, event.occurredAt);
    change(type, leadId, event.occurredAt, eventData(event, leadId), `${type}:${event.id}`);
  }
  return plan;
}
