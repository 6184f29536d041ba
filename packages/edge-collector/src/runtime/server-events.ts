import type { ServerEvent, Site } from '@leadloop/schema';
import {
  type NamedLead,
  type ServerEventResult,
  toServerEventRecord,
} from '../core/server-event.ts';
import type { Store } from '../store/types.ts';

/**
 * The leads these ids name, by the id asked for: a merged lead's id reaches the lead it was merged
 * into (merges are flattened: one hop). Unknown and erased ids are left out.
 */
async function namedLeads(
  store: Store,
  siteId: string,
  leadIds: string[],
): Promise<Map<string, NamedLead>> {
  const unique = [...new Set(leadIds)];
  if (unique.length === 0) return new Map();
  const rows = await store.leads.findLeads(siteId, unique);
  const survivors = new Map(
    (
      await store.leads.findLeads(siteId, [
        ...new Set(rows.map((row) => row.mergedInto).filter((id) => id !== null)),
      ])
    ).map((row) => [row.id, row]),
  );
  const named = new Map<string, NamedLead>();
  for (const row of rows) {
    const lead = row.mergedInto ? survivors.get(row.mergedInto) : row;
    if (lead && !lead.mergedInto) named.set(row.id, { email: lead.email, phone: lead.phone });
  }
  return named;
}

/**
 * Queue records of validated server events, one result per event in order, and which of the
 * `leadId`s they named are no lead of the site.
 */
export async function serverEventRecords(
  store: Store,
  site: Site,
  events: readonly ServerEvent[],
  receivedAt: number,
): Promise<{ results: ServerEventResult[]; unknownLeads: Set<string> }> {
  const asked = events.flatMap((event) => (event.leadId === undefined ? [] : [event.leadId]));
  const leads = await namedLeads(store, site.id, asked);
  const context = {
    siteId: site.id,
    defaultCountry: site.defaultCountry,
    ignored: site.ignoredIdentifiers,
    receivedAt,
    newId: () => crypto.randomUUID(),
  };
  const results = await Promise.all(
    events.map((event) =>
      toServerEventRecord(
        event,
        event.leadId === undefined ? null : (leads.get(event.leadId) ?? null),
        context,
      ),
    ),
  );
  return { results, unknownLeads: new Set(asked.filter((id) => !leads.has(id))) };
}
