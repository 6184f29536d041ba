import { quantise } from './credit.ts';

export const DEFAULT_HALF_LIFE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Weights 2^(−age / halfLife), age = conversion time − touch time: a touch a half-life older
 * counts half as much. A touch stamped after the conversion (clock skew) counts as age 0.
 */
export function timeDecay(
  at: readonly number[],
  convertedAt: number,
  halfLifeMs: number = DEFAULT_HALF_LIFE_MS,
): bigint[] {
  if (!(halfLifeMs > 0) || !Number.isFinite(halfLifeMs)) {
    throw new RangeError(`halfLifeMs ${halfLifeMs} must be a positive number`);
  }
  const ages = at.map((t) => Math.max(0, convertedAt - t));
  if (ages.some((age) => !Number.isFinite(age))) throw new RangeError('touch times must be finite');
  // Measured from the youngest touch, so a path of old touches does not underflow to all zeros.
  const youngest = Math.min(...ages);
  return quantise(ages.map((age) => 2 ** (-(age - youngest) / halfLifeMs)));
}
