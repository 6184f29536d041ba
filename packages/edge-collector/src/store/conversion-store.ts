import type { ConversionStage, JsonObject } from '@leadloop/schema';
import { type SQL, sql } from 'drizzle-orm';
import type { ConversionRow } from '../core/conversion.ts';
import { jsonText, millis } from './identity-sql.ts';
import type { SqlRunner } from './identity-store.ts';
import { jsonParam, numberOrNull, parsedJson, timeParam } from './sql-values.ts';

// CRM outcomes (conversions) pushed through the API, written once over both databases like the
// lead store. Times are epoch milliseconds in and out; money is minor units.

type Row = Record<string, unknown>;

export type ConversionFilter = {
  /** A live lead's id: its conversions and those of the leads merged into it. */
  leadId?: string | undefined;
  stage?: ConversionStage | undefined;
  /** Inclusive `occurredAt` bounds. */
  from?: number | undefined;
  to?: number | undefined;
};

export interface ConversionStore {
  /**
   * Stores a conversion unless its `externalId` is taken: then nothing is written and the
   * conversion holding it comes back, with `created: false`.
   */
  insert(row: ConversionRow): Promise<{ created: boolean; row: ConversionRow }>;
  get(siteId: string, id: string): Promise<ConversionRow | null>;
  findByExternalId(siteId: string, externalId: string): Promise<ConversionRow | null>;
  /** Newest `occurredAt` first (then id, descending), after the cursor's row. */
  list(
    siteId: string,
    filter: ConversionFilter,
    before: { occurredAt: number; id: string } | null,
    limit: number,
  ): Promise<ConversionRow[]>;
  delete(siteId: string, id: string): Promise<void>;
}

export function conversionStore(runner: SqlRunner): ConversionStore {
  const { dialect } = runner;
  const t = (ms: number) => timeParam(dialect, ms);
  // A merged lead's conversions answer with the survivor: merges are flattened to one hop.
  const select = sql`SELECT c.site_id, c.id, COALESCE(l.merged_into, c.lead_id) AS lead_id, c.stage, c.value_minor, c.currency, ${millis(dialect, 'c.occurred_at')} AS occurred_at, c.external_id, c.request_hash, ${jsonText(dialect, 'c.properties')} AS properties, ${millis(dialect, 'c.created_at')} AS created_at FROM conversions c LEFT JOIN leads l ON l.site_id = c.site_id AND l.id = c.lead_id`;

  const toRow = (row: Row): ConversionRow => ({
    siteId: String(row.site_id),
    id: String(row.id),
    leadId: String(row.lead_id),
    stage: row.stage as ConversionStage,
    valueMinor: numberOrNull(row.value_minor),
    currency: (row.currency as string | null) ?? null,
    occurredAt: Number(row.occurred_at),
    externalId: (row.external_id as string | null) ?? null,
    requestHash: String(row.request_hash),
    properties: parsedJson<JsonObject>(row.properties),
    createdAt: Number(row.created_at),
  });

  const one = async (where: SQL) => {
    const [row] = await runner.all(sql`${select} WHERE ${where}`);
    return row ? toRow(row) : null;
  };
  const byExternalId = (siteId: string, externalId: string) =>
    one(sql`c.site_id = ${siteId} AND c.external_id = ${externalId}`);

  return {
    async insert(row) {
      const inserted = await runner.all(
        sql`INSERT INTO conversions (site_id, id, lead_id, stage, value_minor, currency, occurred_at, external_id, request_hash, properties, created_at) VALUES (${row.siteId}, ${row.id}, ${row.leadId}, ${row.stage}, ${row.valueMinor}, ${row.currency}, ${t(row.occurredAt)}, ${row.externalId}, ${row.requestHash}, ${jsonParam(dialect, row.properties)}, ${t(row.createdAt)}) ON CONFLICT (site_id, external_id) DO NOTHING RETURNING id`,
      );
      if (inserted.length > 0 || row.externalId === null) return { created: true, row };
      const holder = await byExternalId(row.siteId, row.externalId);
      if (!holder) throw new Error(`conversion ${row.externalId} conflicted but is not there`);
      return { created: false, row: holder };
    },

    get: (siteId, id) => one(sql`c.site_id = ${siteId} AND c.id = ${id}`),

    findByExternalId: byExternalId,

    async list(siteId, filter, before, limit) {
      const conditions = [sql`c.site_id = ${siteId}`];
      if (filter.leadId !== undefined)
        conditions.push(
          sql`(c.lead_id = ${filter.leadId} OR c.lead_id IN (SELECT id FROM leads WHERE site_id = ${siteId} AND merged_into = ${filter.leadId}))`,
        );
      if (filter.stage !== undefined) conditions.push(sql`c.stage = ${filter.stage}`);
      if (filter.from !== undefined) conditions.push(sql`c.occurred_at >= ${t(filter.from)}`);
      if (filter.to !== undefined) conditions.push(sql`c.occurred_at <= ${t(filter.to)}`);
      if (before)
        conditions.push(
          sql`c.occurred_at <= ${t(before.occurredAt)} AND (c.occurred_at < ${t(before.occurredAt)} OR (c.occurred_at = ${t(before.occurredAt)} AND c.id < ${before.id}))`,
        );
      const rows = await runner.all(
        sql`${select} WHERE ${sql.join(conditions, sql` AND `)} ORDER BY c.occurred_at DESC, c.id DESC LIMIT ${limit}`,
      );
      return rows.map(toRow);
    },

    async delete(siteId, id) {
      await runner.transaction([
        sql`DELETE FROM conversions WHERE site_id = ${siteId} AND id = ${id}`,
      ]);
    },
  };
}
