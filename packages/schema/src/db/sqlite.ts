// Tables for D1 (SQLite). Times are integer milliseconds since the epoch; JSON is stored as text.
import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import type { JsonObject } from '../json-value.ts';

export const sites = sqliteTable('sites', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  allowedOrigins: text('allowed_origins', { mode: 'json' }).$type<string[]>().notNull(),
  timezone: text('timezone').notNull(),
  defaultCountry: text('default_country'),
  /** Emails that never identify anyone here (`info@acme.com`, `info@*`), beyond the junk list. */
  ignoredIdentifiers: text('ignored_identifiers', { mode: 'json' })
    .$type<string[]>()
    .notNull()
    .default(sql`'[]'`),
  /** Days activity is kept before the daily purge; null keeps it forever. */
  retentionDays: integer('retention_days'),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/** One row per allowed origin, so a preflight finds its sites by index; `*.` marks a wildcard. */
export const siteOrigins = sqliteTable(
  'site_origins',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    origin: text('origin').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.origin] }),
    index('site_origins_origin_idx').on(table.origin),
  ],
);

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['write', 'secret'] }).notNull(),
    /** The first characters of the key, to recognise it in lists; never enough to use it. */
    prefix: text('prefix').notNull(),
    /** Hex SHA-256 of the whole key: the key itself is never stored. */
    hash: text('hash').notNull().unique(),
    /** What the key is for, as its creator named it ("CRM sync"). */
    name: text('name').notNull().default(''),
    /** What a secret key may do: `read`, `write` (a write key: none, it only collects). */
    scopes: text('scopes', { mode: 'json' })
      .$type<string[]>()
      .notNull()
      .default(sql`'["read","write"]'`),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
    /** Updated at most once a minute: enough to tell a key in use from a forgotten one. */
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
  },
  (table) => [index('api_keys_site_idx').on(table.siteId)],
);

/** A session's source, as the collector derives it from the session's first pageview. */
const touchColumns = () => ({
  /** When the pageview that gave this touch happened: the earliest one wins. */
  touchAt: integer('touch_at', { mode: 'timestamp_ms' }),
  channel: text('channel'),
  source: text('source'),
  medium: text('medium'),
  campaign: text('campaign'),
  term: text('term'),
  content: text('content'),
  clickIdType: text('click_id_type'),
  clickId: text('click_id'),
  referrerDomain: text('referrer_domain'),
  landingPage: text('landing_page'),
  country: text('country'),
  region: text('region'),
  city: text('city'),
  deviceType: text('device_type'),
});

/**
 * One row per browser (anonymous id). Its first and last non-direct touch are read from its
 * sessions: a session's touch can still change when an earlier pageview arrives late.
 */
export const visitors = sqliteTable(
  'visitors',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    anonymousId: text('anonymous_id').notNull(),
    firstSeenAt: integer('first_seen_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.siteId, table.anonymousId] })],
);

/** Sessions as the SDK numbers them (30 minutes idle, new campaign), with their touch. */
export const sessions = sqliteTable(
  'sessions',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    anonymousId: text('anonymous_id').notNull(),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    lastEventAt: integer('last_event_at', { mode: 'timestamp_ms' }).notNull(),
    ...touchColumns(),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.id] }),
    index('sessions_visitor_idx').on(table.siteId, table.anonymousId, table.startedAt),
    index('sessions_time_idx').on(table.siteId, table.startedAt),
    // Attribution's scans of a range (sessions and browsers per channel, the journeys that did
    // not convert) read this narrow index alone, in browser order: without it SQLite reads every
    // wide session row (3–4 s a scan at 1M events in bench/attribution, 0.8–2.3 s with it).
    // Postgres gains nothing from it (measured), so only D1 has it.
    index('sessions_browser_touch_idx').on(
      table.siteId,
      table.anonymousId,
      table.touchAt,
      table.id,
      table.channel,
    ),
  ],
);

/**
 * Queue messages the collector could not store: malformed ones at once, and the dead letters of
 * messages that kept failing. `accepted = stored + quarantined` holds across both.
 */
export const quarantine = sqliteTable(
  'quarantine',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id'),
    eventId: text('event_id'),
    reason: text('reason').notNull(),
    /** The message body, cut to 64 KB. */
    body: text('body').notNull(),
    quarantinedAt: integer('quarantined_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('quarantine_site_idx').on(table.siteId, table.quarantinedAt)],
);

export const events = sqliteTable(
  'events',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    /** The client-generated event id: unique per site, forever, so a resend is never stored twice. */
    id: text('id').notNull(),
    type: text('type').notNull(),
    anonymousId: text('anonymous_id').notNull(),
    sessionId: text('session_id').notNull(),
    /** Event time corrected for the client's clock skew. */
    occurredAt: integer('occurred_at', { mode: 'timestamp_ms' }).notNull(),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
    pageUrl: text('page_url').notNull(),
    pagePath: text('page_path').notNull(),
    pageTitle: text('page_title'),
    referrer: text('referrer'),
    name: text('name'),
    /** Flagged bots are stored for the record but never make sessions, touches or leads. */
    bot: integer('bot', { mode: 'boolean' }).notNull().default(false),
    browser: text('browser'),
    os: text('os'),
    deviceType: text('device_type'),
    country: text('country'),
    region: text('region'),
    city: text('city'),
    /** The visitor's IANA time zone, from request.cf: the hour a lead wrote, in their day. */
    timezone: text('timezone'),
    /** attribution, traits, properties, form, call and context, as sent (after validation). */
    payload: text('payload', { mode: 'json' }).$type<JsonObject>().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.id] }),
    index('events_visitor_idx').on(table.siteId, table.anonymousId, table.occurredAt),
    index('events_time_idx').on(table.siteId, table.occurredAt),
  ],
);

/**
 * People: a lead is created by the first identification (an email or phone on a form, an
 * identify call). What is stored is derived from its identifiers and events and recomputed when
 * they change; `merged_into` marks a lead merged into an older one.
 */
export const leads = sqliteTable(
  'leads',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    /** When the lead first identified itself (its earliest identifying event). */
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    mergedInto: text('merged_into'),
    status: text('status').notNull(),
    score: integer('score').notNull(),
    /** The score the last `lead.score_changed` announced: the next one is measured from it. */
    notifiedScore: integer('notified_score').notNull(),
    scoreReasons: text('score_reasons', { mode: 'json' })
      .$type<{ group: string; points: number }[]>()
      .notNull(),
    email: text('email'),
    phone: text('phone'),
    name: text('name'),
    traits: text('traits', { mode: 'json' }).$type<JsonObject>().notNull(),
    /** Who works the lead in sales (a CRM user's id or email), set through the API. */
    owner: text('owner'),
    /** Traits set through the API: they win over what forms and identify calls said. */
    apiTraits: text('api_traits', { mode: 'json' })
      .$type<JsonObject>()
      .notNull()
      .default(sql`'{}'`),
    /** When a CRM stage (opportunity, customer, lost) was set; a lost deal resets engagement. */
    stageAt: integer('stage_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.id] }),
    index('leads_email_idx').on(table.siteId, table.email),
    index('leads_phone_idx').on(table.siteId, table.phone),
    index('leads_merged_into_idx').on(table.siteId, table.mergedInto),
    // `GET /v1/leads?updatedSince=` pages through this.
    index('leads_updated_idx').on(table.siteId, table.updatedAt, table.id),
    /** Leads in creation order: attribution's and exports' lead conversions, a page at a time. */
    index('leads_created_idx').on(table.siteId, table.createdAt, table.id),
  ],
);

/** Which lead owns an email, phone or external id: unique per site, so one person is one lead. */
export const leadIdentifiers = sqliteTable(
  'lead_identifiers',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['email', 'phone', 'external_id'] }).notNull(),
    value: text('value').notNull(),
    leadId: text('lead_id').notNull(),
    firstSeenAt: integer('first_seen_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.kind, table.value] }),
    index('lead_identifiers_lead_idx').on(table.siteId, table.leadId),
  ],
);

/**
 * One row per identifying event: from `linked_at` on, the browser belongs to that lead; its first
 * link also covers everything before (retroactive). A shared browser thus moves to the next
 * person without merging them.
 */
export const visitorLinks = sqliteTable(
  'visitor_links',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    anonymousId: text('anonymous_id').notNull(),
    leadId: text('lead_id').notNull(),
    linkedAt: integer('linked_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.eventId] }),
    index('visitor_links_visitor_idx').on(table.siteId, table.anonymousId),
    index('visitor_links_lead_idx').on(table.siteId, table.leadId),
  ],
);

/** Every merge, with the event that proved two leads were one person. */
export const leadMerges = sqliteTable(
  'lead_merges',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    fromLeadId: text('from_lead_id').notNull(),
    intoLeadId: text('into_lead_id').notNull(),
    eventId: text('event_id').notNull(),
    mergedAt: integer('merged_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.siteId, table.fromLeadId] })],
);

/**
 * Domain changes (`lead.created`, `lead.score_changed`, `form.submitted`, …), written in the same
 * transaction as the state they describe: the outbox webhooks are delivered from.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    type: text('type').notNull(),
    leadId: text('lead_id'),
    occurredAt: integer('occurred_at', { mode: 'timestamp_ms' }).notNull(),
    data: text('data', { mode: 'json' }).$type<JsonObject>().notNull(),
    /** When the change was fanned out to the site's webhooks; null until then. */
    relayedAt: integer('relayed_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.id] }),
    index('outbox_time_idx').on(table.siteId, table.occurredAt),
    // A lead's timeline reads its score and status changes from here.
    index('outbox_lead_idx').on(table.siteId, table.leadId, table.occurredAt),
    // What the relay and its minute sweep look for: small, since rows leave it within seconds.
    index('outbox_unrelayed_idx').on(table.siteId).where(sql`relayed_at IS NULL`),
  ],
);

/** A site's scoring rules, when it has changed the defaults. */
export const scoringRules = sqliteTable('scoring_rules', {
  siteId: text('site_id')
    .primaryKey()
    .references(() => sites.id, { onDelete: 'cascade' }),
  rules: text('rules', { mode: 'json' }).$type<JsonObject>().notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * A counter per site that every identity and scoring write moves on: a write whose reads are no
 * longer current fails and is recomputed, so two consumers never overwrite each other's leads.
 */
export const identityVersions = sqliteTable('identity_versions', {
  siteId: text('site_id')
    .primaryKey()
    .references(() => sites.id, { onDelete: 'cascade' }),
  version: integer('version').notNull(),
});

/**
 * Identifiers of erased people, as SHA-256 hashes of `kind:value`: the tracker never recreates
 * someone who asked to be forgotten, and keeps nothing that says who they were.
 */
export const suppressions = sqliteTable(
  'suppressions',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    identifierHash: text('identifier_hash').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.siteId, table.identifierHash] })],
);

/** The audit trail of erasures: which lead id, when, and how much went — no personal data. */
export const erasures = sqliteTable(
  'erasures',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    leadId: text('lead_id').notNull(),
    erasedAt: integer('erased_at', { mode: 'timestamp_ms' }).notNull(),
    counts: text('counts', { mode: 'json' }).$type<Record<string, number>>().notNull(),
  },
  (table) => [primaryKey({ columns: [table.siteId, table.leadId] })],
);

/**
 * Webhook subscriptions. `secret` signs every delivery; after a rotation `previousSecret` signs
 * too until `previousSecretExpiresAt`, so receivers can switch without losing a delivery.
 */
export const webhooks = sqliteTable(
  'webhooks',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').primaryKey(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    eventTypes: text('event_types', { mode: 'json' }).$type<string[]>().notNull(),
    filters: text('filters', { mode: 'json' }).$type<JsonObject>().notNull(),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: integer('previous_secret_expires_at', { mode: 'timestamp_ms' }),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    disabledReason: text('disabled_reason'),
    /** Since when every attempt has failed; null after a success. Five days of it disable. */
    failingSince: integer('failing_since', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('webhooks_site_idx').on(table.siteId, table.createdAt)],
);

/**
 * One logical delivery of a domain change to a subscription: its id is the `webhook-id` header,
 * the same on every attempt, and derived from the pair, so relaying a change twice sends it once.
 * The body is frozen when the delivery is made (retries sign the same bytes).
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').primaryKey(),
    webhookId: text('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    changeId: text('change_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The lead the body shows (erasure deletes its deliveries), or null. */
    leadId: text('lead_id'),
    body: text('body').notNull(),
    /** pending, delivered or failed (the schedule is spent or the endpoint was disabled). */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** Attempts since the delivery was made or last redelivered: where the schedule stands. */
    roundAttempts: integer('round_attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }),
    /** While an attempt is in flight: no other worker sends the same delivery before this. */
    leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastLatencyMs: integer('last_latency_ms'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    deliveredAt: integer('delivered_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    index('webhook_deliveries_webhook_idx').on(table.webhookId, table.createdAt, table.id),
    index('webhook_deliveries_lead_idx').on(table.siteId, table.leadId),
    index('webhook_deliveries_due_idx').on(table.nextAttemptAt).where(sql`status = 'pending'`),
  ],
);

/** Every attempt of a delivery, for the delivery log. */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    outcome: text('outcome').notNull(),
    statusCode: integer('status_code'),
    latencyMs: integer('latency_ms').notNull(),
    error: text('error'),
  },
  (table) => [primaryKey({ columns: [table.deliveryId, table.number] })],
);

/**
 * CRM outcomes pushed by the API: a stage reached by a lead, with its value in minor units of its
 * currency. `externalId` (the CRM's deal id) makes a replay answer with the same row.
 */
export const conversions = sqliteTable(
  'conversions',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').primaryKey(),
    leadId: text('lead_id').notNull(),
    stage: text('stage').notNull(),
    valueMinor: integer('value_minor'),
    currency: text('currency'),
    occurredAt: integer('occurred_at', { mode: 'timestamp_ms' }).notNull(),
    externalId: text('external_id'),
    /** SHA-256 of the request as it was understood: a replay must match it. */
    requestHash: text('request_hash').notNull(),
    properties: text('properties', { mode: 'json' }).$type<JsonObject>().notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    uniqueIndex('conversions_external_id_idx').on(table.siteId, table.externalId),
    index('conversions_lead_idx').on(table.siteId, table.leadId, table.occurredAt),
    index('conversions_occurred_idx').on(table.siteId, table.occurredAt),
  ],
);

/** Daily ad spend per source / medium / campaign ('' when not split by it), in minor units. */
export const costs = sqliteTable(
  'costs',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    /** The day in the site's time zone, `YYYY-MM-DD`. */
    day: text('day').notNull(),
    source: text('source').notNull(),
    medium: text('medium').notNull(),
    campaign: text('campaign').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    primaryKey({
      columns: [table.siteId, table.day, table.source, table.medium, table.campaign],
    }),
  ],
);

/**
 * `Idempotency-Key` requests, Stripe's way: the first answer is kept for a day and replayed to
 * the same request; the same key with another request is a 409.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    /** SHA-256 of method, path and body. */
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: text('body').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.key] }),
    index('idempotency_keys_created_idx').on(table.createdAt),
  ],
);
