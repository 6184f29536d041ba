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

export const visitors = sqliteTable(
  'visitors',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    anonymousId: text('anonymous_id').notNull(),
    firstSeenAt: integer('first_seen_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
    firstTouch: text('first_touch', { mode: 'json' }).$type<JsonObject>(),
    lastTouch: text('last_touch', { mode: 'json' }).$type<JsonObject>(),
  },
  (table) => [primaryKey({ columns: [table.siteId, table.anonymousId] })],
);

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
    touch: text('touch', { mode: 'json' }).$type<JsonObject>(),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.id] }),
    index('sessions_visitor_idx').on(table.siteId, table.anonymousId, table.startedAt),
  ],
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
    /** attribution, traits, properties, form, call and context, as sent (after validation). */
    payload: text('payload', { mode: 'json' }).$type<JsonObject>().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.id] }),
    index('events_visitor_idx').on(table.siteId, table.anonymousId, table.occurredAt),
    index('events_time_idx').on(table.siteId, table.occurredAt),
  ],
);
