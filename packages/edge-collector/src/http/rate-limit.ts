import { HttpProblem } from './problem.ts';

/**
 * How many REST requests a key may make: at most the limit per period, counted by the Workers Rate
 * Limiting binding (wrangler.toml `[[ratelimits]]` API_RATE_LIMIT) or by anything shaped like it.
 */
export type ApiRateLimit = {
  /** Counts one request of `key`; false once `key` is over its limit for the current period. */
  limit(key: string): Promise<boolean>;
  /** What a refused client is told to wait (`Retry-After`): the period of the limit, in seconds. */
  retryAfterSeconds: number;
};

/** The Workers binding's own interface, as far as it is used here. */
export type RateLimitBinding = { limit(options: { key: string }): Promise<{ success: boolean }> };

/** The binding as the REST API's limit; `periodSeconds` must be its `simple.period`. */
export function bindingRateLimit(binding: RateLimitBinding, periodSeconds: number): ApiRateLimit {
  return {
    limit: async (key) => (await binding.limit({ key })).success,
    retryAfterSeconds: periodSeconds,
  };
}

/** The binding allows periods of 10 or 60 seconds; unknown, the longer one is never too short. */
const DEFAULT_PERIOD_SECONDS = 60;

/**
 * The limit as the deployment configures it: the binding, on in production and off in development
 * unless `setting` (LEADLOOP_RATE_LIMIT) says otherwise. Only `off` turns it off in production, so
 * a misspelt value never does. `periodSeconds` (LEADLOOP_RATE_LIMIT_PERIOD) is the binding's period.
 */
export function configuredRateLimit(
  binding: RateLimitBinding | undefined,
  options: {
    development: boolean;
    setting?: string | undefined;
    periodSeconds?: string | undefined;
  },
): ApiRateLimit | undefined {
  const setting = options.setting?.trim().toLowerCase() || undefined;
  const on = setting === undefined ? !options.development : setting !== 'off';
  if (!on || !binding) return undefined;
  const period = Number(options.periodSeconds);
  return bindingRateLimit(
    binding,
    Number.isInteger(period) && period > 0 ? period : DEFAULT_PERIOD_SECONDS,
  );
}

const tooManyRequests = (retryAfterSeconds: number) =>
  new HttpProblem(
    429,
    'rate-limited',
    'Too many requests',
    `This key made too many requests; retry after ${retryAfterSeconds} seconds.`,
    undefined,
    { 'retry-after': String(retryAfterSeconds) },
  );

/**
 * Counts a request of the key with id `keyId`, and refuses it with 429 and `Retry-After` once the
 * key is over its limit. A limiter that fails lets the request through: the API stays up when the
 * counter does not.
 */
export async function enforceRateLimit(rateLimit: ApiRateLimit, keyId: string): Promise<void> {
  let allowed: boolean;
  try {
    allowed = await rateLimit.limit(keyId);
  } catch (error) {
    console.error('rate limit check failed; letting the request through', String(error));
    return;
  }
  if (!allowed) throw tooManyRequests(rateLimit.retryAfterSeconds);
}
