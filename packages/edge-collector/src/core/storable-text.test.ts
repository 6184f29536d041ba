import { describe, expect, it } from 'vitest';
import { storableJson, storableText } from './storable-text.ts';

describe('storable text', () => {
  it('replaces NULs and lone surrogates, and keeps pairs and everything else', () => {
    expect(storableText('a\0b')).toBe('a\uFFFDb');
    expect(storableText('x\uD800')).toBe('x\uFFFD');
    expect(storableText('\uDC00y')).toBe('\uFFFDy');
    expect(storableText('storm 🌩️ doors')).toBe('storm 🌩️ doors');
    expect(storableText('plain')).toBe('plain');
  });

  it('cleans every string and key of a parsed body in place, however deep', () => {
    const body = JSON.parse(
      '{"traits":{"name":"Ada\\u0000","tags":["ok","\\ud800"],"a\\u0000":3},"n":1,"k":null}',
    );
    expect(storableJson(body)).toEqual({
      traits: { name: 'Ada\uFFFD', tags: ['ok', '\uFFFD'], 'a\uFFFD': 3 },
      n: 1,
      k: null,
    });
    let deep: unknown = '\0';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    let inner = storableJson(deep);
    for (let i = 0; i < 200_000; i++) inner = (inner as unknown[])[0];
    expect(inner).toBe('\uFFFD');
    expect(storableJson('\uD800')).toBe('\uFFFD');
  });
});
