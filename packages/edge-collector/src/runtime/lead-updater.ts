import type { Site } from '@leadloop/schema';
import { type Identifier, identifierKey, identifiersOf } from '../core/identifiers.ts';
import type { StoredEvent } from '../core/ingest-plan.ts';
import { generateId } from '../core/keys.ts';
import { planLeadUpdate, stitchBatch } from '../core/lead-update.ts';
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
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function updateLeads(
  store: Store,
  site: Site,
  events: readonly StoredEvent[],
  { now = Date.now, rescore = [] }: LeadUpdateOptions = {},
): Promise<void> {
  const people = events.filter((event) => !event.bot);
  if (people.length === 0 && rescore.length === 0) return;
  const settings = {
    defaultCountry: site.defaultCountry,
    ignored: site.ignoredIdentifiers,
    trustExternalId: false,
  };
  const identifiers = new Map<string, Identifier>();
  for (const event of people) {
    const traits = event.payload.traits;
    if (traits && typeof traits === 'object' && !Array.isArray(traits))
      for (const identifier of identifiersOf(traits, settings))
        identifiers.set(identifierKey(identifier), identifier);
  }
  const scope = {
    anonymousIds: [...new Set(people.map((event) => event.anonymousId))],
    identifiers: [...identifiers.values()],
    leadIds: rescore,
  };
  const announces = people.some(
    (event) => event.type === 'form_submit' || event.type === 'call_click',
  );

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const snapshot = await store.leads.loadIdentity(site.id, scope);
    const stitched = stitchBatch(snapshot, people, settings, () => generateId('lead'), rescore);
    // Anonymous browsing: no lead to touch, nothing to announce, nothing to write.
    if (stitched.affected.size === 0 && !announces) return;
    const leadEvents = await store.leads.loadLeadEvents(site.id, stitched.visitors);
    const plan = planLeadUpdate({
      snapshot,
      stitched,
      events: leadEvents,
      batch: people,
      now: now(),
      newId: () => crypto.randomUUID(),
    });
    const nothingToWrite =
      plan.leads.length + plan.identifiers.length + plan.links.length + plan.changes.length === 0;
    if (nothingToWrite) return;
    if (await store.leads.commitLeadUpdate(site.id, snapshot.version, plan)) return;
    // Someone else wrote first: back off a little, with jitter, and recompute from what they wrote.
    await pause(Math.random() * 20 * attempt);
  }
  throw new Error(
    `lead update for site ${site.id} lost to concurrent writes ${MAX_ATTEMPTS} times`,
  );
}

/** Leads rescored per step after a rule change: each step is one transaction. */
export const RESCORE_PAGE = 50;

/** One step of a rescore: the next page of leads after `after`; the cursor to go on from, if any. */
export async function rescoreStep(
  store: Store,
  site: Site,
  after: string | null,
  now: () => number = Date.now,
): Promise<string | null> {
  const leadIds = await store.leads.listLiveLeadIds(site.id, after, RESCORE_PAGE);
  if (leadIds.length > 0) await updateLeads(store, site, [], { now, rescore: leadIds });
  return leadIds.length === RESCORE_PAGE ? leadIds.at(-1)! : null;
}
