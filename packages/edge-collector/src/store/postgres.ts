import type { Site } from '@leadloop/schema';
import {
  apiKeys,
  events,
  quarantine,
  sessions,
  siteOrigins,
  sites,
  visitors,
} from '@leadloop/schema/db/pg';
import { and, asc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { IngestPlan, StoredEvent } from '../core/ingest-plan.ts';
import type { KeyKind } from '../core/keys.ts';
import { normaliseOrigin } from '../core/origins.ts';
import { type AttributionStore, attributionStore } from './attribution-store.ts';
import { type ConversionStore, conversionStore } from './conversion-store.ts';
import { type CostStore, costStore } from './cost-store.ts';
import { type IdempotencyStore, idempotencyStore } from './idempotency-store.ts';
import { inList } from './identity-sql.ts';
import { identityStore, type SqlRunner } from './identity-store.ts';
import { firstKeyRow, type KeyStore, keyStore } from './key-store.ts';
import { type LeadQueryStore, leadQueryStore } from './lead-query-store.ts';
import { ingestStatements, rowsJson } from './merge-sql.ts';
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

type Database = PostgresJsDatabase;

/**
 * A database handle for one piece of work. On Workers a connection belongs to the request that
 * opened it, so an HTTP request opens one per operation through Hyperdrive (which pools the real
 * connections) and a queue batch one for the whole batch; in Node one long-lived pool serves
 * every operation.
 */
export type Connect = (() => { db: Database; release(): Promise<void> }) & {
  /** One connection for a unit of work, ended with it (absent: operations already share). */
  forWork?: () => Connect & { end(): Promise<void> };
};

// How long closing waits for a connection to finish politely: one cut mid-transaction never
// answers, and an operation must not hang on it (postgres.js then drops the socket).
const END_TIMEOUT_SECONDS = 2;

/** Connections through a Hyperdrive binding (or any URL), one per operation. */
export function connectPerOperation(url: string): Connect {
  const connect = () => {
    const client = postgres(url, { max: 1, fetch_types: false, prepare: false });
    return { db: drizzle(client), release: () => client.end({ timeout: END_TIMEOUT_SECONDS }) };
  };
  return Object.assign(connect, { forWork: () => connectForWork(url) });
}

/**
 * One connection through a Hyperdrive binding for a unit of work that makes many operations (a
 * queue batch), reused by each of them until `end()`.
 */
export function connectForWork(url: string): Connect & { end(): Promise<void> } {
  const client = postgres(url, { max: 1, fetch_types: false, prepare: false });
  const db = drizzle(client);
  const connect = () => ({ db, release: async () => {} });
  return Object.assign(connect, { end: () => client.end({ timeout: END_TIMEOUT_SECONDS }) });
}

/** One pool for a long-lived process (tests, benchmarks, a Node server). */
export function connectPool(url: string, max = 10): Connect & { end(): Promise<void> } {
  const client = postgres(url, { max, fetch_types: false, onnotice: () => {} });
  const db = drizzle(client);
  const connect = () => ({ db, release: async () => {} });
  return Object.assign(connect, { end: () => client.end({ timeout: END_TIMEOUT_SECONDS }) });
}

export class PostgresStore implements Store {
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

  constructor(private readonly connect: Connect) {
    const runner = this.runner();
    this.leads = identityStore(runner);
    this.webhooks = webhookStore(runner);
    this.keys = keyStore(runner);
    this.conversions = conversionStore(runner);
    this.costs = costStore(runner);
    this.idempotency = idempotencyStore(runner);
    this.leadQueries = leadQueryStore(runner);
    this.attribution = attributionStore(runner);
    this.reports = reportStore(runner);
    this.offlineConversions = offlineConversionStore(runner);
    this.retention = retentionStore(runner);
  }

  async withConnection<T>(work: (store: Store) => Promise<T>): Promise<T> {
    const connection = this.connect.forWork?.();
    if (!connection) return work(this);
    try {
      return await work(new PostgresStore(connection));
    } finally {
      await connection.end();
    }
  }

  /** How the shared identity queries run here: on one connection, writes in a transaction. */
  private runner(): SqlRunner {
    const rows = (result: unknown) => result as Record<string, unknown>[];
    return {
      dialect: 'pg',
      all: (query: SQL) => this.use(async (db) => rows(await db.execute(query))),
      allOf: (queries: SQL[]) =>
        this.use(async (db) => {
          const results: Record<string, unknown>[][] = [];
          for (const query of queries) results.push(rows(await db.execute(query)));
          return results;
        }),
      transaction: (statements: SQL[]) =>
        this.use((db) =>
          db.transaction(async (tx) => {
            for (const statement of statements) await tx.execute(statement);
          }),
        ),
      toJson: (json) => [rowsJson(json)],
      sessionsOf: (siteId: string, anonymousIds: string[]) =>
        this.use(async (db) =>
          (
            await db
              .select()
              .from(sessions)
              .where(
                and(
                  eq(sessions.siteId, siteId),
                  sql`${sessions.anonymousId} IN ${inList('pg', anonymousIds)}`,
                ),
              )
          ).map(toStoredSession),
        ),
    };
  }

  private async use<T>(work: (db: Database) => Promise<T>): Promise<T> {
    const { db, release } = this.connect();
    try {
      return await work(db);
    } finally {
      await release();
    }
  }

  createSite(site: NewSite, keys: NewApiKey[]): Promise<Site> {
    const origins = [...new Set(site.allowedOrigins.map(normaliseOrigin))];
    return this.use((db) =>
      db.transaction(async (tx) => {
        const [inserted] = await tx.insert(sites).values(site).returning();
        if (origins.length > 0)
          await tx
            .insert(siteOrigins)
            .values(origins.map((origin) => ({ siteId: site.id, origin })));
        if (keys.length > 0)
          await tx.insert(apiKeys).values(keys.map((key) => firstKeyRow(key, site)));
        return toSite(inserted!);
      }),
    );
  }

  findSiteByKey(kind: KeyKind, hash: string): Promise<Site | null> {
    return this.use(async (db) => {
      const [row] = await db
        .select({ site: sites })
        .from(apiKeys)
        .innerJoin(sites, eq(sites.id, apiKeys.siteId))
        .where(and(eq(apiKeys.hash, hash), eq(apiKeys.kind, kind), isNull(apiKeys.revokedAt)))
        .limit(1);
      return row ? toSite(row.site) : null;
    });
  }

  findSites(ids: string[]): Promise<Site[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.use(async (db) =>
      (await db.select().from(sites).where(inArray(sites.id, ids))).map(toSite),
    );
  }

  listSiteIds(): Promise<string[]> {
    return this.use(async (db) =>
      (await db.select({ id: sites.id }).from(sites).orderBy(asc(sites.id))).map((row) => row.id),
    );
  }

  anySiteAllowsOrigin(patterns: string[]): Promise<boolean> {
    return this.use(async (db) => {
      const [row] = await db
        .select({ siteId: siteOrigins.siteId })
        .from(siteOrigins)
        .where(inArray(siteOrigins.origin, patterns))
        .limit(1);
      return row !== undefined;
    });
  }

  ingest(plan: IngestPlan): Promise<number> {
    const { eventInserts, merges } = ingestStatements('pg', plan, (rows) => [rowsJson(rows)]);
    if (eventInserts.length === 0) return Promise.resolve(0);
    return this.use((db) =>
      db.transaction(async (tx) => {
        let inserted = 0;
        for (const statement of eventInserts) inserted += (await tx.execute(statement)).length;
        for (const statement of merges) await tx.execute(statement);
        return inserted;
      }),
    );
  }

  async quarantine(entries: QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.use((db) =>
      db
        .insert(quarantine)
        .values(
          entries.map((entry) => ({ ...entry, quarantinedAt: new Date(entry.quarantinedAt) })),
        )
        .onConflictDoNothing(),
    );
  }

  listEvents(siteId: string, anonymousId?: string): Promise<StoredEvent[]> {
    return this.use(async (db) => {
      const rows = await db
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
    });
  }

  listSessions(siteId: string, anonymousId: string): Promise<StoredSession[]> {
    return this.use(async (db) => {
      const rows = await db
        .select()
        .from(sessions)
        .where(and(eq(sessions.siteId, siteId), eq(sessions.anonymousId, anonymousId)))
        .orderBy(asc(sessions.startedAt));
      return rows.map(toStoredSession);
    });
  }

  findVisitor(siteId: string, anonymousId: string): Promise<StoredVisitor | null> {
    return this.use(async (db) => {
      const [row] = await db
        .select()
        .from(visitors)
        .where(and(eq(visitors.siteId, siteId), eq(visitors.anonymousId, anonymousId)));
      if (!row) return null;
      return toStoredVisitor(row, await this.listSessions(siteId, anonymousId));
    });
  }

  listQuarantine(siteId: string | null): Promise<QuarantineEntry[]> {
    return this.use(async (db) => {
      const rows = await db
        .select()
        .from(quarantine)
        .where(siteId === null ? isNull(quarantine.siteId) : eq(quarantine.siteId, siteId))
        .orderBy(asc(quarantine.quarantinedAt), asc(quarantine.id));
      return rows.map(toQuarantineEntry);
    });
  }
}
