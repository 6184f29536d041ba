import type { LocationLevel } from '@leadloop/schema';
import { type SQL, sql } from 'drizzle-orm';
import { type FunnelCounts, STAGE_RANKS } from '../core/funnel.ts';
import { type InquiryCount, QUARTER_HOUR_MS, WEEK_SLOTS } from '../core/hour-of-week.ts';
import {
  PLACE_FIELDS,
  type Place,
  type PlaceLeads,
  type PlaceRevenue,
  type PlaceSessions,
} from '../core/location-report.ts';
import { SPEED_BUCKET_LIMITS, type SpeedCounts } from '../core/speed-to-lead-report.ts';
import { millis } from './identity-sql.ts';
import type { SqlRunner } from './identity-store.ts';
import { browsersOf, ownerAt } from './ownership-sql.ts';
import { timeParam } from './sql-values.ts';

// The reports under /v1/reports/, as aggregate queries written once over both databases: only
// counts and sums come back, never a row per event or per lead.
//
// The cohort is the live leads created in the range; a lead merged into one of them ("member")
// brings its statuses, conversions and stage along. A lead's stage is the highest rank among its
// members' current statuses, every `lead.status_changed` they announced, and their conversions.

type Row = Record<string, unknown>;

/** Inclusive bounds, epoch milliseconds. */
export type ReportWindow = { from: number; to: number };

export interface ReportStore {
  /** Sessions with a touch in the window; the cohort and how many of it reached each stage. */
  funnel(siteId: string, window: ReportWindow): Promise<FunnelCounts>;
  /**
   * Non-bot form submissions and call clicks in the window per UTC quarter hour of the week, per
   * stretch: stretch i runs from `stretchStarts[i]` to the next start (the first is `from`).
   */
  /**
   * The first and last event time in the window (any event: the index answers at once), or null:
   * the inquiries' offsets need only be looked up over the span the data covers.
   */
  eventSpan(siteId: string, window: ReportWindow): Promise<{ first: number; last: number } | null>;
  inquiries(
    siteId: string,
    window: ReportWindow,
    stretchStarts: readonly number[],
  ): Promise<InquiryCount[]>;
  /**
   * Per place (down to `by`): sessions by their touch's place; the cohort's leads and customers
   * by the place of each lead's first touch; and its customers' `customer` revenue per currency.
   */
  locations(
    siteId: string,
    window: ReportWindow,
    by: LocationLevel,
  ): Promise<{ sessions: PlaceSessions[]; leads: PlaceLeads[]; revenue: PlaceRevenue[] }>;
  /** The cohort, how many of it were worked, and the worked ones per timed bucket. */
  speedToLead(siteId: string, window: ReportWindow): Promise<SpeedCounts>;
  /** Milliseconds to first work of the worked leads at these 1-based ranks (fastest first). */
  workDurationsAt(
    siteId: string,
    window: ReportWindow,
    ranks: readonly number[],
  ): Promise<Map<number, number>>;
}

/** A number the code computed, written into the SQL text (no bound parameter: D1 has 100). */
function literal(value: number): SQL {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer: ${value}`);
  return sql.raw(String(value));
}

const rankOf = (status: SQL) =>
  sql`CASE ${status} ${sql.raw(
    Object.entries(STAGE_RANKS)
      .map(([stage, rank]) => `WHEN '${stage}' THEN ${rank}`)
      .join(' '),
  )} ELSE 0 END`;

const count = (value: unknown) => Number(value ?? 0);
const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

/** The place columns of `alias` a level groups by, and the same named for the select list. */
function placeColumns(by: LocationLevel, alias: string): { grouped: SQL; selected: SQL } {
  const fields = PLACE_FIELDS[by];
  return {
    grouped: sql.raw(fields.map((field) => `${alias}.${field}`).join(', ')),
    // D1 names an unaliased `s.country` after the whole expression.
    selected: sql.raw(fields.map((field) => `${alias}.${field} AS ${field}`).join(', ')),
  };
}

const placeOf = (row: Row): Place => ({
  country: text(row.country),
  region: text(row.region),
  city: text(row.city),
});

export function reportStore(runner: SqlRunner): ReportStore {
  const { dialect } = runner;
  const t = (ms: number) => timeParam(dialect, ms);
  const notBot = sql.raw(dialect === 'sqlite' ? 'e.bot = 0' : 'e.bot = false');
  const currentStatus = sql.raw(
    dialect === 'sqlite' ? `json_extract(o.data, '$.current')` : `o.data->>'current'`,
  );

  /**
   * `cohort` (id, created), `members` (member, lead_id, status, stage_at) and, unless
   * `reached` is false, `reached` (lead_id, stage): the common table expressions of the cohort.
   */
  function cohortTables(siteId: string, { from, to }: ReportWindow, reached = true): SQL {
    const tables = sql`WITH cohort AS (SELECT id, ${millis(dialect, 'created_at')} AS created FROM leads WHERE site_id = ${siteId} AND merged_into IS NULL AND created_at >= ${t(from)} AND created_at <= ${t(to)}), members AS (SELECT l.id AS member, COALESCE(l.merged_into, l.id) AS lead_id, l.status, ${millis(dialect, 'l.stage_at')} AS stage_at FROM leads l WHERE l.site_id = ${siteId} AND (l.id IN (SELECT id FROM cohort) OR l.merged_into IN (SELECT id FROM cohort)))`;
    if (!reached) return tables;
    return sql`${tables}, stages AS (SELECT lead_id, ${rankOf(sql`status`)} AS stage FROM members UNION ALL SELECT m.lead_id, ${rankOf(currentStatus)} FROM outbox o JOIN members m ON o.lead_id = m.member WHERE o.site_id = ${siteId} AND o.type = 'lead.status_changed' UNION ALL SELECT m.lead_id, ${rankOf(sql`c.stage`)} FROM conversions c JOIN members m ON c.lead_id = m.member WHERE c.site_id = ${siteId}), reached AS (SELECT lead_id, MAX(stage) AS stage FROM stages GROUP BY lead_id)`;
  }

  /** Sessions whose touch is in the window (a session starts at or before its touch). */
  const touchedIn = (siteId: string, { from, to }: ReportWindow) =>
    sql`s.site_id = ${siteId} AND s.started_at <= ${t(to)} AND s.touch_at >= ${t(from)} AND s.touch_at <= ${t(to)}`;

  /**
   * `first_touch` (lead_id, session_id): each cohort lead's earliest session with a touch that
   * was its own, as GET /v1/leads reads `firstTouch`.
   */
  const firstTouchTable = (siteId: string) =>
    sql`first_touch AS (SELECT c.id AS lead_id, (SELECT s.id FROM sessions s WHERE s.site_id = ${siteId} AND s.touch_at IS NOT NULL AND s.anonymous_id IN ${browsersOf(siteId, sql`c.id`)} AND ${ownerAt(siteId, 's', 'started_at')} = c.id ORDER BY s.touch_at, s.id LIMIT 1) AS session_id FROM cohort c)`;

  /** `durations` (id, ms): each cohort lead's time to first work, null when not worked yet. */
  function durationTables(siteId: string, window: ReportWindow): SQL {
    const crmStatuses = sql.raw(`('opportunity', 'customer', 'lost')`);
    return sql`${cohortTables(siteId, window, false)}, work AS (SELECT m.lead_id, ${millis(dialect, 'c.occurred_at')} AS at FROM conversions c JOIN members m ON c.lead_id = m.member WHERE c.site_id = ${siteId} UNION ALL SELECT m.lead_id, ${millis(dialect, 'o.occurred_at')} FROM outbox o JOIN members m ON o.lead_id = m.member WHERE o.site_id = ${siteId} AND o.type = 'lead.status_changed' AND ${currentStatus} IN ${crmStatuses} UNION ALL SELECT lead_id, stage_at FROM members WHERE stage_at IS NOT NULL), first_work AS (SELECT lead_id, MIN(at) AS at FROM work GROUP BY lead_id), durations AS (SELECT c.id, CASE WHEN w.at IS NULL THEN NULL WHEN w.at < c.created THEN 0 ELSE w.at - c.created END AS ms FROM cohort c LEFT JOIN first_work w ON w.lead_id = c.id)`;
  }

  return {
    async funnel(siteId, window) {
      const atLeast = (rank: number) =>
        sql`COALESCE(SUM(CASE WHEN stage >= ${literal(rank)} THEN 1 ELSE 0 END), 0)`;
      const [sessionRows, cohortRows] = await runner.allOf([
        sql`SELECT COUNT(*) AS n FROM sessions s WHERE ${touchedIn(siteId, window)}`,
        sql`${cohortTables(siteId, window)} SELECT COUNT(*) AS leads, ${atLeast(STAGE_RANKS.mql)} AS mql, ${atLeast(STAGE_RANKS.sql)} AS sql_, ${atLeast(STAGE_RANKS.opportunity)} AS opportunity, ${atLeast(STAGE_RANKS.customer)} AS customer FROM reached`,
      ]);
      const sessions = sessionRows?.[0];
      const cohort = cohortRows?.[0];
      return {
        sessions: count(sessions?.n),
        leads: count(cohort?.leads),
        mql: count(cohort?.mql),
        sql: count(cohort?.sql_),
        opportunity: count(cohort?.opportunity),
        customer: count(cohort?.customer),
      };
    },

    async eventSpan(siteId, { from, to }) {
      const edge = (order: 'ASC' | 'DESC') =>
        sql`(SELECT ${millis(dialect, 'occurred_at')} FROM events WHERE site_id = ${siteId} AND occurred_at >= ${t(from)} AND occurred_at <= ${t(to)} ORDER BY occurred_at ${sql.raw(order)} LIMIT 1)`;
      const [row] = await runner.all(
        sql`SELECT ${edge('ASC')} AS first_at, ${edge('DESC')} AS last_at`,
      );
      if (row?.first_at === null || row?.first_at === undefined) return null;
      return { first: Number(row.first_at), last: Number(row.last_at) };
    },

    async inquiries(siteId, { from, to }, stretchStarts) {
      const [instant, quarter] =
        dialect === 'sqlite'
          ? [sql.raw('e.occurred_at'), sql`e.occurred_at / ${literal(QUARTER_HOUR_MS)}`]
          : [
              millis(dialect, 'e.occurred_at'),
              sql`floor(extract(epoch from e.occurred_at) / ${literal(QUARTER_HOUR_MS / 1000)})::bigint`,
            ];
      const later = stretchStarts.slice(1);
      const stretch =
        later.length === 0
          ? sql`0`
          : sql`CASE ${sql.join(
              later.map((start, index) => sql`WHEN ms < ${literal(start)} THEN ${literal(index)}`),
              sql` `,
            )} ELSE ${literal(later.length)} END`;
      const rows = await runner.all(
        sql`SELECT ${stretch} AS stretch, q % ${literal(WEEK_SLOTS)} AS slot, type, COUNT(*) AS n FROM (SELECT e.type, ${instant} AS ms, ${quarter} AS q FROM events e WHERE e.site_id = ${siteId} AND ${notBot} AND e.type IN ('form_submit', 'call_click') AND e.occurred_at >= ${t(from)} AND e.occurred_at <= ${t(to)}) inquiries GROUP BY stretch, slot, type`,
      );
      return rows.map((row) => ({
        stretch: Number(row.stretch),
        slot: Number(row.slot),
        kind: row.type === 'form_submit' ? 'form' : 'call',
        count: Number(row.n),
      }));
    },

    async locations(siteId, window, by) {
      const sessionPlace = placeColumns(by, 's');
      const leadPlace = placeColumns(by, 'p');
      const customer = literal(STAGE_RANKS.customer);
      const firstPlace = sql`JOIN first_touch f ON f.lead_id = r.lead_id LEFT JOIN sessions p ON p.site_id = ${siteId} AND p.id = f.session_id`;
      const [sessions, leads, revenue] = await runner.allOf([
        sql`SELECT ${sessionPlace.selected}, COUNT(*) AS n FROM sessions s WHERE ${touchedIn(siteId, window)} GROUP BY ${sessionPlace.grouped}`,
        sql`${cohortTables(siteId, window)}, ${firstTouchTable(siteId)} SELECT ${leadPlace.selected}, COUNT(*) AS leads, SUM(CASE WHEN r.stage >= ${customer} THEN 1 ELSE 0 END) AS customers FROM reached r ${firstPlace} GROUP BY ${leadPlace.grouped}`,
        sql`${cohortTables(siteId, window, false)}, ${firstTouchTable(siteId)} SELECT ${leadPlace.selected}, c.currency AS currency, SUM(c.value_minor) AS minor FROM conversions c JOIN members r ON c.lead_id = r.member ${firstPlace} WHERE c.site_id = ${siteId} AND c.stage = 'customer' AND c.value_minor IS NOT NULL AND c.currency IS NOT NULL GROUP BY ${leadPlace.grouped}, c.currency`,
      ]);
      return {
        sessions: sessions!.map((row) => ({ ...placeOf(row), sessions: count(row.n) })),
        leads: leads!.map((row) => ({
          ...placeOf(row),
          leads: count(row.leads),
          customers: count(row.customers),
        })),
        revenue: revenue!.map((row) => ({
          ...placeOf(row),
          currency: String(row.currency),
          minor: count(row.minor),
        })),
      };
    },

    async speedToLead(siteId, window) {
      let lower = 0;
      const timed = SPEED_BUCKET_LIMITS.map(({ bucket, belowMinutes }) => {
        const upper = belowMinutes * 60_000;
        const column = sql`COALESCE(SUM(CASE WHEN ms >= ${literal(lower)} AND ms < ${literal(upper)} THEN 1 ELSE 0 END), 0) AS ${sql.raw(`b_${bucket}`)}`;
        lower = upper;
        return column;
      });
      const [row] = await runner.all(
        sql`${durationTables(siteId, window)} SELECT COUNT(*) AS leads, COUNT(ms) AS worked, ${sql.join(timed, sql`, `)} FROM durations`,
      );
      return {
        leads: count(row?.leads),
        worked: count(row?.worked),
        timed: Object.fromEntries(
          SPEED_BUCKET_LIMITS.map(({ bucket }) => [bucket, count(row?.[`b_${bucket}`])]),
        ) as SpeedCounts['timed'],
      };
    },

    async workDurationsAt(siteId, window, ranks) {
      if (ranks.length === 0) return new Map();
      const wanted = sql.join(ranks.map(literal), sql`, `);
      const rows = await runner.all(
        sql`${durationTables(siteId, window)} SELECT rn, ms FROM (SELECT ms, ROW_NUMBER() OVER (ORDER BY ms) AS rn FROM durations WHERE ms IS NOT NULL) ranked WHERE rn IN (${wanted})`,
      );
      return new Map(rows.map((row) => [Number(row.rn), Number(row.ms)]));
    },
  };
}
