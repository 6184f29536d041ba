import type { Site } from '@leadloop/schema';
import { apiKeys, events, siteOrigins, sites } from '@leadloop/schema/db/sqlite';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';
import type { EventRecord } from '../core/event-record.ts';
import type { KeyKind } from '../core/keys.ts';
import { normaliseOrigin } from '../core/origins.ts';
import type { NewApiKey, NewSite, Store } from './types.ts';

// D1 binds at most 100 parameters per statement.
const D1_MAX_PARAMETERS = 100;
const EVENT_COLUMNS = 13;
const EVENTS_PER_STATEMENT = Math.floor(D1_MAX_PARAMETERS / EVENT_COLUMNS);

type SiteRow = typeof sites.$inferSelect;

function toSite(row: SiteRow): Site {
  return {
    id: row.id,
    name: row.name,
    allowedOrigins: row.allowedOrigins,
    timezone: row.timezone,
    defaultCountry: row.defaultCountry,
    createdAt: row.createdAt.toISOString(),
  };
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

export class D1Store implements Store {
  private readonly db: DrizzleD1Database;

  constructor(database: D1Database) {
    this.db = drizzle(database);
  }

  async createSite(site: NewSite, keys: NewApiKey[]): Promise<Site> {
    const origins = [...new Set(site.allowedOrigins.map(normaliseOrigin))];
    const [inserted] = await this.db.batch([
      this.db.insert(sites).values(site).returning(),
      ...origins.map((origin) => this.db.insert(siteOrigins).values({ siteId: site.id, origin })),
      ...keys.map((key) =>
        this.db.insert(apiKeys).values({ ...key, siteId: site.id, createdAt: site.createdAt }),
      ),
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

  async anySiteAllowsOrigin(patterns: string[]): Promise<boolean> {
    const [row] = await this.db
      .select({ siteId: siteOrigins.siteId })
      .from(siteOrigins)
      .where(inArray(siteOrigins.origin, patterns))
      .limit(1);
    return row !== undefined;
  }

  async insertEvents(records: EventRecord[]): Promise<number> {
    const statements = chunk(records, EVENTS_PER_STATEMENT).map((rows) =>
      this.db
        .insert(events)
        .values(
          rows.map((row) => ({
            ...row,
            occurredAt: new Date(row.occurredAt),
            receivedAt: new Date(row.receivedAt),
          })),
        )
        .onConflictDoNothing()
        .returning({ id: events.id }),
    );
    const [first, ...rest] = statements;
    if (!first) return 0;
    const results = await this.db.batch([first, ...rest]);
    return results.reduce((total, inserted) => total + inserted.length, 0);
  }
}
