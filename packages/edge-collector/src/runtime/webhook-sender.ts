import {
  ATTEMPT_TIMEOUT_MS,
  type AttemptOutcome,
  judgeResponse,
} from '../core/webhook-delivery-policy.ts';
import { signWebhook } from '../core/webhook-signature.ts';
import { checkWebhookUrl } from '../core/webhook-url.ts';

// One delivery attempt: the endpoint checked again at send time (its URL may have been fine at
// registration and the rules may have changed since), the body signed per Standard Webhooks,
// POSTed with a 15 s timeout and without following redirects, and the answer judged by the
// delivery policy. It never throws: every way an attempt can end is an outcome to log.

export type DeliveryAttempt = {
  outcome: AttemptOutcome;
  /** The HTTP status, or null when no answer came (refused URL, timeout, network error). */
  statusCode: number | null;
  latencyMs: number;
};

export type WebhookMessage = {
  /** `webhook-id`: the same on every retry of one delivery, so receivers de-duplicate. */
  id: string;
  /** The JSON body, `{type, timestamp, data}`. */
  body: string;
};

export type SendOptions = {
  /** Loopback and private endpoints: development only. */
  allowPrivate: boolean;
  timeoutMs?: number;
  now?: () => number;
};

const USER_AGENT = 'Leadloop-Webhooks/1 (+https://www.standardwebhooks.com)';

export async function sendWebhook(
  endpoint: string,
  secrets: readonly string[],
  message: WebhookMessage,
  { allowPrivate, timeoutMs = ATTEMPT_TIMEOUT_MS, now = Date.now }: SendOptions,
): Promise<DeliveryAttempt> {
  const check = checkWebhookUrl(endpoint, { allowPrivate });
  if (!check.ok)
    return {
      outcome: { kind: 'failed', reason: `endpoint refused: ${check.reason}` },
      statusCode: null,
      latencyMs: 0,
    };
  const started = now();
  const signed = await signWebhook(secrets, message.id, started / 1000, message.body);
  try {
    const response = await fetch(check.url.href, {
      method: 'POST',
      body: message.body,
      headers: { ...signed, 'content-type': 'application/json', 'user-agent': USER_AGENT },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The answer's body is not read: cancelling frees the connection at once.
    await response.body?.cancel().catch(() => {});
    return {
      outcome: judgeResponse(response.status, response.headers.get('retry-after'), now()),
      statusCode: response.status,
      latencyMs: now() - started,
    };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const reason = timedOut
      ? `timed out after ${timeoutMs / 1000} s`
      : `network error: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300);
    return { outcome: { kind: 'failed', reason }, statusCode: null, latencyMs: now() - started };
  }
}
