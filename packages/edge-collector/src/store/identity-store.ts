import {
  DEFAULT_SCORING_RULES,
  type JsonObject,
  type ScoringRules,
  scoringRulesSchema,
} from '@leadloop/schema';
import { type SQL, sql } from 'drizzle-orm';
import type { Identifier } from '../core/identifiers.ts';
import type {
  DomainChange,
  IdentitySnapshot,
  LeadEvent,
  LeadRow,
  LeadUpdatePlan,
} from '../core/lead-update.ts';
import type { Merge } from '../core/stitching.ts';
import {
  erasureStatements,
  identifierOwnersQuery,
  identifiersOfLeadsQuery,
  identityHeadQuery,
  inList,
  isStaleWrite,
  jsonText,
  leadEventsQuery,
  leadsQuery,
  leadUpdateStatements,
  linksQuery,
  millis,
  rulesQuery,
  toIdentifierRow,
  toLeadRow,
  toVisitorLink,
  versionGuard,
} from './identity-sql.ts';
import type { Dialect } from './merge-sql.ts';
import type { IdentityScope, LeadParts, LeadStore } from './types.ts';

// The identity and scoring half of a Store, written once: each adapter says how it runs a query,
// several queries, and a transaction.

type Row = Record<string, unknown>;

export type SqlRunner = {
  dialect: Dialect;
  all(query: SQL): Promise<Row[]>;
  /** Runs reads together (one round trip on D1, one connection on Postgres). */
  allOf(queries: SQL[]): Promise<Row[][]>;
  /** Runs writes as one transaction, all or nothing. */
  transaction(statements: SQL[]): Promise<void>;
  /** Rows as the JSON parameters of inserts (chunked under D1's bound-string limit). */
  toJson(rows: unknown[][]): string[];
  /** Sessions of these browsers, as the Store returns them. */
  sessionsOf(siteId: string, anonymousIds: string[]): Promise<LeadParts['sessions']>;
};

/** A site's stored rules (JSON text or an object), or the defaults when it has none. */
function rulesFrom(stored: unknown): ScoringRules {
  if (stored === undefined || stored === null) return DEFAULT_SCORING_RULES;
  const parsed = scoringRulesSchema.safeParse(
    typeof stored === 'string' ? JSON.parse(stored) : stored,
  );
  // Rules are validated before they are stored; a row from a newer version falls back, not down.
  return parsed.success ? parsed.data : DEFAULT_SCORING_RULES;
}

const ids = (rows: Row[]) => rows.map((row) => String(row.lead_id));

export function identityStore(runner: SqlRunner): LeadStore {
  const { dialect } = runner;
  return {
    async anyLinked(siteId: string, anonymousIds: string[]): Promise<boolean> {
      if (anonymousIds.length === 0) return false;
      const rows = await runner.all(
        sql`SELECT 1 AS linked FROM visitor_links WHERE site_id = ${siteId} AND anonymous_id IN ${inList(dialect, anonymousIds)} LIMIT 1`,
      );
      return rows.length > 0;
    },

    async loadIdentity(siteId: string, scope: IdentityScope): Promise<IdentitySnapshot> {
      const [head] = await runner.all(
        identityHeadQuery(
          dialect,
          siteId,
          scope.anonymousIds,
          scope.identifiers,
          scope.suppressionHashes ?? [],
        ),
      );
      const list = (value: unknown) => JSON.parse(String(value ?? '[]')) as string[];
      const leadIds = [...new Set([...list(head?.linked), ...list(head?.owned), ...scope.leadIds])];
      const snapshot: IdentitySnapshot = {
        version: Number(head?.version ?? 0),
        rules: rulesFrom(head?.rules),
        suppressed: list(head?.suppressed),
        leads: [],
        identifiers: [],
        links: [],
      };
      if (leadIds.length === 0 && scope.anonymousIds.length === 0) return snapshot;
      const [leads, identifiers, links] = await runner.allOf([
        leadsQuery(dialect, siteId, leadIds),
        identifiersOfLeadsQuery(dialect, siteId, leadIds),
        linksQuery(dialect, siteId, scope.anonymousIds, leadIds),
      ]);
      snapshot.leads = leads!.map(toLeadRow).filter((lead) => lead.mergedInto === null);
      snapshot.identifiers = identifiers!.map(toIdentifierRow);
      snapshot.links = links!.map(toVisitorLink);
      return snapshot;
    },

    async loadLeadEvents(siteId: string, anonymousIds: string[]): Promise<LeadEvent[]> {
      if (anonymousIds.length === 0) return [];
      const rows = await runner.all(leadEventsQuery(dialect, siteId, anonymousIds));
      return rows.map((row) => {
        const payload = (
          typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload
        ) as JsonObject | null;
        const form = payload?.form as JsonObject | undefined;
        const traits = payload?.traits;
        return {
          id: String(row.id),
          type: String(row.type),
          anonymousId: String(row.anonymous_id),
          sessionId: String(row.session_id),
          occurredAt: Number(row.occurred_at),
          path: String(row.page_path),
          name: (row.name as string | null) ?? null,
          formId: typeof form?.id === 'string' ? form.id : null,
          formName: typeof form?.name === 'string' ? form.name : null,
          traits: traits && typeof traits === 'object' && !Array.isArray(traits) ? traits : null,
        };
      });
    },

    async commitLeadUpdate(siteId, expectedVersion, plan: LeadUpdatePlan): Promise<boolean> {
      try {
        await runner.transaction([
          versionGuard(siteId, expectedVersion),
          ...leadUpdateStatements(dialect, siteId, plan, runner.toJson),
        ]);
        return true;
      } catch (error) {
        if (isStaleWrite(error)) return false;
        throw error;
      }
    },

    async commitErasure(siteId, expectedVersion, plan, suppressionHashes, now): Promise<boolean> {
      try {
        await runner.transaction([
          versionGuard(siteId, expectedVersion),
          ...erasureStatements(dialect, siteId, plan, suppressionHashes, now, runner.toJson),
        ]);
        return true;
      } catch (error) {
        if (isStaleWrite(error)) return false;
        throw error;
      }
    },

    async listErasures(siteId: string) {
      const rows = await runner.all(
        sql`SELECT lead_id, ${millis(dialect, 'erased_at')} AS erased_at, ${jsonText(dialect, 'counts')} AS counts FROM erasures WHERE site_id = ${siteId} ORDER BY erased_at, lead_id`,
      );
      return rows.map((row) => ({
        leadId: String(row.lead_id),
        erasedAt: Number(row.erased_at),
        counts: typeof row.counts === 'string' ? JSON.parse(row.counts) : row.counts,
      }));
    },

    async getScoringRules(siteId: string): Promise<ScoringRules> {
      const [row] = await runner.all(rulesQuery(dialect, siteId));
      return rulesFrom(row?.rules);
    },

    async putScoringRules(siteId: string, rules: ScoringRules, now: number): Promise<void> {
      const json = JSON.stringify(rules);
      const time =
        dialect === 'sqlite' ? sql`${now}` : sql`to_timestamp(${now}::double precision / 1000)`;
      const value = dialect === 'sqlite' ? sql`${json}` : sql`${json}::jsonb`;
      await runner.transaction([
        sql`INSERT INTO scoring_rules (site_id, rules, updated_at) VALUES (${siteId}, ${value}, ${time}) ON CONFLICT (site_id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at`,
      ]);
    },

    async findLeads(siteId: string, leadIds: string[]): Promise<LeadRow[]> {
      if (leadIds.length === 0) return [];
      return (await runner.all(leadsQuery(dialect, siteId, leadIds))).map(toLeadRow);
    },

    async findLeadIdsByIdentifier(siteId: string, identifier: Identifier): Promise<string[]> {
      const query = identifierOwnersQuery(dialect, siteId, [identifier])!;
      return ids(await runner.all(query));
    },

    async listLiveLeadIds(siteId: string, after: string | null, limit: number): Promise<string[]> {
      const rows = await runner.all(
        sql`SELECT id FROM leads WHERE site_id = ${siteId} AND merged_into IS NULL AND id > ${after ?? ''} ORDER BY id LIMIT ${limit}`,
      );
      return rows.map((row) => String(row.id));
    },

    async loadLeadParts(siteId: string, leadIds: string[]): Promise<LeadParts> {
      if (leadIds.length === 0) return { identifiers: [], links: [], sessions: [] };
      const [identifiers, links] = await runner.allOf([
        identifiersOfLeadsQuery(dialect, siteId, leadIds),
        linksQuery(dialect, siteId, [], leadIds),
      ]);
      const visitorLinks = links!.map(toVisitorLink);
      const visitors = [...new Set(visitorLinks.map((link) => link.anonymousId))];
      const sessions = visitors.length === 0 ? [] : await runner.sessionsOf(siteId, visitors);
      return { identifiers: identifiers!.map(toIdentifierRow), links: visitorLinks, sessions };
    },

    async listOutbox(siteId: string): Promise<DomainChange[]> {
      const rows = await runner.all(
        sql`SELECT id, type, lead_id, ${millis(dialect, 'occurred_at')} AS occurred_at, ${jsonText(dialect, 'data')} AS data FROM outbox WHERE site_id = ${siteId} ORDER BY occurred_at, id`,
      );
      return rows.map((row) => ({
        id: String(row.id),
        type: String(row.type),
        leadId: (row.lead_id as string | null) ?? null,
        occurredAt: Number(row.occurred_at),
        data: typeof row.data === 'string' ? JSON.parse(row.data) : (row.data as JsonObject),
      }));
    },

    async listMerges(siteId: string): Promise<Merge[]> {
      const rows = await runner.all(
        sql`SELECT from_lead_id, into_lead_id, event_id, ${millis(dialect, 'merged_at')} AS merged_at FROM lead_merges WHERE site_id = ${siteId} ORDER BY merged_at, from_lead_id`,
      );
      return rows.map((row) => ({
        fromLeadId: String(row.from_lead_id),
        intoLeadId: String(row.into_lead_id),
        eventId: String(row.event_id),
        mergedAt: Number(row.merged_at),
      }));
    },
  };
}
