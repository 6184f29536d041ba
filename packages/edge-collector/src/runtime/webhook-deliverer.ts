import { sha256Hex } from '../core/keys.ts';
import {
  ATTEMPT_TIMEOUT_MS,
  RETRY_DELAYS_SECONDS,
  type Settlement,
  settleAttempt,
} from '../core/webhook-delivery-policy.ts';
import { type NewDelivery, planDeliveries, signingSecrets } from '../core/webhook-fanout.ts';
import type { Store } from '../store/types.ts';
import { currentLeads } from './lead-views.ts';
import { sendWebhook } from './webhook-sender.ts';

// From the outbox to the receiver. The relay turns committed domain changes into deliveries (one
// per matching subscription, stored before anything is sent); an attempt claims a delivery, sends
// it, and records the outcome with the next attempt's time. Retries travel through the `webhooks`
// queue with the schedule's delay; a minute sweep re-queues what a crash left behind, so a
// delivery is attempted until it lands, is dead-lettered, or its endpoint is disabled.

/** A `webhooks` queue message: attempt this delivery. */
export type DeliveryJob = { deliveryId: string };

export type DeliveryOptions = {
  /** Loopback and private endpoints: development only. */
  allowPrivate: boolean;
  /** Seconds from each failed attempt to the next (development may shorten them for demos). */
  schedule?: readonly number[];
  timeoutMs?: number;
  now?: () => number;
  /** Queues attempts, each after its delay. */
  enqueue(jobs: { deliveryId: string; delaySeconds: number }[]): Promise<void>;
};

/** How long an attempt holds its delivery: its timeout, and time to record the outcome. */
const LEASE_MS = ATTEMPT_TIMEOUT_MS + 15_000;
/** Changes relayed per transaction, and transactions per relay call. */
const RELAY_PAGE = 100;
const RELAY_PAGES = 20;
/** Queues delays a message by at most 12 hours. */
const MAX_QUEUE_DELAY_SECONDS = 43_200;

export type AttemptResult =
  /** Delivered, failed for good, or gone: nothing more to do. */
  | { kind: 'settled' }
  /** Not due yet, or another worker holds it: ask again after this many seconds. */
  | { kind: 'later'; delaySeconds: number }
  | { kind: 'attempted'; settlement: Settlement };

const secondsUntil = (at: number, now: number) =>
  Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(1, Math.ceil((at - now) / 1000)));

/** One attempt of one delivery, if it is due and nobody else is making it. */
export async function attemptDelivery(
  store: Store,
  deliveryId: string,
  options: DeliveryOptions,
): Promise<AttemptResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const claimed = await store.webhooks.claimDelivery(deliveryId, started, started + LEASE_MS);
  if ('kind' in claimed) {
    if (claimed.kind === 'settled') return { kind: 'settled' };
    const at = claimed.kind === 'not-due' ? claimed.dueAt : claimed.until;
    return { kind: 'later', delaySeconds: secondsUntil(at, started) };
  }
  const { delivery, webhook, body } = claimed;
  const attempt = webhook.enabled
    ? await sendWebhook(
        webhook.url,
        signingSecrets(webhook, started),
        { id: delivery.id, body },
        { allowPrivate: options.allowPrivate, timeoutMs: options.timeoutMs, now },
      )
    : {
        outcome: { kind: 'failed' as const, reason: 'not sent: the endpoint is disabled' },
        statusCode: null,
        latencyMs: 0,
      };
  const finished = now();
  const settlement: Settlement = webhook.enabled
    ? settleAttempt(attempt.outcome, {
        roundAttempts: delivery.roundAttempts + 1,
        failingSince: webhook.failingSince,
        now: finished,
        schedule: options.schedule ?? RETRY_DELAYS_SECONDS,
      })
    : {
        status: 'failed',
        nextAttemptAt: null,
        retryInSeconds: null,
        failingSince: webhook.failingSince,
      };
  await store.webhooks.recordAttempt(claimed, {
    attempt: {
      number: delivery.attempts + 1,
      at: started,
      outcome: attempt.outcome.kind,
      statusCode: attempt.statusCode,
      latencyMs: attempt.latencyMs,
      error: attempt.outcome.kind === 'failed' ? attempt.outcome.reason : null,
    },
    status: settlement.status,
    nextAttemptAt: settlement.nextAttemptAt,
    failingSince: settlement.failingSince,
    ...(settlement.disable === undefined ? {} : { disable: settlement.disable }),
  });
  return { kind: 'attempted', settlement };
}

/** The `webhook-id` of a change for a subscription: the same whoever relays it, however often. */
async function deliveryIds(webhookIds: string[], changeIds: string[]) {
  const ids = new Map<string, string>();
  for (const webhookId of webhookIds)
    for (const changeId of changeIds)
      ids.set(
        `${webhookId}\n${changeId}`,
        `msg_${(await sha256Hex(`${webhookId}\n${changeId}`)).slice(0, 32)}`,
      );
  return (webhookId: string, changeId: string) => ids.get(`${webhookId}\n${changeId}`)!;
}

/**
 * Relays a site's unrelayed domain changes into deliveries, each change with the lead as it is
 * now. Two relays of the same changes make the same deliveries (stored once). Returns them.
 */
export async function relayChanges(
  store: Store,
  siteId: string,
  now: () => number = Date.now,
): Promise<NewDelivery[]> {
  const made: NewDelivery[] = [];
  let webhooks: Awaited<ReturnType<Store['webhooks']['enabledWebhooks']>> | undefined;
  for (let page = 0; page < RELAY_PAGES; page++) {
    const changes = await store.webhooks.unrelayedChanges(siteId, RELAY_PAGE);
    if (changes.length === 0) break;
    webhooks ??= await store.webhooks.enabledWebhooks(siteId);
    let deliveries: NewDelivery[] = [];
    if (webhooks.length > 0) {
      const leads = await currentLeads(
        store,
        siteId,
        changes.flatMap((change) => (change.leadId ? [change.leadId] : [])),
      );
      const ids = await deliveryIds(
        webhooks.map((webhook) => webhook.id),
        changes.map((change) => change.id),
      );
      deliveries = planDeliveries(changes, webhooks, leads, ids, now());
    }
    await store.webhooks.commitRelay(
      siteId,
      changes.map((change) => change.id),
      deliveries,
      now(),
    );
    made.push(...deliveries);
    if (changes.length < RELAY_PAGE) break;
  }
  return made;
}

/**
 * First attempts made here and now (the speed-to-lead path): what fails, or cannot be attempted,
 * goes to the queue for its retry. Never throws: a delivery the queue could not take either is
 * found by the minute sweep.
 */
export async function deliverNow(
  store: Store,
  deliveryIdsToSend: string[],
  options: DeliveryOptions,
): Promise<void> {
  const later: { deliveryId: string; delaySeconds: number }[] = [];
  await Promise.all(
    deliveryIdsToSend.map(async (deliveryId) => {
      try {
        const result = await attemptDelivery(store, deliveryId, options);
        if (result.kind === 'later') later.push({ deliveryId, delaySeconds: result.delaySeconds });
        else if (result.kind === 'attempted' && result.settlement.retryInSeconds !== null)
          later.push({ deliveryId, delaySeconds: result.settlement.retryInSeconds });
      } catch (error) {
        console.error('webhook attempt failed to run; queued', errorText(error));
        later.push({ deliveryId, delaySeconds: 0 });
      }
    }),
  );
  if (later.length === 0) return;
  try {
    await options.enqueue(later);
  } catch (error) {
    console.error('webhook retries could not be queued; the sweep will', errorText(error));
  }
}

/** Relays a site's new changes and queues their first attempts (or makes them now, `inline`). */
export async function relayAndDeliver(
  store: Store,
  siteId: string,
  options: DeliveryOptions,
  { inline = false } = {},
): Promise<void> {
  const deliveries = await relayChanges(store, siteId, options.now);
  if (deliveries.length === 0) return;
  const ids = deliveries.map((delivery) => delivery.id);
  if (inline) await deliverNow(store, ids, options);
  else await options.enqueue(ids.map((deliveryId) => ({ deliveryId, delaySeconds: 0 })));
}

/** Deliveries due this long ago and still not attempted are taken to be lost by the queue. */
const OVERDUE_MS = 60_000;
const SWEEP_LIMIT = 500;

/**
 * The minute sweep: relays changes a crash left unrelayed and re-queues overdue deliveries.
 * Duplicated queue messages are harmless: a delivery is claimed before it is sent.
 */
export async function sweepWebhooks(
  store: Store,
  options: DeliveryOptions,
): Promise<{ sites: number; requeued: number }> {
  const now = options.now ?? Date.now;
  const siteIds = await store.webhooks.sitesWithUnrelayedChanges(SWEEP_LIMIT);
  for (const siteId of siteIds) await relayAndDeliver(store, siteId, options);
  const overdue = await store.webhooks.overdueDeliveries(now() - OVERDUE_MS, SWEEP_LIMIT);
  if (overdue.length > 0)
    await options.enqueue(overdue.map(({ id }) => ({ deliveryId: id, delaySeconds: 0 })));
  return { sites: siteIds.length, requeued: overdue.length };
}

const isDeliveryJob = (body: unknown): body is DeliveryJob =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as DeliveryJob).deliveryId === 'string' &&
  (body as DeliveryJob).deliveryId.length <= 200;

/** Seconds before a job whose attempt could not run (the database failed) comes back. */
const INFRASTRUCTURE_RETRY_SECONDS = 30;

/** The `webhooks` queue consumer: one attempt per message, retried with the schedule's delay. */
export async function consumeDeliveryJobs(
  batch: MessageBatch<unknown>,
  store: Store,
  options: DeliveryOptions,
): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      if (!isDeliveryJob(message.body)) {
        console.error('webhooks queue: malformed message dropped', message.id);
        message.ack();
        return;
      }
      try {
        const result = await attemptDelivery(store, message.body.deliveryId, options);
        const delaySeconds =
          result.kind === 'later'
            ? result.delaySeconds
            : result.kind === 'attempted'
              ? result.settlement.retryInSeconds
              : null;
        if (delaySeconds === null) message.ack();
        else message.retry({ delaySeconds });
      } catch (error) {
        console.error('webhook attempt failed to run; retrying', errorText(error));
        message.retry({ delaySeconds: INFRASTRUCTURE_RETRY_SECONDS });
      }
    }),
  );
}

/** The webhooks dead-letter queue: what the queue gave up on is failed, visibly, and redeliverable. */
export async function failDeadDeliveries(
  batch: MessageBatch<unknown>,
  store: Store,
): Promise<void> {
  const ids = batch.messages.flatMap((message) =>
    isDeliveryJob(message.body) ? [message.body.deliveryId] : [],
  );
  try {
    await store.webhooks.failDeliveries(
      ids,
      'dead-lettered: the webhooks queue gave up retrying it (see max_retries in wrangler.toml)',
    );
    batch.ackAll();
  } catch (error) {
    console.error('webhook dead letters could not be recorded; retrying', errorText(error));
    batch.retryAll({ delaySeconds: 300 });
  }
}

function errorText(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return (cause instanceof Error ? cause.message : String(cause)).slice(0, 300);
}
