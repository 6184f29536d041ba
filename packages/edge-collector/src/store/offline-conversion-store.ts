import type { OfflineConversionStage } from '@leadloop/schema';
import { type SQL, sql } from 'drizzle-orm';
import {
  GOOGLE_CLICK_ID_TYPES,
  GOOGLE_CLICK_WINDOW_MS,
  type OfflineConversionRow,
} from '../core/offline-conversions.ts';
import { inList, millis } from './identity-sql.ts';
import type { SqlRunner } from './identity-store.ts';
import type { Dialect } from './merge-sql.ts';
import { ownerAt } from './ownership-sql.ts';
import { numberOrNull, timeParam } from './sql-values.ts';

// Conversions with the ad click that brought them, for ad platforms' offline conversion imports,
// written once over both databases. A conversion's click is the latest Google touch of its lead
// at or before it and inside Google's 90-day window, among the sessions that were the lead's:
// those of its browsers, owned as store/lead-query-store.ts reads ownership (a browser's session
// at T is the lead's of the browser's latest link at or before T, else of its earliest link).
// A merged lead's conversions count as the survivor's, whose browsers its own became.

type Row = Record<string, unknown>;

export type OfflineConversionFilter = {
  stage: OfflineConversionStage;
  /** Inclusive bounds of the conversion time (epoch ms). */
  from: number;
  to: number;
};

/** Where a page ends: the last conversion's time and id. */
export type OfflineConversionCursor = { occurredAt: number; id: string };

export interface OfflineConversionStore {
  /**
   * Conversions of the stage in the range, oldest first (then by id), after `after`, at most
   * `limit`, each with its latest Google click in the window or null; those without one are
   * listed too, so a page of fewer than `limit` rows is the last.
   */
  page(
    siteId: string,
    filter: OfflineConversionFilter,
    after: OfflineConversionCursor | null,
    limit: number,
  ): Promise<OfflineConversionRow[]>;
  /** How many conversions of the stage in the range have no gclid to send (none, or iOS only). */
  countWithoutGclid(siteId: string, filter: OfflineConversionFilter): Promise<number>;
}

/** A time column moved back by `ms`, in the column's own type. */
const earlier = (dialect: Dialect, column: SQL, ms: number) =>
  dialect === 'sqlite'
    ? sql`(${column} - ${sql.raw(String(ms))})`
    : sql`(${column} - interval '${sql.raw(String(ms / 1000))} seconds')`;

export function offlineConversionStore(runner: SqlRunner): OfflineConversionStore {
  const { dialect } = runner;
  const t = (ms: number) => timeParam(dialect, ms);

  /**
   * The conversions as `(id, occurred_at, owner, value_minor, currency)`: CRM outcomes of the
   * stage, or for `lead` each live lead at its first identification.
   */
  function conversions(
    siteId: string,
    filter: OfflineConversionFilter,
    page: (time: SQL, id: SQL) => SQL,
  ): SQL {
    if (filter.stage === 'lead')
      return sql`SELECT l.id, l.created_at AS occurred_at, l.id AS owner, NULL AS value_minor, NULL AS currency FROM leads l WHERE l.site_id = ${siteId} AND l.merged_into IS NULL AND l.created_at >= ${t(filter.from)} AND l.created_at <= ${t(filter.to)}${page(sql`l.created_at`, sql`l.id`)}`;
    return sql`SELECT c.id, c.occurred_at, COALESCE(l.merged_into, c.lead_id) AS owner, c.value_minor, c.currency FROM conversions c LEFT JOIN leads l ON l.site_id = c.site_id AND l.id = c.lead_id WHERE c.site_id = ${siteId} AND c.stage = ${filter.stage} AND c.occurred_at >= ${t(filter.from)} AND c.occurred_at <= ${t(filter.to)}${page(sql`c.occurred_at`, sql`c.id`)}`;
  }

  /** `type:id` of the latest Google click of `src.owner` in the window before `src.occurred_at`. */
  const googleClick = (siteId: string) => {
    const owner = ownerAt(siteId, 'g', 'started_at');
    return sql`(SELECT g.click_id_type || ':' || g.click_id FROM sessions g WHERE g.site_id = ${siteId} AND g.click_id_type IN ${inList(dialect, GOOGLE_CLICK_ID_TYPES)} AND g.click_id IS NOT NULL AND g.touch_at <= src.occurred_at AND g.touch_at >= ${earlier(dialect, sql`src.occurred_at`, GOOGLE_CLICK_WINDOW_MS)} AND g.anonymous_id IN (SELECT v.anonymous_id FROM visitor_links v WHERE v.site_id = ${siteId} AND v.lead_id = src.owner) AND ${owner} = src.owner ORDER BY g.touch_at DESC, g.id DESC LIMIT 1)`;
  };

  const toRow = (row: Row): OfflineConversionRow => {
    const click = typeof row.google_click === 'string' ? row.google_click : null;
    const colon = click?.indexOf(':') ?? -1;
    return {
      id: String(row.id),
      occurredAt: Math.round(Number(row.occurred_at)),
      valueMinor: numberOrNull(row.value_minor),
      currency: (row.currency as string | null) ?? null,
      click:
        click === null || colon < 0
          ? null
          : { type: click.slice(0, colon), id: click.slice(colon + 1) },
    };
  };

  return {
    async page(siteId, filter, after, limit) {
      const page = (time: SQL, id: SQL) =>
        sql`${after ? sql` AND ${time} >= ${t(after.occurredAt)} AND (${time} > ${t(after.occurredAt)} OR (${time} = ${t(after.occurredAt)} AND ${id} > ${after.id}))` : sql``} ORDER BY ${time}, ${id} LIMIT ${limit}`;
      const rows = await runner.all(
        sql`SELECT src.id, ${millis(dialect, 'src.occurred_at')} AS occurred_at, src.value_minor, src.currency, ${googleClick(siteId)} AS google_click FROM (${conversions(siteId, filter, page)}) src ORDER BY src.occurred_at, src.id`,
      );
      return rows.map(toRow);
    },

    async countWithoutGclid(siteId, filter) {
      const [row] = await runner.all(
        sql`SELECT COUNT(*) AS skipped FROM (SELECT ${googleClick(siteId)} AS google_click FROM (${conversions(siteId, filter, () => sql``)}) src) x WHERE x.google_click IS NULL OR x.google_click NOT LIKE 'gclid:%'`,
      );
      return Number(row?.skipped ?? 0);
    },
  };
}
