import type { Site } from '@leadloop/schema';
import type { EventRecord } from '../core/event-record.ts';
import type { KeyKind } from '../core/keys.ts';

export type NewApiKey = { id: string; kind: KeyKind; prefix: string; hash: string };

export type NewSite = Omit<Site, 'createdAt'> & { createdAt: Date };

/** Everything the collector keeps, behind one interface with a D1 and a Postgres adapter. */
export interface Store {
  /** Creates the site, its origins and its keys together, or nothing. */
  createSite(site: NewSite, keys: NewApiKey[]): Promise<Site>;
  /** The site owning an unrevoked key of this kind with this SHA-256 hash. */
  findSiteByKey(kind: KeyKind, hash: string): Promise<Site | null>;
  /** Whether any site admits one of these allowed-origin patterns. */
  anySiteAllowsOrigin(patterns: string[]): Promise<boolean>;
  /**
   * Writes events all together or not at all; an event id already stored for its site is skipped,
   * so a retried batch never doubles anything. Returns how many were new.
   */
  insertEvents(events: EventRecord[]): Promise<number>;
}
