import type { Lead } from '@leadloop/schema';
import type { LeadRow } from '../core/lead-update.ts';
import { leadView } from '../core/lead-view.ts';
import type { Store } from '../store/types.ts';

/** Leads as the API and webhooks show them, from their rows. */
export async function leadViews(store: Store, siteId: string, rows: LeadRow[]): Promise<Lead[]> {
  const parts = await store.leads.loadLeadParts(
    siteId,
    rows.map((row) => row.id),
  );
  return rows.map((row) => leadView(row, parts.identifiers, parts.links, parts.sessions));
}

/**
 * The leads behind these ids as they are now, by the id asked for: a merged lead's id maps to
 * its survivor (merges are flattened, so one hop reaches it); erased ids are left out.
 */
export async function currentLeads(
  store: Store,
  siteId: string,
  leadIds: string[],
): Promise<Map<string, Lead>> {
  const unique = [...new Set(leadIds)];
  if (unique.length === 0) return new Map();
  const rows = await store.leads.findLeads(siteId, unique);
  const survivorOf = new Map(rows.map((row) => [row.id, row.mergedInto ?? row.id]));
  const live = new Map(rows.filter((row) => !row.mergedInto).map((row) => [row.id, row]));
  const missing = [...new Set(survivorOf.values())].filter((id) => !live.has(id));
  for (const row of await store.leads.findLeads(siteId, missing)) live.set(row.id, row);
  const views = new Map(
    (await leadViews(store, siteId, [...live.values()])).map((lead) => [lead.id, lead]),
  );
  const byAsked = new Map<string, Lead>();
  for (const [asked, survivor] of survivorOf) {
    const lead = views.get(survivor);
    if (lead) byAsked.set(asked, lead);
  }
  return byAsked;
}
