import { utf8ByteLength } from '@leadloop/schema';

// How a webhook delivery is judged and retried (DESIGN.md "Webhooks"): 2xx delivered; 410 Gone
// disables the endpoint; anything else — a 3xx (redirects are never followed), 4xx, 5xx, a
// timeout, a refused connection — is a failure. The schedule is Svix's, which the Standard
// Webhooks libraries come from: the first attempt at once, then retries 5 s, 5 min, 30 min, 2 h,
// 5 h, 10 h and 10 h after each failure, never sooner than the receiver's `Retry-After`; after
// the eighth attempt the delivery is dead-lettered (and redeliverable). An endpoint failing for
// 5 days is disabled.

/** Seconds from each failed attempt to the next one; the first attempt is at once. */
export const RETRY_DELAYS_SECONDS = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000] as const;
/** Cloudflare Queues delay a message by at most 12 hours. */
const MAX_DELAY_SECONDS = 43_200;
export const ATTEMPT_TIMEOUT_MS = 15_000;
export const DISABLE_AFTER_FAILING_MS = 5 * 86_400_000;
/** A webhook body stays under 20 KB (bytes of UTF-8). */
export const MAX_BODY_BYTES = 20 * 1024;

export type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'gone' }
  | { kind: 'failed'; reason: string; retryAfterSeconds?: number };

/** `Retry-After` as seconds from `now`: delta-seconds or an HTTP date; undefined if absent or bad. */
export function retryAfterSeconds(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** What an HTTP answer means for the delivery. */
export function judgeResponse(
  status: number,
  retryAfter: string | null,
  now: number,
): AttemptOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 410) return { kind: 'gone' };
  const reason =
    status >= 300 && status < 400 ? `redirect ${status} (not followed)` : `HTTP ${status}`;
  const wait = retryAfterSeconds(retryAfter, now);
  return wait === undefined
    ? { kind: 'failed', reason }
    : { kind: 'failed', reason, retryAfterSeconds: wait };
}

/**
 * Seconds until the next attempt after `attemptsMade` attempts failed, or null when the schedule
 * is spent and the delivery is dead-lettered. A `Retry-After` pushes the retry later, never
 * earlier, within the Queues limit.
 */
export function nextRetryDelay(
  attemptsMade: number,
  retryAfter?: number,
  schedule: readonly number[] = RETRY_DELAYS_SECONDS,
): number | null {
  const scheduled = schedule[attemptsMade - 1];
  if (scheduled === undefined || attemptsMade < 1) return null;
  return Math.min(MAX_DELAY_SECONDS, Math.max(scheduled, retryAfter ?? 0));
}

/** Whether an endpoint that has failed since `failingSince` (null: it has not) is disabled now. */
export const failedTooLong = (failingSince: number | null, now: number) =>
  failingSince !== null && now - failingSince >= DISABLE_AFTER_FAILING_MS;

/** Where a delivery stands after an attempt, and what the attempt does to its endpoint. */
export type Settlement = {
  status: 'pending' | 'delivered' | 'failed';
  /** Epoch ms of the next attempt, while pending. */
  nextAttemptAt: number | null;
  /** Seconds until that attempt, while pending. */
  retryInSeconds: number | null;
  /** The endpoint's `failing_since` from now on. */
  failingSince: number | null;
  /** Why the endpoint is disabled by this attempt, if it is. */
  disable?: string;
};

/**
 * Settles one attempt: `roundAttempts` counts the attempts of the current round (since the
 * delivery was made or redelivered), this one included; `failingSince` is the endpoint's.
 */
export function settleAttempt(
  outcome: AttemptOutcome,
  {
    roundAttempts,
    failingSince,
    now,
    schedule = RETRY_DELAYS_SECONDS,
  }: {
    roundAttempts: number;
    failingSince: number | null;
    now: number;
    schedule?: readonly number[];
  },
): Settlement {
  const done = { nextAttemptAt: null, retryInSeconds: null };
  if (outcome.kind === 'delivered') return { status: 'delivered', ...done, failingSince: null };
  const since = failingSince ?? now;
  if (outcome.kind === 'gone')
    return {
      status: 'failed',
      ...done,
      failingSince: since,
      disable: 'the endpoint answered 410 Gone',
    };
  if (failedTooLong(since, now))
    return {
      status: 'failed',
      ...done,
      failingSince: since,
      disable: 'every attempt failed for 5 days',
    };
  const delay = nextRetryDelay(roundAttempts, outcome.retryAfterSeconds, schedule);
  if (delay === null) return { status: 'failed', ...done, failingSince: since };
  return {
    status: 'pending',
    nextAttemptAt: now + delay * 1000,
    retryInSeconds: delay,
    failingSince: since,
  };
}

const ELLIPSIS = '…';

function shortened(value: unknown, maxChars: number): unknown {
  if (typeof value === 'string')
    return value.length > maxChars ? value.slice(0, maxChars) + ELLIPSIS : value;
  if (Array.isArray(value)) return value.map((item) => shortened(item, maxChars));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, shortened(item, maxChars)]),
    );
  return value;
}

/**
 * The JSON body of a delivery, `{type, timestamp, data}`, under 20 KB: a change too big to send
 * whole (a form with long answers, a lead with many traits) has its long texts cut, marked
 * `"truncated": true`; the receiver reads the rest through the REST API.
 */
export function webhookBody(
  type: string,
  timestamp: string,
  data: Record<string, unknown>,
): string {
  const whole = JSON.stringify({ type, timestamp, data });
  if (utf8ByteLength(whole) <= MAX_BODY_BYTES) return whole;
  for (const maxChars of [1_000, 200, 40]) {
    const body = JSON.stringify({
      type,
      timestamp,
      data: shortened(data, maxChars),
      truncated: true,
    });
    if (utf8ByteLength(body) <= MAX_BODY_BYTES) return body;
  }
  // Only the scalars at the top of `data` (ids, type-specific numbers) are kept.
  const scalars = Object.fromEntries(
    Object.entries(data).filter(([, value]) => value === null || typeof value !== 'object'),
  );
  return JSON.stringify({ type, timestamp, data: shortened(scalars, 200), truncated: true });
}
