// Tables for D1 (SQLite). Times are integer milliseconds since the epoch; JSON is stored as text.
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { JsonObject } from '../json-value.ts';

export const sites = sqliteTable('sites', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  allowedOrigins: text('allowed_origins', { mode: 'json' }).$type<string[]>().notNull(),
  timezone: text('timezone').notNull(),
  defaultCountry: text('default_country'),
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
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
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
