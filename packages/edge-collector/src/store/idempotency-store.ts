import type { SqlRunner } from './identity-store.ts';

// Answers kept for Idempotency-Key requests, written once over both databases like the lead store.

export type IdempotencyStore = {};

export function idempotencyStore(_runner: SqlRunner): IdempotencyStore {
  return {};
}
