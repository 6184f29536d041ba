import { describe, expect, it } from 'vitest';
import { generateKey, secretsEqual, sha256Hex, visiblePrefix } from './keys.ts';

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
