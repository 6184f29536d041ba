import type { Site } from '@leadloop/schema';
import type { EventRecord } from '../core/event-record.ts';
import { planIngest } from '../core/ingest-plan.ts';
import type { Store } from '../store/types.ts';
import { updateLeads } from './lead-updater.ts';
import { type DeliveryOptions, relayAndDeliver } from './webhook-deliverer.ts';

// Speed to lead: a form fill must reach the CRM's webhook in under a second, and the events
// queue alone waits up to its batch window first. So a batch that can announce something (a form,
// a call click, an identify) is also stored, stitched and delivered right after the collector
// answers, in the same request's waitUntil. The queue hand-over has already happened and stays
// the guarantee: when its consumer gets the batch, the events are stored (a no-op), the leads are
// current (nothing to write), and the deliveries exist (made once, claimed before sending).

export type SpeedToLead = (site: Site, records: EventRecord[]) => Promise<void>;

const ANNOUNCING: ReadonlySet<string> = new Set(['form_submit', 'call_click', 'identify']);

/** Whether a batch can announce something a webhook subscriber is waiting for. */
export const canAnnounce = (records: readonly EventRecord[]) =>
  records.some((record) => ANNOUNCING.has(record.type));

export function speedToLead(store: Store, delivery: DeliveryOptions): SpeedToLead {
  return async (site, records) => {
    const plan = planIngest(records, () => site);
    await store.ingest(plan);
    const changes = await updateLeads(store, site, plan.events, { now: delivery.now });
    if (changes > 0) await relayAndDeliver(store, site.id, delivery, { inline: true });
  };
}
