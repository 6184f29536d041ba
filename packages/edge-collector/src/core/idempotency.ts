// Stripe's Idempotency-Key rules, as pure policy: which keys are valid, what makes two requests
// the same, which answers are kept, and for how long.

/** How long a kept answer is replayed. */
export const IDEMPOTENCY_KEEP_MS = 24 * 60 * 60_000;
/**
 * A request still in flight after this long is taken as abandoned (its worker went away), so a
 * retry may run instead of meeting a 409 for a day.
 */
export const IDEMPOTENCY_IN_FLIGHT_MS = 60_000;

/** 1–255 printable ASCII characters (a UUID, typically). */
export const isIdempotencyKey = (key: string): boolean => /^[\x20-\x7e]{1,255}$/.test(key);

/** The text whose SHA-256 stands for a request: a replay must be the same method, path and body. */
export const requestFingerprint = (method: string, pathAndQuery: string, body: string): string =>
  `${method.toUpperCase()} ${pathAndQuery}\n${body}`;

/**
 * Whether an answer is kept and replayed: successes and client errors are the request's outcome;
 * a 5xx is ours and a 429 is the moment's, so a retry after either runs again.
 */
export const keepsAnswer = (status: number): boolean =>
  (status >= 200 && status < 300) || (status >= 400 && status < 500 && status !== 429);
