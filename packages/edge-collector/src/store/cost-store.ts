import { sql } from 'drizzle-orm';
import type { CostKey, CostRow } from '../core/cost.ts';
import { millis } from './identity-sql.ts';
import type { SqlRunner } from './identity-store.ts';

// Daily ad spend per source / medium / campaign, written once over both databases like the lead
// store. Money is minor units; days are `YYYY-MM-DD` text, which sorts as time does.

type Row = Record<string, unknown>;

export type CostFilter = {
  /** Inclusive day bounds. */
  from?: string | undefined;
  to?: string | undefined;
  source?: string | undefined;
  medium?: string | undefined;
  campaign?: string | undefined;
};

export interface CostStore {
  /**
   * Writes each row over what its day and key held (amount and currency together), in one
   * transaction. The keys must be distinct.
   */
  upsert(siteId: string, rows: CostRow[]): Promise<void>;
  /** In key order (day, source, medium, campaign), after the cursor's key. */
  list(
    siteId: string,
    filter: CostFilter,
    after: CostKey | null,
    limit: number,
  ): Promise<CostRow[]>;
}

export function costStore(runner: SqlRunner): CostStore {
  const { dialect } = runner;

  // Rows travel as one JSON parameter per chunk (D1 binds at most 100 values per statement).
  const insert = (siteId: string, json: string) =>
    dialect === 'sqlite'
      ? sql`INSERT INTO costs (site_id, day, source, medium, campaign, amount_minor, currency, updated_at) SELECT ${siteId}, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]') FROM json_each(${json}) WHERE true ON CONFLICT (site_id, day, source, medium, campaign) DO UPDATE SET amount_minor = excluded.amount_minor, currency = excluded.currency, updated_at = excluded.updated_at`
      : sql`INSERT INTO costs (site_id, day, source, medium, campaign, amount_minor, currency, updated_at) SELECT ${siteId}, value->>0, value->>1, value->>2, value->>3, (value->>4)::bigint, value->>5, to_timestamp((value->>6)::double precision / 1000) FROM jsonb_array_elements(${json}::jsonb) AS value ON CONFLICT (site_id, day, source, medium, campaign) DO UPDATE SET amount_minor = excluded.amount_minor, currency = excluded.currency, updated_at = excluded.updated_at`;

  const toRow = (row: Row): CostRow => ({
    day: String(row.day),
    source: String(row.source),
    medium: String(row.medium),
    campaign: String(row.campaign),
    amountMinor: Number(row.amount_minor),
    currency: String(row.currency),
    updatedAt: Number(row.updated_at),
  });

  return {
    async upsert(siteId, rows) {
      if (rows.length === 0) return;
      const values = rows.map((row) => [
        row.day,
        row.source,
        row.medium,
        row.campaign,
        row.amountMinor,
        row.currency,
        row.updatedAt,
      ]);
      await runner.transaction(runner.toJson(values).map((json) => insert(siteId, json)));
    },

    async list(siteId, filter, after, limit) {
      const conditions = [sql`site_id = ${siteId}`];
      if (filter.from !== undefined) conditions.push(sql`day >= ${filter.from}`);
      if (filter.to !== undefined) conditions.push(sql`day <= ${filter.to}`);
      if (filter.source !== undefined) conditions.push(sql`source = ${filter.source}`);
      if (filter.medium !== undefined) conditions.push(sql`medium = ${filter.medium}`);
      if (filter.campaign !== undefined) conditions.push(sql`campaign = ${filter.campaign}`);
      if (after)
        conditions.push(
          sql`(day, source, medium, campaign) > (${after.day}, ${after.source}, ${after.medium}, ${after.campaign})`,
        );
      const rows = await runner.all(
        sql`SELECT day, source, medium, campaign, amount_minor, currency, ${millis(dialect, 'updated_at')} AS updated_at FROM costs WHERE ${sql.join(conditions, sql` AND `)} ORDER BY day, source, medium, campaign LIMIT ${limit}`,
      );
      return rows.map(toRow);
    },
  };
}
