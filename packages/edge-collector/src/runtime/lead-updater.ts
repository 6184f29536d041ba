import type { Site } from '@leadloop/schema';
import { planErasure } from '../core/erasure.ts';
import type { RescoreJob } from '../core/event-record.ts';
import { type Identifier, identifierKey, suppressionHash } from '../core/identifiers.ts';
import type { StoredEvent } from '../core/ingest-plan.ts';
import { generateId } from '../core/keys.ts';
import {
  type IdentitySnapshot,
  identifyingEvents,
  type LeadEvent,
  type LeadPatch,
  type LeadRow,
  type LeadUpdatePlan,
  planLeadUpdate,
  stitchBatch,
} from '../core/lead-update.ts';
import type { Store } from '../store/types.ts';

// Runs identity stitching and scoring for one site's stored events: read the touched part of the
// identity state, decide in pure core, write if nothing else wrote since. Two consumers touching
// the same site at once cannot both win: the loser reads again and recomputes, so neither
// overwrites the other's leads (and the same new email from two browsers makes one lead).

const MAX_ATTEMPTS = 8;

export type LeadUpdateOptions = {
  now?: () => number;
  /** Leads to recompute whatever the events (a rescore after a rule change). */
  rescore?: string[];
  /** What the API sets on leads (recomputed with them). */
  patches?: ReadonlyMap<string, LeadPatch>;
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns how many domain changes it wrote to the outbox (for the webhook relay). */
export async function updateLeads(
  store: Store,
  site: Site,
  events: readonly StoredEvent[],
  { now = Date.now, rescore = [], patches }: LeadUpdateOptions = {},
): Promise<number> {
  const people = events.filter((event) => !event.bot);
  if (people.length === 0 && rescore.length === 0) return 0;
  const settings = {
    defaultCountry: site.defaultCountry,
    ignored: site.ignoredIdentifiers,
    trustExternalId: false,
  };
  const identifying = identifyingEvents(people, settings);
  const identifiers = new Map<string, Identifier>();
  for (const event of identifying)
    for (const identifier of event.identifiers)
      identifiers.set(identifierKey(identifier), identifier);
  const keyOfHash = new Map<string, string>();
  for (const key of identifiers.keys()) keyOfHash.set(await suppressionHash(key), key);
  const scope = {
    anonymousIds: [...new Set(people.map((event) => event.anonymousId))],
    identifiers: [...identifiers.values()],
    leadIds: rescore,
    suppressionHashes: [...keyOfHash.keys()],
  };
  const announces = people.some(
    (event) => event.type === 'form_submit' || event.type === 'call_click',
  );
  // Anonymous browsing, the bulk of traffic, asks one question before anything else.
  const anonymous = scope.identifiers.length === 0 && !announces && rescore.length === 0;
  if (anonymous && !(await store.leads.anyLinked(site.id, scope.anonymousIds))) return 0;

  let catchingUp = false;
  let announced = 0;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const snapshot = await store.leads.loadIdentity(site.id, scope);
    const suppressed = new Set(snapshot.suppressed.map((hash) => keyOfHash.get(hash)!));
    const stitched = stitchBatch(snapshot, people, identifying, () => generateId('lead'), {
      rescore,
      suppressed,
    });
    // Anonymous browsing: no lead to touch, nothing to announce, nothing to write.
    if (stitched.affected.size === 0 && !announces && stitched.forgotten.size === 0)
      return announced;
    const leadEvents = await store.leads.loadLeadEvents(site.id, stitched.visitors);
    const plan = planLeadUpdate({
      snapshot,
      stitched,
      events: leadEvents,
      batch: people,
      now: now(),
      newId: () => crypto.randomUUID(),
      announceScores: !catchingUp,
      // Applied once: a catch-up pass recomputes from what the first pass wrote.
      ...(patches && !catchingUp ? { patches } : {}),
    });
    const nothingToWrite =
      plan.leads.length +
        plan.identifiers.length +
        plan.links.length +
        plan.changes.length +
        plan.forgottenEvents.length ===
      0;
    if (nothingToWrite) return announced;
    if (await store.leads.commitLeadUpdate(site.id, snapshot.version, plan)) {
      announced += plan.changes.length;
      if (!(await missedLateEvents(store, site.id, snapshot, plan, leadEvents))) return announced;
      // Written, but a batch stored meanwhile has events this lead must count: recompute.
      catchingUp = true;
      continue;
    }
    // Someone else wrote first: back off a little, with jitter, and recompute from what they wrote.
    await pause(Math.random() * 20 * attempt);
  }
  throw new Error(
    `lead update for site ${site.id} lost to concurrent writes ${MAX_ATTEMPTS} times`,
  );
}

/**
 * Whether browsers this update linked for the first time have events it did not count. A batch
 * of theirs stored while this update was being decided saw no lead to update (the link was not
 * written yet) and wrote nothing; its events must be counted by this update instead.
 */
async function missedLateEvents(
  store: Store,
  siteId: string,
  snapshot: IdentitySnapshot,
  plan: LeadUpdatePlan,
  counted: readonly LeadEvent[],
): Promise<boolean> {
  const linkedBefore = new Set(snapshot.links.map((link) => link.anonymousId));
  const newlyLinked = [...new Set(plan.links.map((link) => link.anonymousId))].filter(
    (anonymousId) => !linkedBefore.has(anonymousId),
  );
  if (newlyLinked.length === 0) return false;
  const seen = new Set(counted.map((event) => event.id));
  const events = await store.leads.loadLeadEvents(siteId, newlyLinked);
  return events.some((event) => !seen.has(event.id));
}

/** Leads rescored per step after a rule change: each step is one transaction. */
export const RESCORE_PAGE = 50;

/**
 * One step of a rescore: the next page of leads after `after`; the cursor to go on from, if any,
 * and how many changes it announced.
 */
export async function rescoreStep(
  store: Store,
  site: Site,
  after: string | null,
  now: () => number = Date.now,
): Promise<{ next: string | null; changes: number }> {
  const leadIds = await store.leads.listLiveLeadIds(site.id, after, RESCORE_PAGE);
  const changes =
    leadIds.length > 0 ? await updateLeads(store, site, [], { now, rescore: leadIds }) : 0;
  return { next: leadIds.length === RESCORE_PAGE ? leadIds.at(-1)! : null, changes };
}

/**
 * Erases a lead — or, given a merged lead's id, the lead it was merged into — with everything
 * that was its own, and suppresses its identifiers. False when there was no such lead (already
 * erased, or never there): erasing twice is not an error.
 */
export async function eraseLead(
  store: Store,
  siteId: string,
  leadId: string,
  now: () => number = Date.now,
): Promise<boolean> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let [row] = await store.leads.findLeads(siteId, [leadId]);
    if (row?.mergedInto) [row] = await store.leads.findLeads(siteId, [row.mergedInto]);
    if (!row) return false;
    const snapshot = await store.leads.loadIdentity(siteId, {
      anonymousIds: [],
      identifiers: [],
      leadIds: [row.id],
    });
    // Merged away between the two reads: resolve the survivor again.
    if (!snapshot.leads.some((lead) => lead.id === row.id)) continue;
    const visitors = [...new Set(snapshot.links.map((link) => link.anonymousId))];
    const [events, parts] = await Promise.all([
      store.leads.loadLeadEvents(siteId, visitors),
      store.leads.loadLeadParts(siteId, [row.id]),
    ]);
    const plan = planErasure(row.id, snapshot.identifiers, snapshot.links, events, parts.sessions);
    const hashes = await Promise.all(
      plan.identifiers.map((identifier) => suppressionHash(identifierKey(identifier))),
    );
    if (await store.leads.commitErasure(siteId, snapshot.version, plan, hashes, now())) return true;
    await pause(Math.random() * 20 * attempt);
  }
  throw new Error(`erasing lead ${leadId} lost to concurrent writes ${MAX_ATTEMPTS} times`);
}

/**
 * Starts a rescore of every site's leads (the daily cron): engagement fades with time, so a
 * lead nobody touched still moves down — and a threshold it crosses is announced.
 */
export async function rescoreAllSites(
  store: Store,
  enqueue: (messages: RescoreJob[]) => Promise<void>,
): Promise<number> {
  const siteIds = await store.listSiteIds();
  if (siteIds.length > 0)
    await enqueue(siteIds.map((siteId) => ({ rescore: true, siteId, after: null })));
  return siteIds.length;
}

/**
 * Sets what the API sets on a lead — status, owner, traits, a change to announce — and recomputes
 * it in the same versioned write as any batch, so the score, the status and the announcements stay
 * consistent. A merged lead's id reaches the lead it was merged into. Null when there is no such
 * lead (never was, or erased).
 */
export async function patchLead(
  store: Store,
  site: Site,
  leadId: string,
  patch: LeadPatch,
  now: () => number = Date.now,
): Promise<LeadRow | null> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let [row] = await store.leads.findLeads(site.id, [leadId]);
    if (row?.mergedInto) [row] = await store.leads.findLeads(site.id, [row.mergedInto]);
    if (!row) return null;
    await updateLeads(store, site, [], {
      now,
      rescore: [row.id],
      patches: new Map([[row.id, patch]]),
    });
    const [after] = await store.leads.findLeads(site.id, [row.id]);
    // Merged away meanwhile: apply it to the survivor instead.
    if (after && !after.mergedInto) return after;
  }
  throw new Error(`patching lead ${leadId} lost to concurrent writes ${MAX_ATTEMPTS} times`);
}
