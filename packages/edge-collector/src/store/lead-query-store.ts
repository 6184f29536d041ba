import type { ConversionStage, JsonObject, LeadStatus } from '@leadloop/schema';
import { type SQL, sql } from 'drizzle-orm';
import type { LeadPosition, TimelinePosition } from '../core/list-cursor.ts';
import type { SessionTouch } from '../core/session-touch.ts';
import { TIMELINE_RANK, type TimelineSources } from '../core/timeline.ts';
import { inList, jsonText, millis } from './identity-sql.ts';
import type { SqlRunner } from './identity-store.ts';
import { browsersOf, ownerAt } from './ownership-sql.ts';
import { numberOrNull, parsedJson, timeParam } from './sql-values.ts';

// Reads behind the leads API: filtered lists and timelines, written once over both databases like
// the lead store. Times are epoch milliseconds in and out.

type Row = Record<string, unknown>;

/** What `GET /v1/leads` filters on; all given conditions hold. Identifiers come normalised. */
export type LeadFilter = {
  statuses?: readonly LeadStatus[] | undefined;
  minScore?: number | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  /** Channels the lead's first touch may have. */
  channels?: readonly string[] | undefined;
  /** Changed at or after (epoch ms). */
  updatedSince?: number | undefined;
};

export type LeadListPage = {
  order: LeadPosition['order'];
  after: LeadPosition | null;
  limit: number;
};

/** A listed lead: its id and the change time it was ordered by. */
export type LeadKey = { id: string; updatedAt: number };

export type LeadQueryStore = {
  /** Live leads matching the filter, by id or by last change (then id), after `after`. */
  listLeads(siteId: string, filter: LeadFilter, page: LeadListPage): Promise<LeadKey[]>;
  /**
   * A lead's timeline after `after`: each kind in time order, at most `limit` of each. Score and
   * status changes and conversions of leads merged into it are its too.
   */
  timeline(
    siteId: string,
    leadId: string,
    after: TimelinePosition | null,
    limit: number,
  ): Promise<TimelineSources>;
};

const parsed = (value: unknown): JsonObject => parsedJson<JsonObject | null>(value) ?? {};
const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

export function leadQueryStore(runner: SqlRunner): LeadQueryStore {
  const { dialect } = runner;
  const t = (ms: number) => timeParam(dialect, ms);
  const falsy = sql.raw(dialect === 'sqlite' ? '0' : 'false');

  /** The channel of the lead's first touch: its earliest session with one that was the lead's. */
  const firstChannel = (siteId: string) =>
    sql`(SELECT s.channel FROM sessions s WHERE s.site_id = ${siteId} AND s.touch_at IS NOT NULL AND s.anonymous_id IN ${browsersOf(siteId, sql`leads.id`)} AND ${ownerAt(siteId, 's', 'started_at')} = leads.id ORDER BY s.touch_at, s.id LIMIT 1)`;

  /** Rows of a kind ranked `rank` that sort after the cursor. */
  function after(position: TimelinePosition | null, rank: number, time: string, id: string): SQL {
    if (!position) return sql``;
    const [column, key] = [sql.raw(time), sql.raw(id)];
    if (rank < position.rank) return sql` AND ${column} > ${t(position.at)}`;
    if (rank > position.rank) return sql` AND ${column} >= ${t(position.at)}`;
    return sql` AND (${column} > ${t(position.at)} OR (${column} = ${t(position.at)} AND ${key} > ${position.id}))`;
  }

  return {
    async listLeads(siteId, filter, { order, after: from, limit }) {
      const conditions: SQL[] = [sql`site_id = ${siteId}`, sql`merged_into IS NULL`];
      if (filter.statuses) conditions.push(sql`status IN ${inList(dialect, filter.statuses)}`);
      // Postgres would read a fractional bound as the integer column's type, and refuse it.
      if (filter.minScore !== undefined)
        conditions.push(
          dialect === 'pg'
            ? sql`score >= ${filter.minScore}::float8`
            : sql`score >= ${filter.minScore}`,
        );
      for (const kind of ['email', 'phone'] as const) {
        const value = filter[kind];
        if (value !== undefined)
          conditions.push(
            sql`id IN (SELECT lead_id FROM lead_identifiers WHERE site_id = ${siteId} AND kind = ${kind} AND value = ${value})`,
          );
      }
      if (filter.updatedSince !== undefined)
        conditions.push(sql`updated_at >= ${t(filter.updatedSince)}`);
      if (filter.channels)
        conditions.push(sql`${firstChannel(siteId)} IN ${inList(dialect, filter.channels)}`);
      if (from?.order === 'id') conditions.push(sql`id > ${from.id}`);
      if (from?.order === 'updated')
        conditions.push(
          sql`updated_at >= ${t(from.updatedAt)} AND (updated_at > ${t(from.updatedAt)} OR (updated_at = ${t(from.updatedAt)} AND id > ${from.id}))`,
        );
      const orderBy = order === 'updated' ? sql`updated_at, id` : sql`id`;
      const rows = await runner.all(
        sql`SELECT id, ${millis(dialect, 'updated_at')} AS updated_at FROM leads WHERE ${sql.join(conditions, sql` AND `)} ORDER BY ${orderBy} LIMIT ${limit}`,
      );
      return rows.map((row) => ({
        id: String(row.id),
        updatedAt: Math.round(Number(row.updated_at)),
      }));
    },

    async timeline(siteId, leadId, position, limit) {
      const take = sql`LIMIT ${limit}`;
      const mine = browsersOf(siteId, sql`${leadId}`);
      // The lead and those merged into it (merges are flattened: one hop).
      // Written as an OR of two indexed lookups: `IN (… id = X OR merged_into = X)` scans the site's leads.
      const ofLeadOrMerged = sql`(lead_id = ${leadId} OR lead_id IN (SELECT id FROM leads WHERE site_id = ${siteId} AND merged_into = ${leadId}))`;
      const [touches, events, changes, conversions] = await runner.allOf([
        sql`SELECT s.id, s.anonymous_id, ${millis(dialect, 's.touch_at')} AS touch_at, s.channel, s.source, s.medium, s.campaign, s.term, s.content, s.click_id_type, s.click_id, s.referrer_domain, s.landing_page, s.country, s.region, s.city, s.device_type FROM sessions s WHERE s.site_id = ${siteId} AND s.touch_at IS NOT NULL AND s.anonymous_id IN ${mine} AND ${ownerAt(siteId, 's', 'started_at')} = ${leadId}${after(position, TIMELINE_RANK.touch, 's.touch_at', 's.id')} ORDER BY s.touch_at, s.id ${take}`,
        sql`SELECT e.id, e.type, e.anonymous_id, e.session_id, ${millis(dialect, 'e.occurred_at')} AS occurred_at, e.page_url, e.page_path, e.page_title, e.referrer, e.name, ${jsonText(dialect, 'e.payload')} AS payload FROM events e WHERE e.site_id = ${siteId} AND e.bot = ${falsy} AND e.anonymous_id IN ${mine} AND ${ownerAt(siteId, 'e', 'occurred_at')} = ${leadId}${after(position, TIMELINE_RANK.event, 'e.occurred_at', 'e.id')} ORDER BY e.occurred_at, e.id ${take}`,
        sql`SELECT id, type, lead_id, ${millis(dialect, 'occurred_at')} AS occurred_at, ${jsonText(dialect, 'data')} AS data FROM outbox WHERE site_id = ${siteId} AND type IN ('lead.score_changed', 'lead.status_changed') AND ${ofLeadOrMerged}${after(position, TIMELINE_RANK.score, 'occurred_at', 'id')} ORDER BY occurred_at, id ${take}`,
        sql`SELECT id, stage, value_minor, currency, ${millis(dialect, 'occurred_at')} AS occurred_at, external_id, request_hash, ${jsonText(dialect, 'properties')} AS properties, ${millis(dialect, 'created_at')} AS created_at FROM conversions WHERE site_id = ${siteId} AND ${ofLeadOrMerged}${after(position, TIMELINE_RANK.conversion, 'occurred_at', 'id')} ORDER BY occurred_at, id ${take}`,
      ]);
      const ms = (value: unknown) => Math.round(Number(value));
      return {
        touches: touches!.map((row: Row) => ({
          sessionId: String(row.id),
          anonymousId: String(row.anonymous_id),
          at: ms(row.touch_at),
          touch: {
            channel: String(row.channel),
            source: String(row.source),
            medium: String(row.medium),
            campaign: text(row.campaign),
            term: text(row.term),
            content: text(row.content),
            clickIdType: text(row.click_id_type),
            clickId: text(row.click_id),
            referrerDomain: text(row.referrer_domain),
            landingPage: String(row.landing_page),
            country: text(row.country),
            region: text(row.region),
            city: text(row.city),
            deviceType: text(row.device_type),
          } as SessionTouch,
        })),
        events: events!.map((row: Row) => ({
          id: String(row.id),
          type: row.type as TimelineSources['events'][number]['type'],
          anonymousId: String(row.anonymous_id),
          sessionId: String(row.session_id),
          occurredAt: ms(row.occurred_at),
          pageUrl: String(row.page_url),
          pagePath: String(row.page_path),
          pageTitle: text(row.page_title),
          referrer: text(row.referrer),
          name: text(row.name),
          payload: parsed(row.payload),
        })),
        changes: changes!.map((row: Row) => ({
          id: String(row.id),
          type: String(row.type),
          leadId: text(row.lead_id),
          occurredAt: ms(row.occurred_at),
          data: parsed(row.data),
        })),
        // Those of leads merged into it are the survivor's, as GET /v1/conversions shows them.
        conversions: conversions!.map((row: Row) => ({
          siteId,
          id: String(row.id),
          leadId,
          stage: row.stage as ConversionStage,
          valueMinor: numberOrNull(row.value_minor),
          currency: text(row.currency),
          occurredAt: ms(row.occurred_at),
          externalId: text(row.external_id),
          requestHash: String(row.request_hash),
          properties: parsed(row.properties),
          createdAt: ms(row.created_at),
        })),
      };
    },
  };
}
