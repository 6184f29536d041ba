import sdkScript, { etag } from '@leadloop/sdk/script';
import type { Hono } from 'hono';
import { createApp, type Environment } from '../app.ts';
import type { EventMessage } from '../core/event-record.ts';
import { IDEMPOTENCY_KEEP_MS } from '../core/idempotency.ts';
import { configuredRateLimit } from '../http/rate-limit.ts';
import { D1Store } from '../store/d1.ts';
import { connectForWork, connectPerOperation, PostgresStore } from '../store/postgres.ts';
import type { Store } from '../store/types.ts';
import { consumeEvents, quarantineDeadLetters } from './events-consumer.ts';
import { rescoreAllSites } from './lead-updater.ts';
import { queueSink } from './queue-sink.ts';
import { purgeExpiredActivity } from './retention.ts';
import { speedToLead } from './speed-to-lead.ts';
import {
  consumeDeliveryJobs,
  type DeliveryJob,
  type DeliveryOptions,
  failDeadDeliveries,
  relayAndDeliver,
  sweepWebhooks,
} from './webhook-deliverer.ts';

/** The daily rescore's cron (wrangler.toml [triggers]); the other one is the minute sweep. */
const DAILY_RESCORE_CRON = '17 3 * * *';
/** Queues takes at most 100 messages per sendBatch. */
const MAX_SEND_BATCH = 100;

/** Postgres when a Hyperdrive binding is configured (wrangler.postgres.toml), D1 otherwise. */
function storeFor(env: Env): Store {
  return env.HYPERDRIVE
    ? new PostgresStore(connectPerOperation(env.HYPERDRIVE.connectionString))
    : new D1Store(env.DB);
}

/**
 * The store for one queue batch. On Postgres the batch keeps one connection from start to end
 * (a lead update reads and writes a dozen times), closed when the batch is done.
 */
function batchStoreFor(env: Env): { store: Store; close(): Promise<void> } {
  if (!env.HYPERDRIVE) return { store: new D1Store(env.DB), close: async () => {} };
  const connection = connectForWork(env.HYPERDRIVE.connectionString);
  return { store: new PostgresStore(connection), close: connection.end };
}

const isDevelopment = (env: Env) => env.LEADLOOP_ENV === 'development';

/** The documented retry schedule, or in development a shorter one from the environment. */
function retrySchedule(env: Env): number[] | undefined {
  const configured = env.LEADLOOP_WEBHOOK_RETRY_SECONDS;
  if (!isDevelopment(env) || !configured) return undefined;
  const seconds = configured.split(',').map(Number);
  return seconds.every((value) => Number.isInteger(value) && value >= 0) ? seconds : undefined;
}

function deliveryOptions(env: Env): DeliveryOptions {
  const queue = env.WEBHOOKS as Queue<DeliveryJob>;
  const schedule = retrySchedule(env);
  return {
    allowPrivate: isDevelopment(env),
    ...(schedule ? { schedule } : {}),
    async enqueue(jobs) {
      for (let start = 0; start < jobs.length; start += MAX_SEND_BATCH)
        await queue.sendBatch(
          jobs.slice(start, start + MAX_SEND_BATCH).map(({ deliveryId, delaySeconds }) => ({
            body: { deliveryId },
            contentType: 'json',
            delaySeconds,
          })),
        );
    },
  };
}

let app: Hono | undefined;

function appFor(env: Env): Hono {
  if (app) return app;
  const store = storeFor(env);
  const delivery = deliveryOptions(env);
  app = createApp({
    store,
    events: queueSink(env.EVENTS as Queue<EventMessage>),
    delivery,
    speedToLead: speedToLead(store, delivery),
    rateLimit: configuredRateLimit(env.API_RATE_LIMIT, {
      development: isDevelopment(env),
      setting: env.LEADLOOP_RATE_LIMIT,
      periodSeconds: env.LEADLOOP_RATE_LIMIT_PERIOD,
    }),
    config: {
      environment: isDevelopment(env) ? 'development' : ('production' as Environment),
      adminToken: env.LEADLOOP_ADMIN_TOKEN,
      basePath: env.LEADLOOP_BASE_PATH,
    },
    sdkScript: { code: sdkScript, etag },
  });
  return app;
}

export default {
  fetch(request, env, ctx) {
    return appFor(env).fetch(request, env, ctx);
  },
  async scheduled(controller, env, _ctx) {
    const { store, close } = batchStoreFor(env);
    try {
      // Daily: purge activity older than each site's retention, rescore every lead as its
      // engagement fades (and from what is kept), and forget kept Idempotency-Key answers older
      // than their day. Every minute: the webhook sweep.
      if (controller.cron === DAILY_RESCORE_CRON) {
        await purgeExpiredActivity(store, Date.now());
        await rescoreAllSites(store, queueSink(env.EVENTS as Queue<EventMessage>));
        await store.idempotency.purgeExpired(Date.now() - IDEMPOTENCY_KEEP_MS);
      } else await sweepWebhooks(store, deliveryOptions(env));
    } finally {
      await close();
    }
  },
  async queue(batch, env, _ctx) {
    const { store, close } = batchStoreFor(env);
    try {
      // Queues are told apart by name (wrangler.toml): leadloop-webhooks, leadloop-events, and
      // their `-dlq` dead-letter queues.
      const webhooks = batch.queue.includes('webhooks');
      const deadLetters = batch.queue.endsWith('-dlq');
      if (webhooks && deadLetters) await failDeadDeliveries(batch, store);
      else if (webhooks) await consumeDeliveryJobs(batch, store, deliveryOptions(env));
      else if (deadLetters) await quarantineDeadLetters(batch, store);
      else {
        const delivery = deliveryOptions(env);
        await consumeEvents(batch, store, {
          enqueue: queueSink(env.EVENTS as Queue<EventMessage>),
          onChanges: (siteId) => relayAndDeliver(store, siteId, delivery),
        });
      }
    } finally {
      await close();
    }
  },
} satisfies ExportedHandler<Env>;
