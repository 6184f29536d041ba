// Exactness: a model yields exact non-negative integer weights (bigint); touch i's share is
// weights[i] / Σ weights. Credits are then integers of one fixed denominator, CREDIT_SCALE, and
// revenue is integers of minor units, both cut from the exact weights by the largest-remainder
// (Hamilton) method, so each conversion sums to exactly 1 and exactly to its revenue. A fixed
// denominator rather than rationals because reports add credits across many conversions: integers
// add exactly in a JS number and in SQL, rationals of varying denominators would not. Revenue is
// split from the weights, not from the rounded credits, so it is off the exact share by < 1 unit.

/** Credits are counted in millionths of a conversion: a conversion's credits sum to this. */
export const CREDIT_SCALE = 1_000_000;

/**
 * Splits an integer `amount` (minor units; may be negative, e.g. a refund) in proportion to
 * non-negative integer `weights`, so the parts sum to exactly `amount`: every part gets the floor
 * of its quota, and the units left go to the largest remainders, ties to the earlier position.
 *
 * @example
 * splitAmount(100, [1n, 1n, 1n]); // [34, 33, 33]
 */
export function splitAmount(amount: number, weights: readonly (bigint | number)[]): number[] {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount ${amount} is not a safe integer`);
  const ws = weights.map((weight) => {
    const w = BigInt(weight);
    if (w < 0n) throw new RangeError('weights must not be negative');
    return w;
  });
  const total = ws.reduce((sum, w) => sum + w, 0n);
  if (total === 0n) throw new RangeError('weights must not all be zero');
  if (amount < 0) return splitAmount(-amount, ws).map((part) => -part || 0);
  const whole = BigInt(amount);
  const parts = ws.map((w) => (whole * w) / total);
  const remainders = ws.map((w) => (whole * w) % total);
  let left = Number(whole - parts.reduce((sum, part) => sum + part, 0n));
  const order = ws
    .map((_, index) => index)
    .sort((a, b) => {
      const ra = remainders[a]!;
      const rb = remainders[b]!;
      return ra === rb ? a - b : rb > ra ? 1 : -1;
    });
  for (const index of order) {
    if (left === 0) break;
    parts[index]! += 1n;
    left -= 1;
  }
  return parts.map(Number);
}

/** Credits of a conversion in millionths, summing to exactly CREDIT_SCALE. */
export function creditsOf(weights: readonly bigint[]): number[] {
  return splitAmount(CREDIT_SCALE, weights);
}

const QUANTUM = 2 ** 52;

/**
 * Exact integer weights for real-valued ones (time decay, Markov): each as a multiple of 2^-52 of
 * the largest, which keeps every digit a double has.
 */
export function quantise(weights: readonly number[]): bigint[] {
  if (weights.some((w) => !(w >= 0) || !Number.isFinite(w))) {
    throw new RangeError('weights must be finite and not negative');
  }
  const max = weights.reduce((a, b) => Math.max(a, b), 0);
  if (!(max > 0)) throw new RangeError('weights must not all be zero');
  return weights.map((w) => BigInt(Math.round((w / max) * QUANTUM)));
}
