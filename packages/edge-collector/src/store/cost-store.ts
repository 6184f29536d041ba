import type { SqlRunner } from './identity-store.ts';

// Daily ad spend per source / medium / campaign, written once over both databases like the lead store.

export type CostStore = {};

export function costStore(_runner: SqlRunner): CostStore {
  return {};
}
