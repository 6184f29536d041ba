import { describe, expect, it } from 'vitest';
import { utf8ByteLength } from './utf8.ts';

describe('utf8ByteLength', () => {
  it.each([
    ['', 0],
    ['a', 1],
    ['hello', 5],
    ['\u007f', 1], // last 1-byte code point
    ['\u0080', 2], // first 2-byte code point
    ['é', 2],
    ['\u07ff', 2], // last 2-byte code point
    ['\u0800', 3], // first 3-byte code point
    ['€', 3],
    ['日本', 6],
    ['\uffff', 3],
    ['😀', 4], // a surrogate pair: 2 UTF-16 units, 1 code point
    ['\u{10ffff}', 4],
    ['a€😀é', 10],
  ])('counts %j as %i bytes', (text, bytes) => {
    expect(utf8ByteLength(text)).toBe(bytes);
  });

  it('counts bytes, not UTF-16 units', () => {
    expect('€'.repeat(10)).toHaveLength(10);
    expect(utf8ByteLength('€'.repeat(10))).toBe(30);
    expect('😀'.repeat(10)).toHaveLength(20);
    expect(utf8ByteLength('😀'.repeat(10))).toBe(40);
  });

  // A lone surrogate is written as U+FFFD (3 bytes), as TextEncoder does.
  it.each([
    ['\ud800', 3], // high surrogate at the end
    ['\udc00', 3], // low surrogate on its own
    ['\udc00\ud800', 6], // low then high: not a pair
    ['\ud800a', 4], // high surrogate, then ASCII
    ['\ud800€', 6], // high surrogate, then a 3-byte character
    ['\ud800\ud800', 6], // two high surrogates
    ['\ud800\ud83d\ude00', 7], // lone high surrogate, then a real pair
  ])('counts the lone surrogate in %j as %i bytes', (text, bytes) => {
    expect(utf8ByteLength(text)).toBe(bytes);
  });

  it('matches JSON.stringify output, which escapes lone surrogates', () => {
    expect(JSON.stringify('\ud800')).toBe('"\\ud800"');
    expect(utf8ByteLength(JSON.stringify('\ud800'))).toBe(8);
    expect(utf8ByteLength(JSON.stringify({ note: '€😀' }))).toBe(18);
  });
});
