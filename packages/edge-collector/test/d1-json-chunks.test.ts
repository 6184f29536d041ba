import { describe, expect, it } from 'vitest';
import { jsonChunks } from '../src/store/d1.ts';

describe('jsonChunks', () => {
  it('cuts rows into JSON arrays by UTF-8 bytes, under the limit D1 binds', () => {
    // 1,000 characters of CJK text are 3,000 bytes: by characters, three rows would seem to fit.
    const rows = Array.from({ length: 3 }, (_, index) => [index, '屋'.repeat(1000)]);
    const chunks = jsonChunks(rows, 4000);
    expect(chunks).toHaveLength(3);
    for (const chunk of chunks) expect(new TextEncoder().encode(chunk).length).toBeLessThan(4000);
    expect(chunks.flatMap((chunk) => JSON.parse(chunk))).toEqual(rows);
  });

  it('keeps a row larger than the limit whole, in a chunk of its own', () => {
    const rows = [
      [1, 'a'],
      [2, 'x'.repeat(50)],
      [3, 'b'],
    ];
    expect(jsonChunks(rows, 20).map((chunk) => JSON.parse(chunk))).toEqual([
      [[1, 'a']],
      [[2, 'x'.repeat(50)]],
      [[3, 'b']],
    ]);
  });
});
