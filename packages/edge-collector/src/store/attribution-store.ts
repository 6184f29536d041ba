import type { AttributionConversion, AttributionGroup } from '@leadloop/schema';
import { type SQL, sql } from 'drizzle-orm';
import type { PathTouch, StoredPath } from '../core/attribution/index.ts';
import type { SpendKey } from '../core/attribution/spend.ts';
import { millis } from './identity-sql.ts';
import type { SqlRunner } from './identity-store.ts';
import type { Dialect } from './merge-sql.ts';
import { ownerAt } from './ownership-sql.ts';
import { numberOrNull, timeParam } from './sql-values.ts';

// What attribution reads, written once over both databases like the lead store. Everything that
// grows with traffic is either aggregated here (sessions per group, spend, the transitions of
// journeys that did not convert) or read a page of conversions at a time (their paths), so the
// Worker holds one page and one entry per group, never the site's events.
//
// A conversion's path: the touches (sessions' sources) of every browser of its lead that were the
// lead's then (the shared-device rule of ownership-sql.ts), at or before the conversion and inside
// the lookback window, oldest first. A lead conversion is the lead's creation; a CRM conversion
// belongs to the lead it was recorded on, or the lead that lead was merged into.

type Row = Record<string, unknown>;

export type PathQuery = {
  stage: AttributionConversion;
  groupBy: AttributionGroup;
  /** Inclusive bounds of the conversions' times (epoch ms). */
  from: number;
  to: number;
  lookbackMs: number;
};

/** Where a page of conversions ends: the next page starts after it. */
export type PathCursor = { at: number; id: string };

export type GroupTrafficRow = { group: string; sessions: number; visitors: number };

/** Counted transitions of journeys that did not convert (null: the start; `end`: no conversion). */
export type JourneyTransition = { from: string | null; to: string | null; count: number };

export interface AttributionStore {
  /** A page of conversions of `query.stage`, in (time, id) order after `after`, with their paths. */
  paths(
    siteId: string,
    query: PathQuery,
    after: PathCursor | null,
    limit: number,
  ): Promise<StoredPath[]>;
  /** Sessions with a touch in [from, to] per group, and the distinct browsers among them. */
  traffic(
    siteId: string,
    groupBy: AttributionGroup,
    from: number,
    to: number,
  ): Promise<{ groups: GroupTrafficRow[]; visitors: number }>;
  /** Spend in `currency` over the days [fromDay, toDay], per source / medium / campaign. */
  spend(
    siteId: string,
    currency: string,
    fromDay: string,
    toDay: string,
  ): Promise<(SpendKey & { amountMinor: number })[]>;
  /**
   * The currency most customer conversions in [from, to] carry, else the one most spend over
   * the days carries, else null.
   */
  reportCurrency(
    siteId: string,
    range: { from: number; to: number; fromDay: string; toDay: string },
  ): Promise<string | null>;
  /**
   * Channel transitions of the browsers with touches in [from, to] whose lead did not convert
   * at `stage` in that range: each browser's touches in order, ending without a conversion.
   */
  journeyTransitions(
    siteId: string,
    stage: AttributionConversion,
    from: number,
    to: number,
  ): Promise<JourneyTransition[]>;
}

/** A session column as its group key: URLs without query or fragment, a missing value `(not set)`. */
function groupKey(dialect: Dialect, groupBy: AttributionGroup): SQL {
  const column = (name: string) => sql.raw(`COALESCE(NULLIF(s.${name}, ''), '(not set)')`);
  switch (groupBy) {
    case 'landing_page': {
      if (dialect === 'pg')
        return sql.raw(`split_part(split_part(s.landing_page, '#', 1), '?', 1)`);
      const cut = (text: string, mark: string) =>
        `substr(${text}, 1, CASE WHEN instr(${text}, '${mark}') > 0 THEN instr(${text}, '${mark}') - 1 ELSE length(${text}) END)`;
      return sql.raw(cut(cut('s.landing_page', '#'), '?'));
    }
    case 'device':
      return column('device_type');
    default:
      return column(groupBy);
  }
}

/** `time − ms` for a time column. */
const minus = (dialect: Dialect, column: string, ms: number): SQL =>
  dialect === 'sqlite'
    ? sql`${sql.raw(column)} - ${ms}`
    : sql`${sql.raw(column)} - make_interval(secs => ${ms / 1000}::double precision)`;

export function attributionStore(runner: SqlRunner): AttributionStore {
  const { dialect } = runner;
  const t = (ms: number) => timeParam(dialect, ms);

  // The lead and those merged into it as a UNION of two indexed lookups: with `id = X OR
  // merged_into = X` SQLite scans the site's leads for every conversion of the page, and with
  // `lead_id = X OR lead_id IN (…)` both databases walk conversions by time instead (bench/attribution).
  const firstOpportunity = (siteId: string, lead: string) =>
    sql`(SELECT MIN(o.occurred_at) FROM conversions o WHERE o.site_id = ${siteId} AND o.stage = 'opportunity' AND o.lead_id IN (SELECT ${sql.raw(lead)} UNION ALL SELECT m.id FROM leads m WHERE m.site_id = ${siteId} AND m.merged_into = ${sql.raw(lead)}))`;

  /**
   * A page of conversions: id, lead, time, value, and the lead's creation and first opportunity.
   * The keyset repeats its time as a plain bound (`time >= after`) so the index range starts at
   * the cursor: an OR alone makes each page walk every earlier row again.
   */
  function conversionPage(
    siteId: string,
    query: PathQuery,
    after: PathCursor | null,
    limit: number,
  ): SQL {
    if (query.stage === 'lead') {
      const none = (type: string) => sql.raw(dialect === 'pg' ? `NULL::${type}` : 'NULL');
      const next = after
        ? sql` AND l.created_at >= ${t(after.at)} AND (l.created_at > ${t(after.at)} OR (l.created_at = ${t(after.at)} AND l.id > ${after.id}))`
        : sql``;
      return sql`SELECT l.id AS conversion_id, l.id AS lead_id, l.created_at AS at, ${none('bigint')} AS value_minor, ${none('text')} AS currency, l.created_at AS lead_created_at, ${none('timestamptz')} AS opportunity_at FROM leads l WHERE l.site_id = ${siteId} AND l.merged_into IS NULL AND l.created_at >= ${t(query.from)} AND l.created_at <= ${t(query.to)}${next} ORDER BY l.created_at, l.id LIMIT ${limit}`;
    }
    const next = after
      ? sql` AND c.occurred_at >= ${t(after.at)} AND (c.occurred_at > ${t(after.at)} OR (c.occurred_at = ${t(after.at)} AND c.id > ${after.id}))`
      : sql``;
    return sql`SELECT c.id AS conversion_id, lo.id AS lead_id, c.occurred_at AS at, c.value_minor, c.currency, lo.created_at AS lead_created_at, ${firstOpportunity(siteId, 'lo.id')} AS opportunity_at FROM conversions c JOIN leads l ON l.site_id = c.site_id AND l.id = c.lead_id JOIN leads lo ON lo.site_id = c.site_id AND lo.id = COALESCE(l.merged_into, l.id) WHERE c.site_id = ${siteId} AND c.stage = ${query.stage} AND c.occurred_at >= ${t(query.from)} AND c.occurred_at <= ${t(query.to)}${next} ORDER BY c.occurred_at, c.id LIMIT ${limit}`;
  }

  /** Lead ids (survivors) that converted at `stage` in [from, to]. */
  function converters(siteId: string, stage: AttributionConversion, from: number, to: number) {
    if (stage === 'lead')
      return sql`SELECT l.id FROM leads l WHERE l.site_id = ${siteId} AND l.merged_into IS NULL AND l.created_at >= ${t(from)} AND l.created_at <= ${t(to)}`;
    return sql`SELECT COALESCE(l.merged_into, l.id) FROM conversions c JOIN leads l ON l.site_id = c.site_id AND l.id = c.lead_id WHERE c.site_id = ${siteId} AND c.stage = ${stage} AND c.occurred_at >= ${t(from)} AND c.occurred_at <= ${t(to)}`;
  }

  /**
   * The conversion's touches as one JSON array of `[time, channel, group, session id]`: sessions
   * of the lead's browsers that were the lead's then, inside the window. One row per conversion
   * keeps a page small on the wire; the order is made in the Worker (code points, the same on
   * both databases whatever the collation). A browser linked only to this lead is the lead's
   * without the two ordered look-ups of the shared-device rule.
   */
  function touchesOf(siteId: string, groupBy: AttributionGroup, lookbackMs: number): SQL {
    const onlyThisLead = sql`NOT EXISTS (SELECT 1 FROM visitor_links o WHERE o.site_id = ${siteId} AND o.anonymous_id = s.anonymous_id AND o.lead_id <> page.lead_id)`;
    const conditions = sql`s.site_id = ${siteId} AND s.touch_at IS NOT NULL AND s.touch_at <= page.at AND s.touch_at >= ${minus(dialect, 'page.at', lookbackMs)} AND s.anonymous_id IN (SELECT v.anonymous_id FROM visitor_links v WHERE v.site_id = ${siteId} AND v.lead_id = page.lead_id) AND (${onlyThisLead} OR ${ownerAt(siteId, 's', 'started_at')} = page.lead_id)`;
    const key = groupKey(dialect, groupBy);
    return dialect === 'pg'
      ? sql`(SELECT json_agg(json_build_array(round(extract(epoch from s.touch_at) * 1000)::bigint, s.channel, ${key}, s.id))::text FROM sessions s WHERE ${conditions})`
      : sql`(SELECT json_group_array(json_array(s.touch_at, s.channel, ${key}, s.id)) FROM sessions s WHERE ${conditions})`;
  }

  return {
    async paths(siteId, query, after, limit) {
      const rows = await runner.all(
        sql`WITH page AS (${conversionPage(siteId, query, after, limit)}) SELECT page.conversion_id, ${millis(dialect, 'page.at')} AS at, page.value_minor, page.currency, ${millis(dialect, 'page.lead_created_at')} AS lead_created_at, ${millis(dialect, 'page.opportunity_at')} AS opportunity_at, ${touchesOf(siteId, query.groupBy, query.lookbackMs)} AS touches FROM page ORDER BY page.at, page.conversion_id`,
      );
      return (rows as Row[]).map(
        (row): StoredPath => ({
          id: String(row.conversion_id),
          at: Math.round(Number(row.at)),
          valueMinor: numberOrNull(row.value_minor),
          currency: (row.currency as string | null) ?? null,
          leadCreatedAt: roundedOrNull(row.lead_created_at),
          opportunityAt: roundedOrNull(row.opportunity_at),
          touches: touchesFrom(row.touches),
        }),
      );
    },

    async traffic(siteId, groupBy, from, to) {
      // Sessions and browsers per group, and the browsers over all groups (a browser can land
      // through several), from one read of the range: Postgres has grouping sets; SQLite counts
      // the (group, browser) pairs once and both totals from them.
      const key = groupKey(dialect, groupBy);
      const inRange = sql`s.site_id = ${siteId} AND s.touch_at IS NOT NULL AND s.touch_at >= ${t(from)} AND s.touch_at <= ${t(to)}`;
      const rows = await runner.all(
        dialect === 'pg'
          ? sql`SELECT ${key} AS group_key, GROUPING(${key}) AS whole, COUNT(*) AS sessions, COUNT(DISTINCT s.anonymous_id) AS visitors FROM sessions s WHERE ${inRange} GROUP BY GROUPING SETS ((${key}), ())`
          : sql`WITH pairs AS MATERIALIZED (SELECT ${key} AS group_key, s.anonymous_id, COUNT(*) AS n FROM sessions s WHERE ${inRange} GROUP BY 1, 2) SELECT group_key, 0 AS whole, SUM(n) AS sessions, COUNT(*) AS visitors FROM pairs GROUP BY group_key UNION ALL SELECT NULL, 1, NULL, COUNT(DISTINCT anonymous_id) FROM pairs`,
      );
      const groups: GroupTrafficRow[] = [];
      let visitors = 0;
      for (const row of rows) {
        if (Number(row.whole) === 1) visitors = Number(row.visitors);
        else
          groups.push({
            group: String(row.group_key),
            sessions: Number(row.sessions),
            visitors: Number(row.visitors),
          });
      }
      return { groups, visitors };
    },

    async spend(siteId, currency, fromDay, toDay) {
      const rows = await runner.all(
        sql`SELECT source, medium, campaign, SUM(amount_minor) AS amount_minor FROM costs WHERE site_id = ${siteId} AND currency = ${currency} AND day >= ${fromDay} AND day <= ${toDay} GROUP BY source, medium, campaign`,
      );
      return rows.map((row) => ({
        source: String(row.source),
        medium: String(row.medium),
        campaign: String(row.campaign),
        amountMinor: Number(row.amount_minor),
      }));
    },

    async reportCurrency(siteId, { from, to, fromDay, toDay }) {
      const [revenue, spent] = await runner.allOf([
        sql`SELECT currency, COUNT(*) AS n FROM conversions WHERE site_id = ${siteId} AND stage = 'customer' AND currency IS NOT NULL AND occurred_at >= ${t(from)} AND occurred_at <= ${t(to)} GROUP BY currency ORDER BY n DESC, currency LIMIT 1`,
        sql`SELECT currency, COUNT(*) AS n FROM costs WHERE site_id = ${siteId} AND day >= ${fromDay} AND day <= ${toDay} GROUP BY currency ORDER BY n DESC, currency LIMIT 1`,
      ]);
      const currency = revenue![0]?.currency ?? spent![0]?.currency;
      return currency === undefined || currency === null ? null : String(currency);
    },

    async journeyTransitions(siteId, stage, from, to) {
      // One journey per browser; consecutive touches of one channel are one state (a self-loop
      // would not change where a walk ends), as core/attribution/markov.ts counts them.
      const order = sql.raw('PARTITION BY browser ORDER BY touch_at, id');
      const rows = await runner.all(
        sql`WITH converted AS (${converters(siteId, stage, from, to)}), journeys AS (SELECT s.anonymous_id AS browser, s.channel, s.touch_at, s.id FROM sessions s WHERE s.site_id = ${siteId} AND s.touch_at IS NOT NULL AND s.touch_at >= ${t(from)} AND s.touch_at <= ${t(to)} AND NOT EXISTS (SELECT 1 FROM visitor_links v WHERE v.site_id = ${siteId} AND v.anonymous_id = s.anonymous_id AND v.lead_id IN (SELECT * FROM converted))), steps AS (SELECT channel, LAG(channel) OVER (${order}) AS previous, LEAD(channel) OVER (${order}) AS following FROM journeys) SELECT 'step' AS kind, previous AS from_state, channel AS to_state, COUNT(*) AS n FROM steps WHERE previous IS NULL OR previous <> channel GROUP BY previous, channel UNION ALL SELECT 'end' AS kind, channel AS from_state, NULL AS to_state, COUNT(*) AS n FROM steps WHERE following IS NULL GROUP BY channel`,
      );
      return rows.map((row) => ({
        from:
          row.kind === 'step' && (row.from_state === null || row.from_state === undefined)
            ? null
            : String(row.from_state),
        to: row.kind === 'end' ? null : String(row.to_state),
        count: Number(row.n),
      }));
    },
  };
}

type StoredTouch = [at: number, channel: string, group: string, sessionId: string];

/** The touches' JSON (null: none on Postgres), oldest first, ties in session id order. */
function touchesFrom(json: unknown): PathTouch[] {
  if (json === null || json === undefined) return [];
  const touches = JSON.parse(String(json)) as StoredTouch[];
  touches.sort(
    ([atA, , , idA], [atB, , , idB]) => atA - atB || (idA < idB ? -1 : idA > idB ? 1 : 0),
  );
  return touches.map(([at, channel, group]) => ({
    at,
    channel: String(channel),
    group: String(group),
  }));
}

function roundedOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Math.round(Number(value));
}
