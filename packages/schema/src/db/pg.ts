// Tables for Postgres: the same model as sqlite.ts, with timestamptz and jsonb.
import { index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { JsonObject } from '../json-value.ts';

const time = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

export const sites = pgTable('sites', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  allowedOrigins: jsonb('allowed_origins').$type<string[]>().notNull(),
  timezone: text('timezone').notNull(),
  defaultCountry: text('default_country'),
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
    createdAt: time('created_at').notNull(),
    revokedAt: time('revoked_at'),
  },
  (table) => [index('api_keys_site_idx').on(table.siteId)],
);

export const visitors = pgTable(
  'visitors',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    anonymousId: text('anonymous_id').notNull(),
    firstSeenAt: time('first_seen_at').notNull(),
    lastSeenAt: time('last_seen_at').notNull(),
    firstTouch: jsonb('first_touch').$type<JsonObject>(),
    lastTouch: jsonb('last_touch').$type<JsonObject>(),
  },
  (table) => [primaryKey({ columns: [table.siteId, table.anonymousId] })],
);

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
    touch: jsonb('touch').$type<JsonObject>(),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.id] }),
    index('sessions_visitor_idx').on(table.siteId, table.anonymousId, table.startedAt),
  ],
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
    payload: jsonb('payload').$type<JsonObject>().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.siteId, table.id] }),
    index('events_visitor_idx').on(table.siteId, table.anonymousId, table.occurredAt),
    index('events_time_idx').on(table.siteId, table.occurredAt),
  ],
);
