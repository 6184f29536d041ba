export { CREDIT_SCALE, creditsOf, splitAmount } from './credit.ts';
export { fitMarkov, type MarkovModel, type MarkovPath, markovWeights } from './markov.ts';
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
export { DEFAULT_HALF_LIFE_MS } from './time-decay.ts';
