import { type Site, utf8ByteLength } from '@leadloop/schema';
import {
  apiKeys,
  events,
  quarantine,
  sessions,
  siteOrigins,
  sites,
  visitors,
} from '@leadloop/schema/db/sqlite';
import { and, asc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import type { IngestPlan, StoredEvent } from '../core/ingest-plan.ts';
import type { KeyKind } from '../core/keys.ts';
import { normaliseOrigin } from '../core/origins.ts';
import { type AttributionStore, attributionStore } from './attribution-store.ts';
import { type ConversionStore, conversionStore } from './conversion-store.ts';
import { type CostStore, costStore } from './cost-store.ts';
import { type IdempotencyStore, idempotencyStore } from './idempotency-store.ts';
import { inList } from './identity-sql.ts';
import { identityStore } from './identity-store.ts';
import { firstKeyRow, type KeyStore, keyStore } from './key-store.ts';
import { type LeadQueryStore, leadQueryStore } from './lead-query-store.ts';
import { ingestStatements, rowJson } from './merge-sql.ts';
import { type OfflineConversionStore, offlineConversionStore } from './offline-conversion-store.ts';
import { type ReportStore, reportStore } from './report-store.ts';
import { type RetentionStore, retentionStore } from './retention-store.ts';
import {
  toQuarantineEntry,
  toSite,
  toStoredEvent,
  toStoredSession,
  toStoredVisitor,
} from './rows.ts';
import type {
  LeadStore,
  NewApiKey,
  NewSite,
  QuarantineEntry,
  Store,
  StoredSession,
  StoredVisitor,
} from './types.ts';
import { type WebhookStore, webhookStore } from './webhook-store.ts';

// D1 binds at most 100 parameters per statement and has no BEGIN. Each kind of row therefore
// travels as one JSON parameter that SQLite's json_each expands, and one db.batch() makes the
// statements a single transaction. D1 caps a bound string at 2 MB: rows go in chunks of ~1 MB.
const MAX_JSON_BYTES = 1_000_000;

/** Rows as JSON arrays, in chunks that stay under D1's bound-string limit (in UTF-8 bytes). */
export function jsonChunks(rows: unknown[][], maxBytes = MAX_JSON_BYTES): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const row of rows) {
    const json = rowJson(row);
    const size = utf8ByteLength(json) + 1;
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(`[${current.join(',')}]`);
      current = [];
      bytes = 0;
    }
    current.push(json);
    bytes += size;
  }
  if (current.length > 0) chunks.push(`[${current.join(',')}]`);
  return chunks;
}

/** How the shared identity queries run on D1: reads in one batch, writes in one batch. */
function d1Runner(database: D1Database, db: DrizzleD1Database) {
  const dialect = new SQLiteSyncDialect();
  const prepare = (query: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    return database.prepare(text).bind(...params);
  };
  return {
    dialect: 'sqlite' as const,
    prepare,
    all: async (query: SQL) => (await prepare(query).all<Record<string, unknown>>()).results,
    allOf: async (queries: SQL[]) =>
      (await database.batch<Record<string, unknown>>(queries.map(prepare))).map(
        (result) => result.results,
      ),
    transaction: async (statements: SQL[]) => {
      await database.batch(statements.map(prepare));
    },
    toJson: (rows: unknown[][]) => jsonChunks(rows),
    sessionsOf: async (siteId: string, anonymousIds: string[]) =>
      (
        await db
          .select()
          .from(sessions)
          .where(
            and(
              eq(sessions.siteId, siteId),
              sql`${sessions.anonymousId} IN ${inList('sqlite', anonymousIds)}`,
            ),
          )
      ).map(toStoredSession),
  };
}

export class D1Store implements Store {
  private readonly db: DrizzleD1Database;
  private readonly runner: ReturnType<typeof d1Runner>;
  readonly leads: LeadStore;
  readonly webhooks: WebhookStore;
  readonly keys: KeyStore;
  readonly conversions: ConversionStore;
  readonly costs: CostStore;
  readonly idempotency: IdempotencyStore;
  readonly leadQueries: LeadQueryStore;
  readonly attribution: AttributionStore;
  readonly reports: ReportStore;
  readonly offlineConversions: OfflineConversionStore;
  readonly retention: RetentionStore;

  constructor(private readonly database: D1Database) {
    this.db = drizzle(database);
    this.runner = d1Runner(database, this.db);
    this.leads = identityStore(this.runner);
    this.webhooks = webhookStore(this.runner);
    this.keys = keyStore(this.runner);
    this.conversions = conversionStore(this.runner);
    this.costs = costStore(this.runner);
    this.idempotency = idempotencyStore(this.runner);
    this.leadQueries = leadQueryStore(this.runner);
    this.attribution = attributionStore(this.runner);
    this.reports = reportStore(this.runner);
    this.offlineConversions = offlineConversionStore(this.runner);
    this.retention = retentionStore(this.runner);
  }

  withConnection<T>(work: (store: Store) => Promise<T>): Promise<T> {
    return work(this);
  }

  async createSite(site: NewSite, keys: NewApiKey[]): Promise<Site> {
    const origins = [...new Set(site.allowedOrigins.map(normaliseOrigin))];
    const [inserted] = await this.db.batch([
      this.db.insert(sites).values(site).returning(),
      ...origins.map((origin) => this.db.insert(siteOrigins).values({ siteId: site.id, origin })),
      ...keys.map((key) => this.db.insert(apiKeys).values(firstKeyRow(key, site))),
    ]);
    return toSite(inserted[0]!);
  }

  async findSiteByKey(kind: KeyKind, hash: string): Promise<Site | null> {
    const [row] = await this.db
      .select({ site: sites })
      .from(apiKeys)
      .innerJoin(sites, eq(sites.id, apiKeys.siteId))
      .where(and(eq(apiKeys.hash, hash), eq(apiKeys.kind, kind), isNull(apiKeys.revokedAt)))
      .limit(1);
    return row ? toSite(row.site) : null;
  }

  async findSites(ids: string[]): Promise<Site[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.select().from(sites).where(inArray(sites.id, ids));
    return rows.map(toSite);
  }

  async listSiteIds(): Promise<string[]> {
    const rows = await this.db.select({ id: sites.id }).from(sites).orderBy(asc(sites.id));
    return rows.map((row) => row.id);
  }

  async anySiteAllowsOrigin(patterns: string[]): Promise<boolean> {
    const [row] = await this.db
      .select({ siteId: siteOrigins.siteId })
      .from(siteOrigins)
      .where(inArray(siteOrigins.origin, patterns))
      .limit(1);
    return row !== undefined;
  }

  async ingest(plan: IngestPlan): Promise<number> {
    const { eventInserts, merges } = ingestStatements('sqlite', plan, jsonChunks);
    if (eventInserts.length === 0) return 0;
    // One batch: one transaction.
    const results = await this.database.batch(
      [...eventInserts, ...merges].map(this.runner.prepare),
    );
    return results
      .slice(0, eventInserts.length)
      .reduce((total, result) => total + result.results.length, 0);
  }

  async quarantine(entries: QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const [first, ...rest] = entries.map((entry) =>
      this.db
        .insert(quarantine)
        .values({ ...entry, quarantinedAt: new Date(entry.quarantinedAt) })
        .onConflictDoNothing(),
    );
    await this.db.batch([first!, ...rest]);
  }

  async listEvents(siteId: string, anonymousId?: string): Promise<StoredEvent[]> {
    const rows = await this.db
      .select()
      .from(events)
      .where(
        and(
          eq(events.siteId, siteId),
          anonymousId === undefined ? undefined : eq(events.anonymousId, anonymousId),
        ),
      )
      .orderBy(asc(events.occurredAt), asc(events.id));
    return rows.map(toStoredEvent);
  }

  async listSessions(siteId: string, anonymousId: string): Promise<StoredSession[]> {
    const rows = await this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.siteId, siteId), eq(sessions.anonymousId, anonymousId)))
      .orderBy(asc(sessions.startedAt));
    return rows.map(toStoredSession);
  }

  async findVisitor(siteId: string, anonymousId: string): Promise<StoredVisitor | null> {
    const [row] = await this.db
      .select()
      .from(visitors)
      .where(and(eq(visitors.siteId, siteId), eq(visitors.anonymousId, anonymousId)));
    if (!row) return null;
    return toStoredVisitor(row, await this.listSessions(siteId, anonymousId));
  }

  async listQuarantine(siteId: string | null): Promise<QuarantineEntry[]> {
    const rows = await this.db
      .select()
      .from(quarantine)
      .where(siteId === null ? isNull(quarantine.siteId) : eq(quarantine.siteId, siteId))
      .orderBy(asc(quarantine.quarantinedAt), asc(quarantine.id));
    return rows.map(toQuarantineEntry);
  }
}
