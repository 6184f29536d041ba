import { describe, expect, it } from 'vitest';
import {
  defaultScopes,
  generateKey,
  scopeForMethod,
  secretsEqual,
  sha256Hex,
  shouldRecordUse,
  visiblePrefix,
} from './keys.ts';

describe('keys', () => {
  it('generates distinct prefixed keys with 192 random bits', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateKey('secret')));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^sk_[A-Za-z0-9_-]{32}$/);
    expect(generateKey('write')).toMatch(/^pk_/);
  });

  it('shows only a short prefix', () => {
    expect(visiblePrefix('pk_abcdefghijklmnop')).toBe('pk_abcdef');
  });

  it('hashes with SHA-256', async () => {
    expect(await sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('compares secrets of any length', async () => {
    expect(await secretsEqual('token', 'token')).toBe(true);
    expect(await secretsEqual('token', 'tokem')).toBe(false);
    expect(await secretsEqual('token', 'token-and-more')).toBe(false);
  });
});

describe('scopes', () => {
  it('gives a secret key read and write, a write key nothing', () => {
    expect(defaultScopes('secret')).toEqual(['read', 'write']);
    expect(defaultScopes('write')).toEqual([]);
  });

  it.each([
    ['GET', 'read'],
    ['HEAD', 'read'],
    ['get', 'read'],
    ['POST', 'write'],
    ['PUT', 'write'],
    ['PATCH', 'write'],
    ['DELETE', 'write'],
  ])('needs %s → %s', (method, scope) => {
    expect(scopeForMethod(method)).toBe(scope);
  });
});

describe('last use', () => {
  const T = Date.parse('2026-11-23T10:00:00.000Z');

  it('records the first use, then at most once a minute', () => {
    expect(shouldRecordUse(null, T)).toBe(true);
    expect(shouldRecordUse(T, T + 59_999)).toBe(false);
    expect(shouldRecordUse(T, T + 60_000)).toBe(true);
  });
});
