import type { ApiKeyScope } from '@leadloop/schema';

// API keys: random, shown once, stored only as SHA-256 hashes.

export type KeyKind = 'write' | 'secret';

const PREFIX: Record<KeyKind, string> = { write: 'pk_', secret: 'sk_' };
/** Characters of a key kept in clear to recognise it in lists (prefix + 6). */
const VISIBLE_CHARACTERS = 9;

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A new key: `pk_` or `sk_` followed by 32 characters of 192 random bits. */
export function generateKey(kind: KeyKind): string {
  return PREFIX[kind] + base64url(crypto.getRandomValues(new Uint8Array(24)));
}

export function visiblePrefix(key: string): string {
  return key.slice(0, VISIBLE_CHARACTERS);
}

export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Compares two secrets in time independent of where they differ (hashing first fixes the length). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [left, right] = await Promise.all([sha256Hex(a), sha256Hex(b)]);
  let difference = 0;
  for (let index = 0; index < left.length; index++) {
    difference |= left.charCodeAt(index) ^ right.charCodeAt(index);
  }
  return difference === 0;
}

/** A short random identifier for rows we create (`site_…`, `key_…`). */
export function generateId(prefix: string): string {
  return `${prefix}_${base64url(crypto.getRandomValues(new Uint8Array(12)))}`;
}

/**
 * The scopes a key is created with when none are asked for: a secret key reads and writes; a write
 * key has none, since it only sends events to /v1/collect and sits in every page's source.
 */
export function defaultScopes(kind: KeyKind): ApiKeyScope[] {
  return kind === 'secret' ? ['read', 'write'] : [];
}

/** The name the keys made with a site get. */
export const FIRST_KEY_NAME = 'Default';

/** The scope a REST request needs: reading for GET and HEAD, writing for anything else. */
export function scopeForMethod(method: string): ApiKeyScope {
  const upper = method.toUpperCase();
  return upper === 'GET' || upper === 'HEAD' ? 'read' : 'write';
}

/** `last_used_at` is kept to the minute: enough to tell a key in use from a forgotten one. */
export const LAST_USE_RESOLUTION_MS = 60_000;

/** Whether a request at `now` should record the key's use (at most once a minute). */
export function shouldRecordUse(lastUsedAt: number | null, now: number): boolean {
  return lastUsedAt === null || now - lastUsedAt >= LAST_USE_RESOLUTION_MS;
}
