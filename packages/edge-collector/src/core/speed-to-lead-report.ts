import type { SpeedBucket, SpeedToLeadReport } from '@leadloop/schema';

// Speed to lead as a report: how soon after a lead's creation sales first worked it. The database
// counts the buckets and, for the percentiles, reads only the few durations at the ranks these
// functions ask for — never every lead.

const MINUTE_MS = 60_000;

/** The buckets with an upper bound; `over_24h` is what is left of the worked leads. */
export type TimedBucket = Exclude<SpeedBucket, 'over_24h' | 'not_yet'>;

/** Upper bounds (exclusive, minutes) of the timed buckets, in order. */
export const SPEED_BUCKET_LIMITS: readonly { bucket: TimedBucket; belowMinutes: number }[] = [
  { bucket: 'under_5m', belowMinutes: 5 },
  { bucket: '5m_to_30m', belowMinutes: 30 },
  { bucket: '30m_to_2h', belowMinutes: 120 },
  { bucket: '2h_to_24h', belowMinutes: 1440 },
];

/** What the database counted over the cohort. */
export type SpeedCounts = {
  leads: number;
  worked: number;
  /** Worked leads per timed bucket (`not_yet` is `leads - worked`). */
  timed: Record<TimedBucket, number>;
};

/** The 1-based ranks (in ascending order of duration) between which percentile `p` falls. */
export function percentileRanks(count: number, p: number): [number, number] {
  const h = (count - 1) * p + 1;
  return [Math.floor(h), Math.ceil(h)];
}

/** Every rank the percentiles need, once each. */
export function ranksFor(count: number, percentiles: readonly number[]): number[] {
  if (count === 0) return [];
  return [...new Set(percentiles.flatMap((p) => percentileRanks(count, p)))].sort((a, b) => a - b);
}

/**
 * Percentile `p` of `count` values, from the values at its ranks, interpolated linearly between
 * them (as numpy's default, Excel's PERCENTILE.INC and Postgres's percentile_cont).
 */
export function percentileOf(
  count: number,
  p: number,
  valueAtRank: ReadonlyMap<number, number>,
): number | null {
  if (count === 0) return null;
  const h = (count - 1) * p + 1;
  const [low, high] = percentileRanks(count, p);
  const a = valueAtRank.get(low);
  const b = valueAtRank.get(high);
  if (a === undefined || b === undefined) throw new RangeError(`rank ${low} or ${high} missing`);
  return a + (h - low) * (b - a);
}

const minutes = (ms: number | null) =>
  ms === null ? null : Math.round((Math.max(0, ms) / MINUTE_MS) * 10) / 10;

export const SPEED_PERCENTILES = { median: 0.5, p90: 0.9 } as const;

/** The report's figures (the range fields left to the caller). */
export function speedToLeadView(
  counts: SpeedCounts,
  durationAtRank: ReadonlyMap<number, number>,
): Omit<SpeedToLeadReport, 'from' | 'to' | 'timezone'> {
  const { leads, worked, timed } = counts;
  const overDay = worked - Object.values(timed).reduce((sum, n) => sum + n, 0);
  return {
    leads,
    worked,
    medianMinutes: minutes(percentileOf(worked, SPEED_PERCENTILES.median, durationAtRank)),
    p90Minutes: minutes(percentileOf(worked, SPEED_PERCENTILES.p90, durationAtRank)),
    buckets: [
      ...SPEED_BUCKET_LIMITS.map(({ bucket }) => ({ bucket, count: timed[bucket] })),
      { bucket: 'over_24h', count: overDay },
      { bucket: 'not_yet', count: leads - worked },
    ],
  };
}
