import { describe, expect, it } from 'vitest';
import { percentileOf, ranksFor, speedToLeadView } from './speed-to-lead-report.ts';

const MINUTE = 60_000;

/** What the database answers for `ranksFor`: the sorted values at those ranks. */
function atRanks(values: number[], ranks: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return new Map(ranks.map((rank) => [rank, sorted[rank - 1]!]));
}

describe('speed to lead figures', () => {
  it('interpolates percentiles between the ranks it asks for', () => {
    const values = [10, 40, 20, 30];
    const ranks = ranksFor(values.length, [0.5, 0.9]);
    expect(ranks).toEqual([2, 3, 4]);
    const known = atRanks(values, ranks);
    // Median of 10, 20, 30, 40 is 25; p90 is 30 + 0.7 × 10.
    expect(percentileOf(4, 0.5, known)).toBe(25);
    expect(percentileOf(4, 0.9, known)).toBeCloseTo(37, 10);
    expect(percentileOf(1, 0.9, atRanks([7], ranksFor(1, [0.9])))).toBe(7);
    expect(percentileOf(0, 0.5, new Map())).toBeNull();
    expect(ranksFor(0, [0.5])).toEqual([]);
  });

  it('matches a percentile computed over every value', () => {
    for (let n = 1; n <= 40; n++) {
      const values = Array.from({ length: n }, (_, i) => ((i * 7919) % 101) * 1000);
      const sorted = [...values].sort((a, b) => a - b);
      for (const p of [0.5, 0.9]) {
        const h = (n - 1) * p;
        const expected =
          sorted[Math.floor(h)]! +
          (h - Math.floor(h)) * (sorted[Math.ceil(h)]! - sorted[Math.floor(h)]!);
        expect(percentileOf(n, p, atRanks(values, ranksFor(n, [0.5, 0.9])))).toBeCloseTo(
          expected,
          6,
        );
      }
    }
  });

  it('answers minutes to one decimal, every bucket in order, and the leads not worked yet', () => {
    const durations = [2 * MINUTE, 10 * MINUTE, 45 * MINUTE, 3 * 60 * MINUTE, 30 * 60 * MINUTE];
    const view = speedToLeadView(
      {
        leads: 7,
        worked: 5,
        timed: { under_5m: 1, '5m_to_30m': 1, '30m_to_2h': 1, '2h_to_24h': 1 },
      },
      atRanks(durations, ranksFor(5, [0.5, 0.9])),
    );
    expect(view).toEqual({
      leads: 7,
      worked: 5,
      medianMinutes: 45,
      // Between 180 and 1800 minutes: 180 + 0.6 × 1620.
      p90Minutes: 1152,
      buckets: [
        { bucket: 'under_5m', count: 1 },
        { bucket: '5m_to_30m', count: 1 },
        { bucket: '30m_to_2h', count: 1 },
        { bucket: '2h_to_24h', count: 1 },
        { bucket: 'over_24h', count: 1 },
        { bucket: 'not_yet', count: 2 },
      ],
    });
    const none = speedToLeadView(
      {
        leads: 0,
        worked: 0,
        timed: { under_5m: 0, '5m_to_30m': 0, '30m_to_2h': 0, '2h_to_24h': 0 },
      },
      new Map(),
    );
    expect(none).toMatchObject({ medianMinutes: null, p90Minutes: null });
    expect(
      speedToLeadView(
        {
          leads: 1,
          worked: 1,
          timed: { under_5m: 1, '5m_to_30m': 0, '30m_to_2h': 0, '2h_to_24h': 0 },
        },
        new Map([[1, 12_345]]),
      ).medianMinutes,
    ).toBe(0.2);
  });
});
