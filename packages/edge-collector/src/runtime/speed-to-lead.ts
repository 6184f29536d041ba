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

/**
 * Sites with a fast path in flight in this isolate. The fast path is for the lone form: under a
 * burst of them, many small lead updates would race each other and the queue's consumer for the
 * site's identity version (each loser reads and recomputes), and ingest fell ~7× on D1 and ~20×
 * on Postgres in bench/ingest. So while one runs, a site's next batches are left to the queue,
 * which is at most its batch window (1 s) behind and writes them 100 at a time.
 */
const inFlight = new Set<string>();

export function speedToLead(store: Store, delivery: DeliveryOptions): SpeedToLead {
  return async (site, records) => {
    if (inFlight.has(site.id)) return;
    inFlight.add(site.id);
    try {
      const plan = planIngest(records, () => site);
      await store.ingest(plan);
      const changes = await updateLeads(store, site, plan.events, { now: delivery.now });
      if (changes > 0) await relayAndDeliver(store, site.id, delivery, { inline: true });
    } finally {
      inFlight.delete(site.id);
    }
  };
}
