export { CREDIT_SCALE, creditsOf, splitAmount } from './credit.ts';
export {
  fitMarkov,
  type MarkovCounts,
  type MarkovModel,
  type MarkovPath,
  markovCounts,
  markovWeights,
} from './markov.ts';
export { type MinuteHistogram, medianMinutes, minuteHistogram } from './minute-histogram.ts';
export {
  ATTRIBUTION_MODELS,
  type Attribution,
  type AttributionModel,
  type AttributionOptions,
  attribute,
  attributionWeights,
  type ConversionPath,
  DIRECT,
  type Touch,
} from './models.ts';
export { spendByGroup, spendGroup } from './spend.ts';
export {
  attributionRows,
  attributionTally,
  type GroupTraffic,
  modelPath,
  NOT_SET,
  type PathTouch,
  type StoredPath,
  type Tally,
  type TallyRole,
} from './tally.ts';
export { DEFAULT_HALF_LIFE_MS } from './time-decay.ts';
