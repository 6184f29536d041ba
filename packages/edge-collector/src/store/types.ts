import type { Site } from '@leadloop/schema';
import type { IngestPlan, SessionUpsert, StoredEvent, VisitorUpsert } from '../core/ingest-plan.ts';
import type { KeyKind } from '../core/keys.ts';
import type { VisitorTouch } from '../core/visitor-touches.ts';

export type NewApiKey = { id: string; kind: KeyKind; prefix: string; hash: string };

export type NewSite = Omit<Site, 'createdAt'> & { createdAt: Date };

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

/** Everything the collector keeps, behind one interface with a D1 and a Postgres adapter. */
export interface Store {
  /** Creates the site, its origins and its keys together, or nothing. */
  createSite(site: NewSite, keys: NewApiKey[]): Promise<Site>;
  /** The site owning an unrevoked key of this kind with this SHA-256 hash. */
  findSiteByKey(kind: KeyKind, hash: string): Promise<Site | null>;
  /** The sites with these ids (unknown ids are left out). */
  findSites(ids: string[]): Promise<Site[]>;
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
