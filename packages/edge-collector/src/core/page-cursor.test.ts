import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './page-cursor.ts';

describe('page cursors', () => {
  it('round-trip the sort key of a row, any text included', () => {
    const key = ['2026-11-23', 'google', 'cpc', 'Sommer – Rabatt 20 % 🌞'];
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, ['string', 'string', 'string', 'string'])).toEqual(key);
    expect(
      decodeCursor(encodeCursor([1_795_000_000_000, 'conv_1']), ['integer', 'string']),
    ).toEqual([1_795_000_000_000, 'conv_1']);
  });

  it('refuse anything that is not a cursor of the expected shape', () => {
    const kinds = ['integer', 'string'] as const;
    expect(decodeCursor('not a cursor!', kinds)).toBeNull();
    expect(decodeCursor('e30', kinds)).toBeNull(); // {}
    expect(decodeCursor(encodeCursor([1, 'a', 'b']), kinds)).toBeNull();
    expect(decodeCursor(encodeCursor(['1', 'a']), kinds)).toBeNull();
    expect(decodeCursor(encodeCursor([1.5, 'a']), kinds)).toBeNull();
    expect(decodeCursor('_w', kinds)).toBeNull(); // not UTF-8
  });
});
