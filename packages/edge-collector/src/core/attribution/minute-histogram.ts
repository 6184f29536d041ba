// How long conversions took, per group, for the median time to convert: a count per minute while
// a group has few distinct durations (small sites get the exact median), and once it has more
// than EXACT_LIMIT, a count per bucket whose width grows with the duration (log-linear, like an
// HDR histogram): at most BUCKET_LIMIT entries however many conversions stream past, and a median
// off by under 0.1%. Which form a histogram ends in depends only on the durations it was given,
// not their order, so both databases' exports stay identical.

/** Distinct minutes kept exactly before a histogram switches to buckets. */
export const EXACT_LIMIT = 4_096;
/** Significant bits of a bucket's lower bound: exact below 2^10 minutes (17 h), 1/512 wide above. */
const SIGNIFICANT_BITS = 10;
/** Entries at most once bucketed, for durations up to 2^31 minutes. */
export const BUCKET_LIMIT =
  2 ** SIGNIFICANT_BITS + (31 - SIGNIFICANT_BITS) * 2 ** (SIGNIFICANT_BITS - 1);

const bitLength = (value: number) => (value === 0 ? 0 : 32 - Math.clz32(value));

/** The width of the bucket starting at `lower` (1 below 2^SIGNIFICANT_BITS). */
const widthOf = (lower: number) => 2 ** Math.max(0, bitLength(lower) - SIGNIFICANT_BITS);

/** The lower bound of the bucket holding `minutes`. */
export function bucketOf(minutes: number): number {
  const width = widthOf(minutes);
  return Math.floor(minutes / width) * width;
}

export type MinuteHistogram = {
  add(minutes: number): void;
  /** The median (the mean of the middle two for an even count), or null when empty. */
  median(): number | null;
  /** Entries held. */
  readonly size: number;
};

export function minuteHistogram(): MinuteHistogram {
  let counts = new Map<number, number>();
  let bucketed = false;
  const count = (key: number, n: number) => counts.set(key, (counts.get(key) ?? 0) + n);
  return {
    add(minutes) {
      count(bucketed ? bucketOf(minutes) : minutes, 1);
      if (!bucketed && counts.size > EXACT_LIMIT) {
        const exact = counts;
        counts = new Map();
        bucketed = true;
        for (const [value, n] of exact) count(bucketOf(value), n);
      }
    },
    median() {
      if (!bucketed) return medianMinutes(counts);
      // A bucket stands for the middle of the whole minutes it holds.
      const middles = new Map<number, number>();
      for (const [lower, n] of counts) middles.set(lower + (widthOf(lower) - 1) / 2, n);
      return medianMinutes(middles);
    },
    get size() {
      return counts.size;
    },
  };
}

/** The median of a histogram of minutes (the mean of the middle two for an even count). */
export function medianMinutes(minutes: ReadonlyMap<number, number>): number | null {
  let count = 0;
  for (const n of minutes.values()) count += n;
  if (count === 0) return null;
  const sorted = [...minutes.entries()].sort(([a], [b]) => a - b);
  const at = (rank: number) => {
    let seen = 0;
    for (const [value, n] of sorted) {
      seen += n;
      if (seen > rank) return value;
    }
    return sorted.at(-1)![0];
  };
  return count % 2 === 1 ? at((count - 1) / 2) : (at(count / 2 - 1) + at(count / 2)) / 2;
}
