import { describe, expect, it } from 'vitest';
import { CREDIT_SCALE, creditsOf, quantise, splitAmount } from './credit.ts';

describe('splitAmount (largest remainder)', () => {
  it('gives each part its floor, then the units left to the largest remainders', () => {
    // 10 × 1/3 = 3.33 | 10 × 2/3 = 6.67 → floors 3 + 6 = 9, the one left goes to .67
    expect(splitAmount(10, [1n, 2n])).toEqual([3, 7]);
    // 100 / 3 = 33.33 each → 99, the one left goes to the first of three equal remainders
    expect(splitAmount(100, [1n, 1n, 1n])).toEqual([34, 33, 33]);
    // 1999 cents × (1/7, 2/7, 4/7) = 285.57, 571.14, 1142.29 → 285 + 571 + 1142 = 1998, +1 to .57
    expect(splitAmount(1999, [1, 2, 4])).toEqual([286, 571, 1142]);
  });

  it('breaks ties by position, so the answer never depends on anything else', () => {
    expect(splitAmount(1, [1n, 1n])).toEqual([1, 0]);
    expect(splitAmount(2, [1n, 1n, 1n, 1n])).toEqual([1, 1, 0, 0]);
  });

  it('splits refunds symmetrically and zero into zeros', () => {
    expect(splitAmount(-100, [1n, 1n, 1n])).toEqual([-34, -33, -33]);
    expect(splitAmount(0, [1n, 5n])).toEqual([0, 0]);
    expect(Object.is(splitAmount(-1, [1n, 1n])[1], 0)).toBe(true); // never -0
  });

  it('stays exact at the largest safe amount', () => {
    const parts = splitAmount(Number.MAX_SAFE_INTEGER, [1n, 1n, 1n]);
    expect(parts.reduce((sum, part) => sum + BigInt(part), 0n)).toBe(
      BigInt(Number.MAX_SAFE_INTEGER),
    );
  });

  it('refuses what cannot be split', () => {
    expect(() => splitAmount(1.5, [1n])).toThrow(RangeError);
    expect(() => splitAmount(10, [0n, 0n])).toThrow(RangeError);
    expect(() => splitAmount(10, [1n, -1n])).toThrow(RangeError);
  });
});

describe('credits', () => {
  it('are millionths summing to exactly one conversion', () => {
    expect(creditsOf([1n, 1n, 1n])).toEqual([333_334, 333_333, 333_333]);
    expect(CREDIT_SCALE).toBe(1_000_000);
  });

  it('quantises real weights relative to the largest, keeping ratios of powers of two exact', () => {
    expect(quantise([0.25, 0.5, 1])).toEqual([2n ** 50n, 2n ** 51n, 2n ** 52n]);
    expect(quantise([3, 0])).toEqual([2n ** 52n, 0n]);
    expect(() => quantise([0, 0])).toThrow(RangeError);
    expect(() => quantise([1, Number.NaN])).toThrow(RangeError);
  });
});
