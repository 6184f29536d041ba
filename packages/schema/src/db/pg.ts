// Tables for Postgres: the same model as sqlite.ts, with timestamptz and jsonb.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { JsonObject } from '../json-value.ts';

const time = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

export const sites = pgTable('sites', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  allowedOrigins: jsonb('allowed_origins').$type<string[]>().notNull(),
  timezone: text('timezone').notNull(),
  defaultCountry: text('default_country'),
  /** Emails that never identify anyone here (`info@acme.com`, `info@*`), beyond the junk list. */
  ignoredIdentifiers: jsonb('ignored_identifiers').$type<string[]>().notNull().default([]),
  /** Days activity is kept before the daily purge; null keeps it forever. */
  retentionDays: integer('retention_days'),
  createdAt: time('created_at').notNull(),
});

/** One row per allowed origin, so a preflight finds its sites by index; `*.` marks a wildcard. */
export const siteOrigins = pgTable(
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

export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['write', 'secret'] }).notNull(),
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull().unique(),
    name: text('name').notNull().default(''),
    scopes: jsonb('scopes').$type<string[]>().notNull().default(sql`'["read","write"]'::jsonb`),
    createdAt: time('created_at').notNull(),
    revokedAt: time('revoked_at'),
    lastUsedAt: time('last_used_at'),
  },
  (table) => [index('api_keys_site_idx').on(table.siteId)],
);

/** A session's source, as the collector derives it from the session's first pageview. */
const touchColumns = () => ({
  /** When the pageview that gave this touch happened: the earliest one wins. */
  touchAt: time('touch_at'),
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
export const visitors = pgTable(
  'visitors',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    anonymousId: text('anonymous_id').notNull(),
    firstSeenAt: time('first_seen_at').notNull(),
    lastSeenAt: time('last_seen_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.siteId, table.anonymousId] })],
);

/** Sessions as the SDK numbers them (30 minutes idle, new campaign), with their touch. */
export const sessions = pgTable(
  'sessions',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    anonymousId: text('anonymous_id').notNull(),
    startedAt: time('started_at').notNull(),
    lastEventAt: time('last_event_at').notNull(),
    ...touchColumns(),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.id] }),
    index('sessions_visitor_idx').on(table.siteId, table.anonymousId, table.startedAt),
    index('sessions_time_idx').on(table.siteId, table.startedAt),
  ],
);

/**
 * Queue messages the collector could not store: malformed ones at once, and the dead letters of
 * messages that kept failing. `accepted = stored + quarantined` holds across both.
 */
export const quarantine = pgTable(
  'quarantine',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id'),
    eventId: text('event_id'),
    reason: text('reason').notNull(),
    /** The message body, cut to 64 KB. */
    body: text('body').notNull(),
    quarantinedAt: time('quarantined_at').notNull(),
  },
  (table) => [index('quarantine_site_idx').on(table.siteId, table.quarantinedAt)],
);

export const events = pgTable(
  'events',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    type: text('type').notNull(),
    anonymousId: text('anonymous_id').notNull(),
    sessionId: text('session_id').notNull(),
    occurredAt: time('occurred_at').notNull(),
    receivedAt: time('received_at').notNull(),
    pageUrl: text('page_url').notNull(),
    pagePath: text('page_path').notNull(),
    pageTitle: text('page_title'),
    referrer: text('referrer'),
    name: text('name'),
    /** Flagged bots are stored for the record but never make sessions, touches or leads. */
    bot: boolean('bot').notNull().default(false),
    browser: text('browser'),
    os: text('os'),
    deviceType: text('device_type'),
    country: text('country'),
    region: text('region'),
    city: text('city'),
    /** The visitor's IANA time zone, from request.cf: the hour a lead wrote, in their day. */
    timezone: text('timezone'),
    payload: jsonb('payload').$type<JsonObject>().notNull(),
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
export const leads = pgTable(
  'leads',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    /** When the lead first identified itself (its earliest identifying event). */
    createdAt: time('created_at').notNull(),
    updatedAt: time('updated_at').notNull(),
    mergedInto: text('merged_into'),
    status: text('status').notNull(),
    score: integer('score').notNull(),
    /** The score the last `lead.score_changed` announced: the next one is measured from it. */
    notifiedScore: integer('notified_score').notNull(),
    scoreReasons: jsonb('score_reasons').$type<{ group: string; points: number }[]>().notNull(),
    email: text('email'),
    phone: text('phone'),
    name: text('name'),
    traits: jsonb('traits').$type<JsonObject>().notNull(),
    owner: text('owner'),
    apiTraits: jsonb('api_traits').$type<JsonObject>().notNull().default(sql`'{}'::jsonb`),
    stageAt: time('stage_at'),
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
export const leadIdentifiers = pgTable(
  'lead_identifiers',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['email', 'phone', 'external_id'] }).notNull(),
    value: text('value').notNull(),
    leadId: text('lead_id').notNull(),
    firstSeenAt: time('first_seen_at').notNull(),
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
export const visitorLinks = pgTable(
  'visitor_links',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    anonymousId: text('anonymous_id').notNull(),
    leadId: text('lead_id').notNull(),
    linkedAt: time('linked_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.eventId] }),
    index('visitor_links_visitor_idx').on(table.siteId, table.anonymousId),
    index('visitor_links_lead_idx').on(table.siteId, table.leadId),
  ],
);

/** Every merge, with the event that proved two leads were one person. */
export const leadMerges = pgTable(
  'lead_merges',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    fromLeadId: text('from_lead_id').notNull(),
    intoLeadId: text('into_lead_id').notNull(),
    eventId: text('event_id').notNull(),
    mergedAt: time('merged_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.siteId, table.fromLeadId] })],
);

/**
 * Domain changes (`lead.created`, `lead.score_changed`, `form.submitted`, …), written in the same
 * transaction as the state they describe: the outbox webhooks are delivered from.
 */
export const outbox = pgTable(
  'outbox',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    type: text('type').notNull(),
    leadId: text('lead_id'),
    occurredAt: time('occurred_at').notNull(),
    data: jsonb('data').$type<JsonObject>().notNull(),
    /** When the change was fanned out to the site's webhooks; null until then. */
    relayedAt: time('relayed_at'),
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
export const scoringRules = pgTable('scoring_rules', {
  siteId: text('site_id')
    .primaryKey()
    .references(() => sites.id, { onDelete: 'cascade' }),
  rules: jsonb('rules').$type<JsonObject>().notNull(),
  updatedAt: time('updated_at').notNull(),
});

/**
 * A counter per site that every identity and scoring write moves on: a write whose reads are no
 * longer current fails and is recomputed, so two consumers never overwrite each other's leads.
 */
export const identityVersions = pgTable('identity_versions', {
  siteId: text('site_id')
    .primaryKey()
    .references(() => sites.id, { onDelete: 'cascade' }),
  // bigint: an integer overflows after 2^31 writes, eight months at 100 a second.
  version: bigint('version', { mode: 'number' }).notNull(),
});

/**
 * Identifiers of erased people, as SHA-256 hashes of `kind:value`: the tracker never recreates
 * someone who asked to be forgotten, and keeps nothing that says who they were.
 */
export const suppressions = pgTable(
  'suppressions',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    identifierHash: text('identifier_hash').notNull(),
    createdAt: time('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.siteId, table.identifierHash] })],
);

/** The audit trail of erasures: which lead id, when, and how much went — no personal data. */
export const erasures = pgTable(
  'erasures',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    leadId: text('lead_id').notNull(),
    erasedAt: time('erased_at').notNull(),
    counts: jsonb('counts').$type<Record<string, number>>().notNull(),
  },
  (table) => [primaryKey({ columns: [table.siteId, table.leadId] })],
);

/**
 * Webhook subscriptions. `secret` signs every delivery; after a rotation `previousSecret` signs
 * too until `previousSecretExpiresAt`, so receivers can switch without losing a delivery.
 */
export const webhooks = pgTable(
  'webhooks',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').primaryKey(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    eventTypes: jsonb('event_types').$type<string[]>().notNull(),
    filters: jsonb('filters').$type<JsonObject>().notNull(),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: time('previous_secret_expires_at'),
    enabled: boolean('enabled').notNull().default(true),
    disabledReason: text('disabled_reason'),
    /** Since when every attempt has failed; null after a success. Five days of it disable. */
    failingSince: time('failing_since'),
    createdAt: time('created_at').notNull(),
    updatedAt: time('updated_at').notNull(),
  },
  (table) => [index('webhooks_site_idx').on(table.siteId, table.createdAt)],
);

/**
 * One logical delivery of a domain change to a subscription: its id is the `webhook-id` header,
 * the same on every attempt, and derived from the pair, so relaying a change twice sends it once.
 * The body is frozen when the delivery is made (retries sign the same bytes).
 */
export const webhookDeliveries = pgTable(
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
    nextAttemptAt: time('next_attempt_at'),
    /** While an attempt is in flight: no other worker sends the same delivery before this. */
    leaseUntil: time('lease_until'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastLatencyMs: integer('last_latency_ms'),
    createdAt: time('created_at').notNull(),
    deliveredAt: time('delivered_at'),
  },
  (table) => [
    index('webhook_deliveries_webhook_idx').on(table.webhookId, table.createdAt, table.id),
    index('webhook_deliveries_lead_idx').on(table.siteId, table.leadId),
    index('webhook_deliveries_due_idx').on(table.nextAttemptAt).where(sql`status = 'pending'`),
  ],
);

/** Every attempt of a delivery, for the delivery log. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    at: time('at').notNull(),
    outcome: text('outcome').notNull(),
    statusCode: integer('status_code'),
    latencyMs: integer('latency_ms').notNull(),
    error: text('error'),
  },
  (table) => [primaryKey({ columns: [table.deliveryId, table.number] })],
);

/** CRM outcomes pushed by the API (see sqlite.ts). */
export const conversions = pgTable(
  'conversions',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').primaryKey(),
    leadId: text('lead_id').notNull(),
    stage: text('stage').notNull(),
    valueMinor: bigint('value_minor', { mode: 'number' }),
    currency: text('currency'),
    occurredAt: time('occurred_at').notNull(),
    externalId: text('external_id'),
    requestHash: text('request_hash').notNull(),
    properties: jsonb('properties').$type<JsonObject>().notNull(),
    createdAt: time('created_at').notNull(),
  },
  (table) => [
    uniqueIndex('conversions_external_id_idx').on(table.siteId, table.externalId),
    index('conversions_lead_idx').on(table.siteId, table.leadId, table.occurredAt),
    index('conversions_occurred_idx').on(table.siteId, table.occurredAt),
  ],
);

/** Daily ad spend (see sqlite.ts). */
export const costs = pgTable(
  'costs',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    day: text('day').notNull(),
    source: text('source').notNull(),
    medium: text('medium').notNull(),
    campaign: text('campaign').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    updatedAt: time('updated_at').notNull(),
  },
  (table) => [
    primaryKey({
      columns: [table.siteId, table.day, table.source, table.medium, table.campaign],
    }),
  ],
);

/** `Idempotency-Key` requests (see sqlite.ts). */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: text('body').notNull(),
    createdAt: time('created_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.key] }),
    index('idempotency_keys_created_idx').on(table.createdAt),
  ],
);
