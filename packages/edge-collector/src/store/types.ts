import type { ScoringRules, Site } from '@leadloop/schema';
import type { ErasurePlan } from '../core/erasure.ts';
import type { Identifier } from '../core/identifiers.ts';
import type { IngestPlan, SessionUpsert, StoredEvent, VisitorUpsert } from '../core/ingest-plan.ts';
import type { KeyKind } from '../core/keys.ts';
import type {
  DomainChange,
  IdentitySnapshot,
  LeadEvent,
  LeadRow,
  LeadUpdatePlan,
} from '../core/lead-update.ts';
import type { IdentifierRow, Merge, VisitorLink } from '../core/stitching.ts';
import type { VisitorTouch } from '../core/visitor-touches.ts';
import type { AttributionStore } from './attribution-store.ts';
import type { ConversionStore } from './conversion-store.ts';
import type { CostStore } from './cost-store.ts';
import type { IdempotencyStore } from './idempotency-store.ts';
import type { KeyStore } from './key-store.ts';
import type { LeadQueryStore } from './lead-query-store.ts';
import type { OfflineConversionStore } from './offline-conversion-store.ts';
import type { ReportStore } from './report-store.ts';
import type { RetentionStore } from './retention-store.ts';
import type { WebhookStore } from './webhook-store.ts';

export type NewApiKey = { id: string; kind: KeyKind; prefix: string; hash: string };

export type NewSite = Omit<Site, 'createdAt' | 'ignoredIdentifiers'> & {
  createdAt: Date;
  ignoredIdentifiers?: string[];
};

/** A queue message that could not be stored, kept with the reason so nothing accepted is lost. */
export type QuarantineEntry = {
  id: string;
  siteId: string | null;
  eventId: string | null;
  reason: string;
  /** The message body as JSON text, cut to 64 KB. */
  body: string;
  quarantinedAt: number;
};

export type StoredSession = SessionUpsert;
export type StoredVisitor = VisitorUpsert & {
  firstTouch: VisitorTouch | null;
  /** The latest touch that came from somewhere: never `Direct`. */
  lastTouch: VisitorTouch | null;
};

/** What a batch touches: its browsers, the identifiers it carries, leads to rescore. */
export type IdentityScope = {
  anonymousIds: string[];
  identifiers: Identifier[];
  leadIds: string[];
  /** Hashes of the identifiers, to learn which belong to erased people. */
  suppressionHashes?: string[];
};

/** What a lead's view is built from besides its row. */
export type LeadParts = {
  identifiers: IdentifierRow[];
  /** Every link of every browser ever linked to the leads. */
  links: VisitorLink[];
  /** Those browsers' sessions. */
  sessions: StoredSession[];
};

/** Leads: identity stitching and scoring state, read at a version and written only if current. */
export interface LeadStore {
  /** Whether any of these browsers was ever identified (the cheap question anonymous traffic asks). */
  anyLinked(siteId: string, anonymousIds: string[]): Promise<boolean>;
  /** The site's identity state around a batch, with the version it was read at. */
  loadIdentity(siteId: string, scope: IdentityScope): Promise<IdentitySnapshot>;
  /** Every non-bot event of these browsers, as scoring reads them. */
  loadLeadEvents(siteId: string, anonymousIds: string[]): Promise<LeadEvent[]>;
  /**
   * Writes a lead update and its domain changes in one transaction if the site's identity state
   * is still at `expectedVersion`; false (nothing written) when another write came first.
   */
  commitLeadUpdate(siteId: string, expectedVersion: number, plan: LeadUpdatePlan): Promise<boolean>;
  /**
   * Erases a lead and the leads merged into it (see core/erasure.ts), suppresses its identifiers
   * and keeps an audit entry, in one transaction, if the identity state is still at
   * `expectedVersion`.
   */
  commitErasure(
    siteId: string,
    expectedVersion: number,
    plan: ErasurePlan,
    suppressionHashes: string[],
    now: number,
  ): Promise<boolean>;
  listErasures(
    siteId: string,
  ): Promise<{ leadId: string; erasedAt: number; counts: Record<string, number> }[]>;
  /** The site's scoring rules: the defaults until it stores its own. */
  getScoringRules(siteId: string): Promise<ScoringRules>;
  putScoringRules(siteId: string, rules: ScoringRules, now: number): Promise<void>;
  /** Lead rows by id, merged ones included (with `mergedInto`). */
  findLeads(siteId: string, leadIds: string[]): Promise<LeadRow[]>;
  findLeadIdsByIdentifier(siteId: string, identifier: Identifier): Promise<string[]>;
  /** Ids of leads not merged away, in id order after `after`. */
  listLiveLeadIds(siteId: string, after: string | null, limit: number): Promise<string[]>;
  loadLeadParts(siteId: string, leadIds: string[]): Promise<LeadParts>;
  /** Domain changes in time order (the outbox webhooks are delivered from). */
  listOutbox(siteId: string): Promise<DomainChange[]>;
  listMerges(siteId: string): Promise<Merge[]>;
}

/** Everything the collector keeps, behind one interface with a D1 and a Postgres adapter. */
export interface Store {
  /** Leads: identity stitching and scoring (one implementation over both databases' SQL). */
  readonly leads: LeadStore;
  /** Webhook subscriptions, deliveries and their log (one implementation over both databases). */
  readonly webhooks: WebhookStore;
  /** API keys: create, list, revoke, find by hash. */
  readonly keys: KeyStore;
  /** CRM outcomes pushed through the API. */
  readonly conversions: ConversionStore;
  /** Daily ad spend. */
  readonly costs: CostStore;
  /** Answers kept for `Idempotency-Key` requests. */
  readonly idempotency: IdempotencyStore;
  /** Reads behind the leads API: filtered lists, timelines. */
  readonly leadQueries: LeadQueryStore;
  /** Conversion paths and the aggregates attribution reports join them with. */
  readonly attribution: AttributionStore;
  /** Aggregate reports: funnel, inquiries by hour of week, locations, speed to lead. */
  readonly reports: ReportStore;
  /** Conversions with their ad click ids, for ad platforms' offline conversion imports. */
  readonly offlineConversions: OfflineConversionStore;
  /** Per-site retention and the daily purge of activity older than it. */
  readonly retention: RetentionStore;
  /**
   * Runs `work` with a store whose operations share one database connection, for a request that
   * makes many round trips (an export reads hundreds of pages): on Postgres behind Hyperdrive each
   * operation otherwise opens its own. D1 has no connections to share: `work` gets this store.
   */
  withConnection<T>(work: (store: Store) => Promise<T>): Promise<T>;
  /** Creates the site, its origins and its keys together, or nothing. */
  createSite(site: NewSite, keys: NewApiKey[]): Promise<Site>;
  /** The site owning an unrevoked key of this kind with this SHA-256 hash. */
  findSiteByKey(kind: KeyKind, hash: string): Promise<Site | null>;
  /** The sites with these ids (unknown ids are left out). */
  findSites(ids: string[]): Promise<Site[]>;
  /** Every site's id, in id order. */
  listSiteIds(): Promise<string[]>;
  /** Whether any site admits one of these allowed-origin patterns. */
  anySiteAllowsOrigin(patterns: string[]): Promise<boolean>;
  /**
   * Writes a batch's events, sessions and visitors in one transaction, all or nothing. An event id
   * already stored for its site is skipped and every merge is order-independent, so a retried or
   * redelivered batch never doubles or rewinds anything. Returns how many events were new.
   */
  ingest(plan: IngestPlan): Promise<number>;
  /** Keeps messages that cannot be stored, with their reason. */
  quarantine(entries: QuarantineEntry[]): Promise<void>;

  /** A site's events in time order (optionally one visitor's). */
  listEvents(siteId: string, anonymousId?: string): Promise<StoredEvent[]>;
  /** A visitor's sessions in start order. */
  listSessions(siteId: string, anonymousId: string): Promise<StoredSession[]>;
  findVisitor(siteId: string, anonymousId: string): Promise<StoredVisitor | null>;
  /** What was quarantined for a site (or for no known site, with `null`), oldest first. */
  listQuarantine(siteId: string | null): Promise<QuarantineEntry[]>;
}
