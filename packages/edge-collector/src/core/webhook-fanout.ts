import type { JsonObject, Lead, WebhookFilters } from '@leadloop/schema';
import { generateId } from './keys.ts';
import type { DomainChange } from './lead-update.ts';
import { webhookBody } from './webhook-delivery-policy.ts';
import { generateWebhookSecret } from './webhook-signature.ts';

// Which subscriptions a domain change reaches, and what each is sent: the body is made once,
// when the change is relayed, and frozen, so every retry signs the same bytes.

/** A subscription as stored. */
export type WebhookRow = {
  siteId: string;
  id: string;
  url: string;
  description: string;
  /** `*` matches every type. */
  eventTypes: string[];
  filters: WebhookFilters;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: number | null;
  createdAt: number;
  updatedAt: number;
};

/** A new subscription: enabled, with a fresh signing secret and none before it. */
export function newWebhook(
  fields: Pick<WebhookRow, 'siteId' | 'url' | 'description' | 'eventTypes' | 'filters'> & {
    id?: string;
  },
  at: number,
): WebhookRow {
  return {
    ...fields,
    id: fields.id ?? generateId('wh'),
    secret: generateWebhookSecret(),
    previousSecret: null,
    previousSecretExpiresAt: null,
    enabled: true,
    disabledReason: null,
    failingSince: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** A delivery about to be made: one change for one subscription. */
export type NewDelivery = {
  siteId: string;
  /** `webhook-id`: derived from the subscription and the change, so relaying twice sends once. */
  id: string;
  webhookId: string;
  changeId: string;
  eventType: string;
  leadId: string | null;
  body: string;
  createdAt: number;
};

/** Whether a subscription wants this change, given the lead as it is now (null: no lead). */
export function wants(webhook: WebhookRow, type: string, lead: Lead | null): boolean {
  if (!webhook.enabled) return false;
  if (type !== 'webhook.test' && !webhook.eventTypes.some((t) => t === '*' || t === type))
    return false;
  const { minScore, statuses, channels } = webhook.filters;
  if (minScore === undefined && statuses === undefined && channels === undefined) return true;
  if (type === 'webhook.test') return true;
  if (!lead) return false;
  if (minScore !== undefined && lead.score < minScore) return false;
  if (statuses !== undefined && !statuses.includes(lead.status)) return false;
  if (channels !== undefined) {
    const touched = [lead.firstTouch?.channel, lead.lastTouch?.channel];
    if (!channels.some((channel) => touched.includes(channel))) return false;
  }
  return true;
}

/** The `data` of a delivery: what the change says, and the lead as `GET /v1/leads/{id}` shows it. */
export function deliveryData(change: DomainChange, lead: Lead | null): JsonObject {
  return { ...change.data, lead: lead as unknown as JsonObject | null };
}

/**
 * The deliveries for a batch of changes. `leads` holds the lead each change is about, by the
 * change's lead id (a merged lead's id maps to its survivor); `deliveryId` derives the id.
 */
export function planDeliveries(
  changes: readonly DomainChange[],
  webhooks: readonly WebhookRow[],
  leads: ReadonlyMap<string, Lead>,
  deliveryId: (webhookId: string, changeId: string) => string,
  now: number,
): NewDelivery[] {
  const deliveries: NewDelivery[] = [];
  for (const change of changes) {
    const lead = change.leadId ? (leads.get(change.leadId) ?? null) : null;
    const targets = webhooks.filter((webhook) => wants(webhook, change.type, lead));
    if (targets.length === 0) continue;
    const body = webhookBody(
      change.type,
      new Date(change.occurredAt).toISOString(),
      deliveryData(change, lead),
    );
    for (const webhook of targets)
      deliveries.push({
        siteId: webhook.siteId,
        id: deliveryId(webhook.id, change.id),
        webhookId: webhook.id,
        changeId: change.id,
        eventType: change.type,
        leadId: lead?.id ?? change.leadId,
        body,
        createdAt: now,
      });
  }
  return deliveries;
}

/** The secrets that sign a delivery now: the current one, and the previous one in its grace. */
export const signingSecrets = (webhook: WebhookRow, now: number): string[] =>
  webhook.previousSecret &&
  webhook.previousSecretExpiresAt !== null &&
  webhook.previousSecretExpiresAt > now
    ? [webhook.secret, webhook.previousSecret]
    : [webhook.secret];
