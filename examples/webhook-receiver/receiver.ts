import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

// Receives Leadloop webhooks on Node's http module: verifies the Standard Webhooks signature over
// the raw body, acknowledges every delivery, and hands each event to `onEvent` once.

/** One Leadloop webhook event: the body's fields plus the delivery's `webhook-id`. */
export type LeadloopEvent = {
  /** `webhook-id`: the same on every retry of one delivery, so it identifies the event. */
  id: string;
  /** `lead.created`, `lead.score_changed`, `form.submitted`, `webhook.test`, … */
  type: string;
  /** ISO 8601: when it happened. */
  timestamp: string;
  data: Record<string, unknown>;
};

export type ReceiverOptions = {
  /** The endpoint's `whsec_…` secret, as `POST /v1/webhooks` returned it. */
  secret: string;
  /** Called once per event. A throw (or rejection) answers 500, so Leadloop retries. */
  onEvent?: (event: LeadloopEvent) => void | Promise<void>;
};

const MAX_BODY_BYTES = 1024 * 1024;
const REMEMBERED_IDS = 10_000;
const WEBHOOK_SECRET = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Whether `secret` looks like a Standard Webhooks secret: `whsec_` followed by base64. */
export function isWebhookSecret(secret: string): boolean {
  return secret.length > 'whsec_'.length && WEBHOOK_SECRET.test(secret);
}

/**
 * A Node request handler that verifies and acknowledges Leadloop webhooks: 204 once verified,
 * 400 with `{"error"}` for a missing, wrong or stale signature (the package allows 5 minutes of
 * clock difference), 405 for anything but POST, 413 for a body over 1 MB.
 *
 * @example
 * createServer(createReceiver({ secret: process.env.WEBHOOK_SECRET!, onEvent: console.log }))
 *   .listen(4000);
 */
export function createReceiver({ secret, onEvent }: ReceiverOptions): RequestListener {
  if (!isWebhookSecret(secret)) throw new TypeError('The secret must be whsec_ followed by base64');
  const webhook = new Webhook(secret);
  const handled = recentIds(REMEMBERED_IDS);

  async function receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return answer(response, 405, 'Only POST', { allow: 'POST' });
    if (Number(request.headers['content-length']) > MAX_BODY_BYTES)
      return answer(response, 413, 'Body over 1 MB');
    const body = await readBody(request, MAX_BODY_BYTES);
    if (body === null) return answer(response, 413, 'Body over 1 MB');

    let payload: unknown;
    try {
      payload = webhook.verify(body, {
        'webhook-id': header(request, 'webhook-id'),
        'webhook-timestamp': header(request, 'webhook-timestamp'),
        'webhook-signature': header(request, 'webhook-signature'),
      });
    } catch (error) {
      if (error instanceof WebhookVerificationError) return answer(response, 400, error.message);
      // The package parses the body only once the signature matched.
      if (error instanceof SyntaxError) return answer(response, 400, 'Body is not JSON');
      throw error;
    }
    const event = leadloopEvent(header(request, 'webhook-id'), payload);
    if (!event) return answer(response, 400, 'Body is not a Leadloop event');

    // A retry of a delivery already handled: acknowledge it so the sender stops retrying.
    if (handled.has(event.id)) return answer(response, 204);
    // Remembered before `onEvent` resolves, so a retry arriving meanwhile is not handled twice.
    handled.add(event.id);
    try {
      await onEvent?.(event);
    } catch (error) {
      handled.delete(event.id);
      throw error;
    }
    answer(response, 204);
  }

  return (request, response) => {
    receive(request, response).catch((error: unknown) => {
      console.error('Webhook handling failed:', error);
      if (response.headersSent) response.destroy();
      else answer(response, 500, 'Handling failed');
    });
  };
}

function header(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return typeof value === 'string' ? value : '';
}

/** The body as UTF-8 text (what was signed), or null as soon as it passes `limit` bytes. */
function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size > limit) {
        request.off('data', collect).resume(); // discard the rest rather than hold it
        resolve(null);
      }
    };
    request.on('data', collect);
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function leadloopEvent(id: string, payload: unknown): LeadloopEvent | null {
  if (!isRecord(payload)) return null;
  const { type, timestamp, data } = payload;
  if (typeof type !== 'string' || typeof timestamp !== 'string' || !isRecord(data)) return null;
  return { id, type, timestamp, data };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A set that keeps only the `limit` most recently added ids. */
function recentIds(limit: number) {
  const ids = new Set<string>();
  return {
    has: (id: string) => ids.has(id),
    delete: (id: string) => ids.delete(id),
    add(id: string) {
      ids.add(id);
      // A Set iterates in insertion order: the first id is the oldest.
      if (ids.size > limit) ids.delete(ids.values().next().value!);
    },
  };
}

function answer(
  response: ServerResponse,
  status: number,
  reason?: string,
  headers: Record<string, string> = {},
): void {
  if (reason === undefined) {
    response.writeHead(status, headers).end();
    return;
  }
  response
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(JSON.stringify({ error: reason }));
}

/** `2026-11-23T10:00:00.000Z lead.created lead=lead_1 email=ada@acme.com score=12` */
export function eventLine({ type, timestamp, data }: LeadloopEvent): string {
  // `lead.*` events carry the lead; the others name it by `leadId` (null for anonymous visitors).
  const lead = isRecord(data.lead) ? data.lead : data;
  // `lead.score_changed` names the new score `current`; `lead.status_changed` uses it for a status.
  const newScore = typeof data.current === 'number' ? data.current : undefined;
  const fields = {
    lead: 'leadId' in data ? data.leadId : lead.id,
    email: lead.email,
    score: lead.score ?? newScore,
  };
  const shown = Object.entries(fields).filter(([, value]) => value !== undefined && value !== null);
  return [timestamp, type, ...shown.map(([name, value]) => `${name}=${value}`)].join(' ');
}
