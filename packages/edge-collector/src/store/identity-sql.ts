import { type SQL, sql } from 'drizzle-orm';
import { ERASED_LEAD, type ErasurePlan } from '../core/erasure.ts';
import type { Identifier } from '../core/identifiers.ts';
import type { DomainChange, LeadRow, LeadUpdatePlan } from '../core/lead-update.ts';
import type { IdentifierRow, Merge, VisitorLink } from '../core/stitching.ts';
import { type Column, type Dialect, insertRows, least } from './merge-sql.ts';

// The identity and scoring statements both adapters run. Lists travel as one JSON parameter (D1
// binds at most 100 values per statement); times come back as epoch milliseconds and JSON as text
// on both databases, so one mapper reads both.

/** `IN (…)` over a JSON array parameter. */
export function inList(dialect: Dialect, values: readonly string[]): SQL {
  const json = JSON.stringify(values);
  return dialect === 'sqlite'
    ? sql`(SELECT value FROM json_each(${json}))`
    : sql`(SELECT jsonb_array_elements_text(${json}::jsonb))`;
}

/** A time column as epoch milliseconds. */
export const millis = (dialect: Dialect, column: string) =>
  sql.raw(dialect === 'sqlite' ? column : `(extract(epoch from ${column}) * 1000)::float8`);

/** A JSON column as text. */
export const jsonText = (dialect: Dialect, column: string) =>
  sql.raw(dialect === 'sqlite' ? column : `${column}::text`);

export const versionQuery = (siteId: string) =>
  sql`SELECT version FROM identity_versions WHERE site_id = ${siteId}`;

export const rulesQuery = (dialect: Dialect, siteId: string) =>
  sql`SELECT ${jsonText(dialect, 'rules')} AS rules FROM scoring_rules WHERE site_id = ${siteId}`;

/** Lead ids owning any of these identifiers (through the primary key, one kind at a time). */
export function identifierOwnersQuery(
  dialect: Dialect,
  siteId: string,
  identifiers: readonly Identifier[],
): SQL | null {
  const kinds = [...new Set(identifiers.map((identifier) => identifier.kind))];
  if (kinds.length === 0) return null;
  const clauses = kinds.map((kind) => {
    const values = identifiers.filter((identifier) => identifier.kind === kind).map((i) => i.value);
    return sql`(kind = ${kind} AND value IN ${inList(dialect, values)})`;
  });
  return sql`SELECT DISTINCT lead_id FROM lead_identifiers WHERE site_id = ${siteId} AND (${sql.join(clauses, sql` OR `)})`;
}

export const linkedLeadsQuery = (
  dialect: Dialect,
  siteId: string,
  anonymousIds: readonly string[],
) =>
  sql`SELECT DISTINCT lead_id FROM visitor_links WHERE site_id = ${siteId} AND anonymous_id IN ${inList(dialect, anonymousIds)}`;

const LEAD_SELECT = (dialect: Dialect) =>
  sql`id, ${millis(dialect, 'created_at')} AS created_at, ${millis(dialect, 'updated_at')} AS updated_at, merged_into, status, score, notified_score, ${jsonText(dialect, 'score_reasons')} AS score_reasons, email, phone, name, ${jsonText(dialect, 'traits')} AS traits, owner, ${jsonText(dialect, 'api_traits')} AS api_traits, ${millis(dialect, 'stage_at')} AS stage_at`;

export const leadsQuery = (dialect: Dialect, siteId: string, leadIds: readonly string[]) =>
  sql`SELECT ${LEAD_SELECT(dialect)} FROM leads WHERE site_id = ${siteId} AND id IN ${inList(dialect, leadIds)}`;

export const identifiersOfLeadsQuery = (
  dialect: Dialect,
  siteId: string,
  leadIds: readonly string[],
) =>
  sql`SELECT kind, value, lead_id, ${millis(dialect, 'first_seen_at')} AS first_seen_at FROM lead_identifiers WHERE site_id = ${siteId} AND lead_id IN ${inList(dialect, leadIds)}`;

/** Every link of these browsers and of every browser linked to these leads. */
export const linksQuery = (
  dialect: Dialect,
  siteId: string,
  anonymousIds: readonly string[],
  leadIds: readonly string[],
) =>
  sql`SELECT event_id, anonymous_id, lead_id, ${millis(dialect, 'linked_at')} AS linked_at FROM visitor_links WHERE site_id = ${siteId} AND (anonymous_id IN ${inList(dialect, anonymousIds)} OR anonymous_id IN (SELECT anonymous_id FROM visitor_links WHERE site_id = ${siteId} AND lead_id IN ${inList(dialect, leadIds)}))`;

/** What scoring reads of events: the payload only where traits or a form can be in it. */
export const leadEventsQuery = (
  dialect: Dialect,
  siteId: string,
  anonymousIds: readonly string[],
) =>
  sql`SELECT id, type, anonymous_id, session_id, ${millis(dialect, 'occurred_at')} AS occurred_at, page_path, name, CASE WHEN type IN ('identify', 'form_submit') THEN ${jsonText(dialect, 'payload')} END AS payload FROM events WHERE site_id = ${siteId} AND anonymous_id IN ${inList(dialect, anonymousIds)} AND bot = ${dialect === 'sqlite' ? sql`0` : sql`false`}`;

type Row = Record<string, unknown>;
const parse = <T>(value: unknown, fallback: T): T =>
  typeof value === 'string'
    ? (JSON.parse(value) as T)
    : value === null || value === undefined
      ? fallback
      : (value as T);

export const toLeadRow = (row: Row): LeadRow => ({
  id: String(row.id),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
  mergedInto: (row.merged_into as string | null) ?? null,
  status: row.status as LeadRow['status'],
  score: Number(row.score),
  notifiedScore: Number(row.notified_score),
  scoreReasons: parse(row.score_reasons, []),
  email: (row.email as string | null) ?? null,
  phone: (row.phone as string | null) ?? null,
  name: (row.name as string | null) ?? null,
  traits: parse(row.traits, {}),
  owner: (row.owner as string | null) ?? null,
  apiTraits: parse(row.api_traits, {}),
  stageAt: row.stage_at === null || row.stage_at === undefined ? null : Number(row.stage_at),
});

export const toIdentifierRow = (row: Row): IdentifierRow => ({
  kind: row.kind as IdentifierRow['kind'],
  value: String(row.value),
  leadId: String(row.lead_id),
  firstSeenAt: Number(row.first_seen_at),
});

export const toVisitorLink = (row: Row): VisitorLink => ({
  eventId: String(row.event_id),
  anonymousId: String(row.anonymous_id),
  leadId: String(row.lead_id),
  linkedAt: Number(row.linked_at),
});

// ---- writes ----

/**
 * Moves the site's version on from `expected`, or fails the transaction: NULL into a NOT NULL
 * column. Another write since our reads means they are stale and the work is redone.
 */
export const versionGuard = (siteId: string, expected: number) =>
  sql`INSERT INTO identity_versions (site_id, version) VALUES (${siteId}, 1) ON CONFLICT (site_id) DO UPDATE SET version = CASE WHEN identity_versions.version = ${expected} THEN identity_versions.version + 1 END`;

/** Whether an error is the version guard refusing a stale write. */
export function isStaleWrite(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (/identity_versions/.test(cause.message) && /null/i.test(cause.message)) return true;
  }
  return false;
}

export const LEAD_COLUMNS: readonly Column[] = [
  ['site_id', 'text'],
  ['id', 'text'],
  ['created_at', 'time'],
  ['updated_at', 'time'],
  ['merged_into', 'text'],
  ['status', 'text'],
  ['score', 'int'],
  ['notified_score', 'int'],
  ['score_reasons', 'json'],
  ['email', 'text'],
  ['phone', 'text'],
  ['name', 'text'],
  ['traits', 'json'],
  ['owner', 'text'],
  ['api_traits', 'json'],
  ['stage_at', 'time'],
];
export const IDENTIFIER_COLUMNS: readonly Column[] = [
  ['site_id', 'text'],
  ['kind', 'text'],
  ['value', 'text'],
  ['lead_id', 'text'],
  ['first_seen_at', 'time'],
];
export const LINK_COLUMNS: readonly Column[] = [
  ['site_id', 'text'],
  ['event_id', 'text'],
  ['anonymous_id', 'text'],
  ['lead_id', 'text'],
  ['linked_at', 'time'],
];
const MERGE_COLUMNS: readonly Column[] = [
  ['site_id', 'text'],
  ['from_lead_id', 'text'],
  ['into_lead_id', 'text'],
  ['event_id', 'text'],
  ['merged_at', 'time'],
];
export const OUTBOX_COLUMNS: readonly Column[] = [
  ['site_id', 'text'],
  ['id', 'text'],
  ['type', 'text'],
  ['lead_id', 'text'],
  ['occurred_at', 'time'],
  ['data', 'json'],
];

export const leadRow = (siteId: string, lead: LeadRow) => [
  siteId,
  lead.id,
  lead.createdAt,
  lead.updatedAt,
  lead.mergedInto,
  lead.status,
  lead.score,
  lead.notifiedScore,
  lead.scoreReasons,
  lead.email,
  lead.phone,
  lead.name,
  lead.traits,
  lead.owner,
  lead.apiTraits,
  lead.stageAt,
];
export const identifierRow = (siteId: string, row: IdentifierRow) => [
  siteId,
  row.kind,
  row.value,
  row.leadId,
  row.firstSeenAt,
];
export const linkRow = (siteId: string, link: VisitorLink) => [
  siteId,
  link.eventId,
  link.anonymousId,
  link.leadId,
  link.linkedAt,
];
const mergeRow = (siteId: string, merge: Merge) => [
  siteId,
  merge.fromLeadId,
  merge.intoLeadId,
  merge.eventId,
  merge.mergedAt,
];
export const changeRow = (siteId: string, change: DomainChange) => [
  siteId,
  change.id,
  change.type,
  change.leadId,
  change.occurredAt,
  change.data,
];

const replaceAll = (key: string, columns: readonly Column[]) =>
  sql.raw(
    `ON CONFLICT (${key}) DO UPDATE SET ${columns
      .filter(([name]) => !key.split(', ').includes(name))
      .map(([name]) => `${name} = excluded.${name}`)
      .join(', ')}`,
  );

/** The statements of a lead update after the version guard, in one transaction with it. */
export function leadUpdateStatements(
  dialect: Dialect,
  siteId: string,
  plan: LeadUpdatePlan,
  toJson: (rows: unknown[][]) => string[],
): SQL[] {
  const statements = (rows: unknown[][], write: (json: string) => SQL) =>
    rows.length === 0 ? [] : toJson(rows).map(write);
  return [
    ...statements(
      plan.leads.map((lead) => leadRow(siteId, lead)),
      (json) =>
        insertRows(dialect, 'leads', LEAD_COLUMNS, json, replaceAll('site_id, id', LEAD_COLUMNS)),
    ),
    ...statements(
      plan.identifiers.map((row) => identifierRow(siteId, row)),
      (json) =>
        insertRows(
          dialect,
          'lead_identifiers',
          IDENTIFIER_COLUMNS,
          json,
          sql.raw(
            `ON CONFLICT (site_id, kind, value) DO UPDATE SET lead_id = excluded.lead_id, first_seen_at = ${least(dialect)}(lead_identifiers.first_seen_at, excluded.first_seen_at)`,
          ),
        ),
    ),
    ...statements(
      plan.links.map((link) => linkRow(siteId, link)),
      (json) =>
        insertRows(
          dialect,
          'visitor_links',
          LINK_COLUMNS,
          json,
          sql.raw('ON CONFLICT (site_id, event_id) DO UPDATE SET lead_id = excluded.lead_id'),
        ),
    ),
    // Leads merged earlier into one merged now follow it to the survivor: one hop for readers.
    ...plan.merges.map(
      (merge) =>
        sql`UPDATE leads SET merged_into = ${merge.intoLeadId} WHERE site_id = ${siteId} AND merged_into = ${merge.fromLeadId}`,
    ),
    ...statements(
      plan.merges.map((merge) => mergeRow(siteId, merge)),
      (json) =>
        insertRows(dialect, 'lead_merges', MERGE_COLUMNS, json, sql.raw('ON CONFLICT DO NOTHING')),
    ),
    ...(plan.forgottenEvents.length === 0
      ? []
      : [
          sql`DELETE FROM events WHERE site_id = ${siteId} AND id IN ${inList(dialect, plan.forgottenEvents)}`,
        ]),
    ...statements(
      plan.changes.map((change) => changeRow(siteId, change)),
      (json) =>
        insertRows(dialect, 'outbox', OUTBOX_COLUMNS, json, sql.raw('ON CONFLICT DO NOTHING')),
    ),
  ];
}

const SUPPRESSION_COLUMNS: readonly Column[] = [
  ['site_id', 'text'],
  ['identifier_hash', 'text'],
  ['created_at', 'time'],
];
const ERASURE_COLUMNS: readonly Column[] = [
  ['site_id', 'text'],
  ['lead_id', 'text'],
  ['erased_at', 'time'],
  ['counts', 'json'],
];

export const suppressedQuery = (dialect: Dialect, siteId: string, hashes: readonly string[]) =>
  sql`SELECT identifier_hash FROM suppressions WHERE site_id = ${siteId} AND identifier_hash IN ${inList(dialect, hashes)}`;

const SLICE = 5_000;
const slices = (ids: readonly string[]) =>
  Array.from({ length: Math.ceil(ids.length / SLICE) }, (_, index) =>
    ids.slice(index * SLICE, (index + 1) * SLICE),
  );

/** The statements that erase a lead (and the leads merged into it), after the version guard. */
export function erasureStatements(
  dialect: Dialect,
  siteId: string,
  plan: ErasurePlan,
  suppressionHashes: readonly string[],
  now: number,
  toJson: (rows: unknown[][]) => string[],
): SQL[] {
  const { leadId } = plan;
  const whole = inList(dialect, plan.visitorIds);
  // Announcements about the erased events carry what the person typed: they go too.
  const announcements = plan.eventIds.flatMap((id) => [
    `form.submitted:${id}`,
    `call.clicked:${id}`,
  ]);
  const inserts = (table: string, columns: readonly Column[], rows: unknown[][]) =>
    rows.length === 0
      ? []
      : toJson(rows).map((json) =>
          insertRows(dialect, table, columns, json, sql.raw('ON CONFLICT DO NOTHING')),
        );
  // Id lists in slices, each one bound string well under D1's 2 MB limit whatever the history.
  const sliced = (ids: readonly string[], statement: (list: SQL) => SQL) =>
    slices(ids).map((slice) => statement(inList(dialect, slice)));
  const erasedLeads = sql`(SELECT id FROM leads WHERE site_id = ${siteId} AND (id = ${leadId} OR merged_into = ${leadId}))`;
  return [
    // Webhook bodies carry the person's details too (their attempts go with them).
    sql`DELETE FROM webhook_deliveries WHERE site_id = ${siteId} AND lead_id IN ${erasedLeads}`,
    ...sliced(
      announcements,
      (list) =>
        sql`DELETE FROM webhook_deliveries WHERE site_id = ${siteId} AND change_id IN ${list}`,
    ),
    sql`DELETE FROM outbox WHERE site_id = ${siteId} AND lead_id IN ${erasedLeads}`,
    sql`DELETE FROM conversions WHERE site_id = ${siteId} AND lead_id IN ${erasedLeads}`,
    // Kept API answers about the lead (a conversion's, with its properties) go too: a lead id is
    // random and unique, so it names only this person's answers.
    sql`DELETE FROM idempotency_keys WHERE site_id = ${siteId} AND ${sql.raw(dialect === 'sqlite' ? 'instr' : 'strpos')}(body, ${`"${leadId}"`}) > 0`,
    ...sliced(
      announcements,
      (list) => sql`DELETE FROM outbox WHERE site_id = ${siteId} AND id IN ${list}`,
    ),
    sql`DELETE FROM events WHERE site_id = ${siteId} AND anonymous_id IN ${whole}`,
    ...sliced(
      plan.eventIds,
      (list) => sql`DELETE FROM events WHERE site_id = ${siteId} AND id IN ${list}`,
    ),
    sql`DELETE FROM sessions WHERE site_id = ${siteId} AND anonymous_id IN ${whole}`,
    ...sliced(
      plan.sessionIds,
      (list) => sql`DELETE FROM sessions WHERE site_id = ${siteId} AND id IN ${list}`,
    ),
    sql`DELETE FROM visitors WHERE site_id = ${siteId} AND anonymous_id IN ${whole}`,
    sql`DELETE FROM visitor_links WHERE site_id = ${siteId} AND anonymous_id IN ${whole}`,
    // A shared browser keeps its links to the erased person as tombstones: its other people's
    // time stays theirs, and the erased person's time stays nobody's.
    sql`UPDATE visitor_links SET lead_id = ${ERASED_LEAD} WHERE site_id = ${siteId} AND lead_id = ${leadId}`,
    sql`DELETE FROM lead_identifiers WHERE site_id = ${siteId} AND lead_id = ${leadId}`,
    sql`DELETE FROM lead_merges WHERE site_id = ${siteId} AND (into_lead_id = ${leadId} OR from_lead_id = ${leadId})`,
    sql`DELETE FROM leads WHERE site_id = ${siteId} AND (id = ${leadId} OR merged_into = ${leadId})`,
    ...inserts(
      'suppressions',
      SUPPRESSION_COLUMNS,
      suppressionHashes.map((hash) => [siteId, hash, now]),
    ),
    ...inserts('erasures', ERASURE_COLUMNS, [[siteId, leadId, now, plan.counts]]),
  ];
}

/** A subquery's rows as one JSON array text (`[]` when none), on either database. */
function jsonArrayOf(dialect: Dialect, column: string, rows: SQL): SQL {
  return dialect === 'sqlite'
    ? sql`(SELECT json_group_array(${sql.raw(column)}) FROM (${rows}))`
    : sql`(SELECT coalesce(json_agg(${sql.raw(column)}), '[]'::json)::text FROM (${rows}) AS picked)`;
}

/**
 * Where a lead update starts, in one statement (one round trip, one snapshot): the site's
 * version and rules, the leads its browsers and identifiers lead to, and which identifiers belong
 * to erased people.
 */
export function identityHeadQuery(
  dialect: Dialect,
  siteId: string,
  anonymousIds: readonly string[],
  identifiers: readonly Identifier[],
  suppressionHashes: readonly string[],
): SQL {
  const owners = identifierOwnersQuery(dialect, siteId, identifiers);
  return sql`SELECT
    (${versionQuery(siteId)}) AS version,
    (${rulesQuery(dialect, siteId)}) AS rules,
    ${jsonArrayOf(dialect, 'lead_id', linkedLeadsQuery(dialect, siteId, anonymousIds))} AS linked,
    ${jsonArrayOf(dialect, 'lead_id', owners ?? sql`SELECT NULL AS lead_id WHERE 1 = 0`)} AS owned,
    ${jsonArrayOf(dialect, 'identifier_hash', suppressedQuery(dialect, siteId, suppressionHashes))} AS suppressed`;
}
