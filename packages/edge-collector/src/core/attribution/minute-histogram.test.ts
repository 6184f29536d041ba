import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BUCKET_LIMIT,
  bucketOf,
  EXACT_LIMIT,
  medianMinutes,
  minuteHistogram,
} from './minute-histogram.ts';

const exactMedian = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const histogramOf = (values: number[]) => {
  const histogram = minuteHistogram();
  for (const value of values) histogram.add(value);
  return histogram;
};
const NINETY_DAYS = 90 * 24 * 60;

describe('median minutes', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(medianMinutes(new Map())).toBeNull();
    expect(medianMinutes(new Map([[5, 1]]))).toBe(5);
    expect(
      medianMinutes(
        new Map([
          [1, 1],
          [9, 1],
        ]),
      ),
    ).toBe(5);
    expect(
      medianMinutes(
        new Map([
          [30, 3],
          [1, 1],
          [1000, 1],
        ]),
      ),
    ).toBe(30);
  });
});

describe('minute histogram', () => {
  it('is exact while a group has few distinct durations', () => {
    const values = [11_521, 1, 11_521, 130_000, 7];
    const histogram = histogramOf(values);
    expect(histogram.median()).toBe(11_521);
    expect(histogram.size).toBe(4);
    expect(minuteHistogram().median()).toBeNull();
  });

  it('stays within its bucket limit however many durations it counts', () => {
    const histogram = minuteHistogram();
    // Every minute of 90 days, twice over: 259,200 conversions.
    for (let round = 0; round < 2; round++)
      for (let minutes = 0; minutes < NINETY_DAYS; minutes++) histogram.add(minutes);
    expect(histogram.size).toBeLessThanOrEqual(4_608);
    expect(histogram.size).toBeLessThanOrEqual(BUCKET_LIMIT);
    const median = histogram.median()!;
    expect(Math.abs(median - (NINETY_DAYS - 1) / 2) / ((NINETY_DAYS - 1) / 2)).toBeLessThan(0.001);
  });

  it('buckets keep durations under 17 hours exact and the rest within 0.2%', () => {
    for (const minutes of [0, 1, 59, 1_023]) expect(bucketOf(minutes)).toBe(minutes);
    fc.assert(
      fc.property(fc.integer({ min: 1_024, max: 2 ** 31 - 1 }), (minutes) => {
        const lower = bucketOf(minutes);
        expect(lower).toBeLessThanOrEqual(minutes);
        expect((minutes - lower) / minutes).toBeLessThan(0.002);
        expect(bucketOf(lower)).toBe(lower);
      }),
    );
  });

  it('gives a median within 0.1% of the exact one, whatever the order of the durations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: NINETY_DAYS }), {
          minLength: EXACT_LIMIT + 1,
          maxLength: EXACT_LIMIT * 2,
        }),
        (values) => {
          const median = histogramOf(values).median()!;
          const exact = exactMedian(values);
          expect(Math.abs(median - exact)).toBeLessThanOrEqual(Math.max(1, exact * 0.001));
          expect(histogramOf([...values].reverse()).median()).toBe(median);
        },
      ),
      { numRuns: 20 },
    );
  });
});
