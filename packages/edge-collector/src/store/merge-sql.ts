import { type SQL, sql } from 'drizzle-orm';
import type { IngestPlan, SessionUpsert, StoredEvent, VisitorUpsert } from '../core/ingest-plan.ts';
import type { SessionTouch } from '../core/session-touch.ts';

// The ingest statements both adapters run: rows travel as one JSON parameter of arrays (D1 allows
// only 100 bound parameters; Postgres gets one round trip per table too), and every conflict is a
// merge that does not depend on arrival order — the earliest start and touch, the latest event
// and non-direct touch win.

export type Dialect = 'sqlite' | 'pg';

/** How a column is read out of its JSON array slot. */
type ColumnKind = 'text' | 'time' | 'int' | 'bool' | 'json';
export type Column = readonly [name: string, kind: ColumnKind];

export const EVENT_COLUMNS: readonly Column[] = [
  ['site_id', 'text'],
  ['id', 'text'],
  ['type', 'text'],
  ['anonymous_id', 'text'],
  ['session_id', 'text'],
  ['occurred_at', 'time'],
  ['received_at', 'time'],
  ['page_url', 'text'],
  ['page_path', 'text'],
  ['page_title', 'text'],
  ['referrer', 'text'],
  ['name', 'text'],
  ['bot', 'bool'],
  ['browser', 'text'],
  ['os', 'text'],
  ['device_type', 'text'],
  ['country', 'text'],
  ['region', 'text'],
  ['city', 'text'],
  ['timezone', 'text'],
  ['payload', 'json'],
];

const TOUCH_COLUMNS: readonly Column[] = [
  ['touch_at', 'time'],
  ['channel', 'text'],
  ['source', 'text'],
  ['medium', 'text'],
  ['campaign', 'text'],
  ['term', 'text'],
  ['content', 'text'],
  ['click_id_type', 'text'],
  ['click_id', 'text'],
  ['referrer_domain', 'text'],
  ['landing_page', 'text'],
  ['country', 'text'],
  ['region', 'text'],
  ['city', 'text'],
  ['device_type', 'text'],
];

export const SESSION_COLUMNS: readonly Column[] = [
  ['site_id', 'text'],
  ['id', 'text'],
  ['anonymous_id', 'text'],
  ['started_at', 'time'],
  ['last_event_at', 'time'],
  ...TOUCH_COLUMNS,
];

export const VISITOR_COLUMNS: readonly Column[] = [
  ['site_id', 'text'],
  ['anonymous_id', 'text'],
  ['first_seen_at', 'time'],
  ['last_seen_at', 'time'],
];

export function eventRow(event: StoredEvent): unknown[] {
  return [
    event.siteId,
    event.id,
    event.type,
    event.anonymousId,
    event.sessionId,
    event.occurredAt,
    event.receivedAt,
    event.pageUrl,
    event.pagePath,
    event.pageTitle,
    event.referrer,
    event.name,
    event.bot,
    event.browser,
    event.os,
    event.deviceType,
    event.country,
    event.region,
    event.city,
    event.timezone,
    event.payload,
  ];
}

const touchValues = (touch: SessionTouch | null) => [
  touch?.channel ?? null,
  touch?.source ?? null,
  touch?.medium ?? null,
  touch?.campaign ?? null,
  touch?.term ?? null,
  touch?.content ?? null,
  touch?.clickIdType ?? null,
  touch?.clickId ?? null,
  touch?.referrerDomain ?? null,
  touch?.landingPage ?? null,
  touch?.country ?? null,
  touch?.region ?? null,
  touch?.city ?? null,
  touch?.deviceType ?? null,
];

export function sessionRow(session: SessionUpsert): unknown[] {
  return [
    session.siteId,
    session.id,
    session.anonymousId,
    session.startedAt,
    session.lastEventAt,
    session.touch ? session.touchAt : null,
    ...touchValues(session.touch),
  ];
}

export function visitorRow(visitor: VisitorUpsert): unknown[] {
  return [visitor.siteId, visitor.anonymousId, visitor.firstSeenAt, visitor.lastSeenAt];
}

/**
 * Drops U+0000 from every string and key: Postgres cannot store it in text or jsonb (one would
 * fail the whole batch), and it means nothing in analytics text, so D1 drops it too.
 */
function withoutNul(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\0') ? value.replaceAll('\0', '') : value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.some((key) => key.includes('\0')))
      return Object.fromEntries(
        keys.map((key) => [key.replaceAll('\0', ''), (value as Record<string, unknown>)[key]]),
      );
  }
  return value;
}

/** The JSON text of one row. */
export const rowJson = (row: unknown[]): string => JSON.stringify(row, withoutNul);

/** The JSON text of rows, as the one parameter of an insert. */
export const rowsJson = (rows: unknown[][]): string => `[${rows.map(rowJson).join(',')}]`;

function readColumn(dialect: Dialect, [, kind]: Column, index: number): string {
  if (dialect === 'sqlite') return `json_extract(value, '$[${index}]')`;
  switch (kind) {
    case 'text':
      return `(value->>${index})`;
    case 'time':
      return `to_timestamp((value->>${index})::double precision / 1000)`;
    case 'int':
      return `(value->>${index})::integer`;
    case 'bool':
      return `(value->>${index})::boolean`;
    case 'json':
      // A JSON null must become SQL NULL, not the jsonb value null.
      return `nullif(value->${index}, 'null'::jsonb)`;
  }
}

/**
 * `INSERT … SELECT` of JSON-array rows (one column per array index) followed by `tail`: SQLite
 * expands them with json_each, Postgres with jsonb_array_elements.
 */
export function insertRows(
  dialect: Dialect,
  table: string,
  columns: readonly Column[],
  json: string,
  tail: SQL,
): SQL {
  const names = columns.map(([name]) => name).join(', ');
  const values = columns.map((column, index) => readColumn(dialect, column, index)).join(', ');
  return dialect === 'sqlite'
    ? // `WHERE true` lets SQLite parse an ON CONFLICT clause after a SELECT.
      sql`INSERT INTO ${sql.raw(table)} (${sql.raw(names)}) SELECT ${sql.raw(values)} FROM json_each(${json}) WHERE true ${tail}`
    : sql`INSERT INTO ${sql.raw(table)} (${sql.raw(names)}) SELECT ${sql.raw(values)} FROM jsonb_array_elements(${json}::jsonb) AS value ${tail}`;
}

/** `CASE` that takes the incoming value when its time column `at` beats the stored one. */
function whenBeats(table: string, at: string, wins: '<' | '>', column: string): string {
  return `${column} = CASE WHEN excluded.${at} IS NOT NULL AND (${table}.${at} IS NULL OR excluded.${at} ${wins} ${table}.${at}) THEN excluded.${column} ELSE ${table}.${column} END`;
}

export const least = (dialect: Dialect) => (dialect === 'sqlite' ? 'min' : 'least');
const greatest = (dialect: Dialect) => (dialect === 'sqlite' ? 'max' : 'greatest');

/** Sessions keep their earliest start, their latest event and the touch of their first pageview. */
export function mergeSessionSql(dialect: Dialect): SQL {
  const touch = TOUCH_COLUMNS.map(([name]) => whenBeats('sessions', 'touch_at', '<', name));
  return sql.raw(
    `ON CONFLICT (site_id, id) DO UPDATE SET ${[
      `started_at = ${least(dialect)}(sessions.started_at, excluded.started_at)`,
      `last_event_at = ${greatest(dialect)}(sessions.last_event_at, excluded.last_event_at)`,
      ...touch,
    ].join(', ')}`,
  );
}

/** Visitors keep when they were first and last seen. */
export function mergeVisitorSql(dialect: Dialect): SQL {
  return sql.raw(
    `ON CONFLICT (site_id, anonymous_id) DO UPDATE SET ${[
      `first_seen_at = ${least(dialect)}(visitors.first_seen_at, excluded.first_seen_at)`,
      `last_seen_at = ${greatest(dialect)}(visitors.last_seen_at, excluded.last_seen_at)`,
    ].join(', ')}`,
  );
}

/**
 * The statements that write a plan: event inserts (each answering the ids it added) and the
 * session and visitor merges, run in this order in one transaction. `toJson` turns rows into the
 * JSON parameters to send: one per table on Postgres, size-bounded chunks on D1.
 */
export function ingestStatements(
  dialect: Dialect,
  plan: IngestPlan,
  toJson: (rows: unknown[][]) => string[],
): { eventInserts: SQL[]; merges: SQL[] } {
  const statements = (rows: unknown[][], write: (json: string) => SQL) =>
    rows.length === 0 ? [] : toJson(rows).map(write);
  return {
    eventInserts: statements(plan.events.map(eventRow), (json) =>
      insertRows(dialect, 'events', EVENT_COLUMNS, json, sql`ON CONFLICT DO NOTHING RETURNING id`),
    ),
    merges: [
      ...statements(plan.sessions.map(sessionRow), (json) =>
        insertRows(dialect, 'sessions', SESSION_COLUMNS, json, mergeSessionSql(dialect)),
      ),
      ...statements(plan.visitors.map(visitorRow), (json) =>
        insertRows(dialect, 'visitors', VISITOR_COLUMNS, json, mergeVisitorSql(dialect)),
      ),
    ],
  };
}
