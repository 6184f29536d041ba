import { ATTRIBUTION_MODELS, type AttributionModel } from '@leadloop/schema';
import { creditsOf } from './credit.ts';
import { type MarkovModel, markovWeights } from './markov.ts';
import {
  firstTouch,
  fullPath,
  inverseJ,
  jShaped,
  lastNonDirect,
  lastTouch,
  linear,
  positionBased,
  wShaped,
} from './positional.ts';
import { timeDecay } from './time-decay.ts';

// The model names are part of the API's contract, so they live with its schemas.
export { ATTRIBUTION_MODELS, type AttributionModel };

/** A touch as the models see it; the caller's other grouping fields ride along untouched. */
export type Touch = { readonly at: number; readonly channel: string };

/** The channel of a touch with no source: skipped by last_non_direct. */
export const DIRECT = 'Direct';

/** One conversion and its touches, oldest first. */
export type ConversionPath<T extends Touch = Touch> = {
  readonly touches: readonly T[];
  readonly convertedAt: number;
  /** Index of the touch at lead creation (w_shaped, full_path). */
  readonly leadIndex?: number | undefined;
  /** Index of the touch at opportunity creation (full_path). */
  readonly opportunityIndex?: number | undefined;
};

export type AttributionOptions<T extends Touch = Touch> = {
  /** time_decay's half-life; 7 days by default. */
  readonly halfLifeMs?: number | undefined;
  /** data_driven's chain, from fitMarkov over paths keyed the same way as `key`. */
  readonly markov?: MarkovModel | undefined;
  /** data_driven's state of a touch; its channel by default. */
  readonly key?: ((touch: T) => string) | undefined;
};

export type Attribution = {
  /** Exact weights: touch i's credit is weights[i] / Σ weights. Split revenue with these. */
  readonly weights: bigint[];
  /** Credits in millionths of a conversion (CREDIT_SCALE), summing to exactly CREDIT_SCALE. */
  readonly credits: number[];
};

/** Exact weights of a conversion's touches under `model`, in the touches' order. */
export function attributionWeights<T extends Touch>(
  model: AttributionModel,
  path: ConversionPath<T>,
  options: AttributionOptions<T> = {},
): bigint[] {
  const { touches } = path;
  const n = touches.length;
  if (n === 0) throw new RangeError('a conversion without touches has nothing to credit');
  switch (model) {
    case 'first_touch':
      return firstTouch(n);
    case 'last_touch':
      return lastTouch(n);
    case 'last_non_direct':
      return lastNonDirect(touches.map((touch) => touch.channel === DIRECT));
    case 'linear':
      return linear(n);
    case 'position_based':
      return positionBased(n);
    case 'w_shaped':
      return wShaped(n, path.leadIndex);
    case 'full_path':
      return fullPath(n, path.leadIndex, path.opportunityIndex);
    case 'j_shaped':
      return jShaped(n);
    case 'inverse_j':
      return inverseJ(n);
    case 'time_decay':
      return timeDecay(
        touches.map((touch) => touch.at),
        path.convertedAt,
        options.halfLifeMs,
      );
    case 'data_driven': {
      if (!options.markov) throw new TypeError('data_driven needs a model from fitMarkov');
      const key = options.key ?? ((touch: T) => touch.channel);
      return markovWeights(options.markov, touches.map(key));
    }
  }
}

/**
 * A conversion's credits under `model`: one per touch, in order, summing to exactly 1.
 *
 * @example
 * const { credits, weights } = attribute('linear', { touches, convertedAt });
 * // credits: [333334, 333333, 333333]; revenue parts: splitAmount(revenueMinor, weights)
 */
export function attribute<T extends Touch>(
  model: AttributionModel,
  path: ConversionPath<T>,
  options: AttributionOptions<T> = {},
): Attribution {
  const weights = attributionWeights(model, path, options);
  return { weights, credits: creditsOf(weights) };
}
