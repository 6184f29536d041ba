import { z } from 'zod';
import { CHANNELS, domainChangeTypes, leadStatuses } from './leads.ts';
import { pageOf, responseTime } from './list-page.ts';
import type { Pinned, Same } from './same-type.ts';

// Webhook subscriptions (`/v1/webhooks`) and their delivery log, as the REST API shows them.

/** What a subscription can ask for: the domain changes, or `*` for all of them. */
export const webhookEventTypes = [...domainChangeTypes, 'webhook.test'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

const eventTypes = z
  .array(z.enum([...domainChangeTypes, '*']))
  .min(1)
  .max(domainChangeTypes.length + 1)
  .transform((types) => [...new Set(types)]);

/**
 * Which changes reach the endpoint, besides their type: all given conditions must hold, on the
 * lead as it is when the change is sent. A change without a lead (an anonymous call click)
 * passes only when no condition is set.
 */
export const webhookFiltersSchema = z.strictObject({
  /** The lead's score is at least this. */
  minScore: z.number().int().min(0).max(1_000_000).optional(),
  /** The lead's status is one of these. */
  statuses: z.array(z.enum(leadStatuses)).min(1).max(leadStatuses.length).optional(),
  /** The channel of the lead's first or last touch is one of these. */
  channels: z.array(z.enum(CHANNELS)).min(1).max(CHANNELS.length).optional(),
});
export type WebhookFilters = z.infer<typeof webhookFiltersSchema>;

const url = z.url({ protocol: /^https?$/, message: 'Expected an http(s) URL' }).max(2048);

const description = z.string().trim().max(500);

/** `POST /v1/webhooks`. */
export const createWebhookSchema = z.strictObject({
  url,
  eventTypes,
  filters: webhookFiltersSchema.default({}),
  description: description.default(''),
});
export type CreateWebhookInput = z.input<typeof createWebhookSchema>;

/** `PATCH /v1/webhooks/{id}`: what is given replaces what was; `enabled: true` re-enables. */
export const updateWebhookSchema = z
  .strictObject({
    url: url.optional(),
    eventTypes: eventTypes.optional(),
    filters: webhookFiltersSchema.optional(),
    description: description.optional(),
    enabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to update' });
export type UpdateWebhookInput = z.input<typeof updateWebhookSchema>;

/** `POST /v1/webhooks/{id}/rotate-secret`: how long the old secret stays valid. */
export const rotateWebhookSecretSchema = z.strictObject({
  graceSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(86_400),
});

export const webhookDeliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** `GET /v1/webhooks/{id}/deliveries`. */
/** `GET /v1/webhooks`: subscriptions in creation order, a page at a time. */
export const listWebhooksQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(200).optional(),
});

export const listWebhookDeliveriesQuerySchema = z.strictObject({
  status: z.enum(webhookDeliveryStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(200).optional(),
});

/** A subscription as the API shows it: the secret appears only when created or rotated. */
export type Webhook = {
  id: string;
  url: string;
  description: string;
  /** `["*"]`: every event type. */
  eventTypes: string[];
  filters: WebhookFilters;
  enabled: boolean;
  /** Why the endpoint was disabled (410 Gone, failing for 5 days, by hand), or null. */
  disabledReason: string | null;
  /** ISO 8601: since when every attempt has failed, or null. */
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
};

export type WebhookWithSecret = Webhook & { secret: string };

/** `POST /v1/webhooks/{id}/rotate-secret`: the new secret, and until when the old one still signs. */
export type RotatedWebhook = WebhookWithSecret & { previousSecretExpiresAt: string | null };

export type WebhookAttempt = {
  /** 1 for the first attempt. */
  number: number;
  at: string;
  outcome: 'delivered' | 'failed' | 'gone';
  /** The HTTP status, or null when no answer came. */
  statusCode: number | null;
  latencyMs: number;
  /** Why it failed, or null. */
  error: string | null;
};

export type WebhookDelivery = {
  /** The `webhook-id` header: the same on every attempt. */
  id: string;
  webhookId: string;
  eventType: string;
  leadId: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  /** ISO 8601: when the next attempt is due, while pending. */
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  /** Every attempt, oldest first. */
  attemptLog: WebhookAttempt[];
};

export type WebhookList = { data: Webhook[]; nextCursor: string | null };
export type WebhookDeliveryList = { data: WebhookDelivery[]; nextCursor: string | null };

const listed = (types: readonly string[]) => types.map((type) => `\`${type}\``).join(', ');

export const webhookSchema = z
  .strictObject({
    id: z.string().meta({ description: 'The webhook’s id (`wh_…`).' }),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()).meta({
      description: `What is sent: any of ${listed(domainChangeTypes)}; \`["*"]\` for every type.`,
    }),
    filters: webhookFiltersSchema,
    enabled: z.boolean(),
    disabledReason: z.string().nullable().meta({
      description: 'Why the endpoint was disabled (410 Gone, failing for 5 days, by hand).',
    }),
    failingSince: responseTime
      .nullable()
      .meta({ description: 'Since when every attempt has failed.' }),
    createdAt: responseTime,
    updatedAt: responseTime,
  })
  .meta({ id: 'Webhook' });

const secret = z
  .string()
  .meta({ description: 'Signing secret `whsec_…` (Standard Webhooks): shown only here.' });

export const webhookWithSecretSchema = webhookSchema
  .extend({ secret })
  .meta({ id: 'WebhookWithSecret' });

export const rotatedWebhookSchema = webhookSchema
  .extend({
    secret,
    previousSecretExpiresAt: responseTime
      .nullable()
      .meta({ description: 'Until when the old secret still signs too; null without grace.' }),
  })
  .meta({ id: 'RotatedWebhook' });

export const webhookListSchema = pageOf(webhookSchema).meta({ id: 'WebhookList' });

export const webhookAttemptSchema = z
  .strictObject({
    number: z.int().min(1).meta({ description: '1 for the first attempt.' }),
    at: responseTime,
    outcome: z.enum(['delivered', 'failed', 'gone']),
    statusCode: z.int().nullable().meta({ description: 'Null when no answer came.' }),
    latencyMs: z.number(),
    error: z.string().nullable().meta({ description: 'Why it failed, or null.' }),
  })
  .meta({ id: 'WebhookAttempt' });

export const webhookDeliverySchema = z
  .strictObject({
    id: z.string().meta({ description: 'The `webhook-id` header: the same on every attempt.' }),
    webhookId: z.string(),
    eventType: z.string().meta({ description: `One of ${listed(webhookEventTypes)}.` }),
    leadId: z.string().nullable(),
    status: z.enum(webhookDeliveryStatuses),
    attempts: z.int().min(0),
    lastStatusCode: z.int().nullable(),
    lastError: z.string().nullable(),
    lastLatencyMs: z.number().nullable(),
    nextAttemptAt: responseTime
      .nullable()
      .meta({ description: 'When the next attempt is due, while pending.' }),
    createdAt: responseTime,
    deliveredAt: responseTime.nullable(),
    attemptLog: z.array(webhookAttemptSchema).meta({ description: 'Every attempt, oldest first.' }),
  })
  .meta({ id: 'WebhookDelivery' });

export const webhookDeliveryListSchema = pageOf(webhookDeliverySchema).meta({
  id: 'WebhookDeliveryList',
});

export type WebhookSchemasMatchTypes = Pinned<{
  webhook: Same<z.infer<typeof webhookSchema>, Webhook>;
  withSecret: Same<z.infer<typeof webhookWithSecretSchema>, WebhookWithSecret>;
  rotated: Same<z.infer<typeof rotatedWebhookSchema>, RotatedWebhook>;
  list: Same<z.infer<typeof webhookListSchema>, WebhookList>;
  attempt: Same<z.infer<typeof webhookAttemptSchema>, WebhookAttempt>;
  delivery: Same<z.infer<typeof webhookDeliverySchema>, WebhookDelivery>;
  deliveryList: Same<z.infer<typeof webhookDeliveryListSchema>, WebhookDeliveryList>;
}>;
