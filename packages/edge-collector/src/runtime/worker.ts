import sdkScript, { etag } from '@leadloop/sdk/script';
import type { Hono } from 'hono';
import { createApp, type Environment } from '../app.ts';
import type { EventMessage } from '../core/event-record.ts';
import { D1Store } from '../store/d1.ts';
import { connectForWork, connectPerOperation, PostgresStore } from '../store/postgres.ts';
import type { Store } from '../store/types.ts';
import { consumeEvents, quarantineDeadLetters } from './events-consumer.ts';
import { rescoreAllSites } from './lead-updater.ts';
import { queueSink } from './queue-sink.ts';

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

let app: Hono | undefined;

function appFor(env: Env): Hono {
  app ??= createApp({
    store: storeFor(env),
    events: queueSink(env.EVENTS as Queue<EventMessage>),
    config: {
      environment:
        env.LEADLOOP_ENV === 'development' ? 'development' : ('production' as Environment),
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
  // The daily cron (wrangler.toml [triggers]): rescore every lead as its engagement fades.
  async scheduled(_controller, env, _ctx) {
    const { store, close } = batchStoreFor(env);
    try {
      await rescoreAllSites(store, queueSink(env.EVENTS as Queue<EventMessage>));
    } finally {
      await close();
    }
  },
  async queue(batch, env, _ctx) {
    const { store, close } = batchStoreFor(env);
    try {
      // Dead-letter queues are named `<queue>-dlq` (wrangler.toml).
      if (batch.queue.endsWith('-dlq')) {
        await quarantineDeadLetters(batch, store);
      } else {
        const events = queueSink(env.EVENTS as Queue<EventMessage>);
        await consumeEvents(batch, store, { enqueue: events });
      }
    } finally {
      await close();
    }
  },
} satisfies ExportedHandler<Env>;
