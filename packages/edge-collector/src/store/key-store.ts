import type { SqlRunner } from './identity-store.ts';

// API keys of a site: create, list, revoke, look up (see the keys issue), written once over both databases like the lead store.

export type KeyStore = {};

export function keyStore(_runner: SqlRunner): KeyStore {
  return {};
}
