import type { SqlRunner } from './identity-store.ts';

// Reads behind the leads API: filtered lists and timelines, written once over both databases like the lead store.

export type LeadQueryStore = {};

export function leadQueryStore(_runner: SqlRunner): LeadQueryStore {
  return {};
}
