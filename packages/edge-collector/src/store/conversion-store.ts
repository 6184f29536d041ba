import type { SqlRunner } from './identity-store.ts';

// CRM outcomes (conversions) pushed through the API, written once over both databases like the lead store.

export type ConversionStore = {};

export function conversionStore(_runner: SqlRunner): ConversionStore {
  return {};
}
