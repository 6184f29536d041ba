import sdkScript, { etag } from '@leadloop/sdk/script';
import type { Hono } from 'hono';
import { createApp, type Environment } from '../app.ts';
import type { EventRecord } from '../core/event-record.ts';
import { D1Store } from '../store/d1.ts';
import { consumeEvents } from './events-consumer.ts';
import { queueSink } from './queue-sink.ts';

let app: Hono | undefined;

function appFor(env: Env): Hono {
  app ??= createApp({
    store: new D1Store(env.DB),
    events: queueSink(env.EVENTS as Queue<EventRecord>),
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
  async queue(batch, env, _ctx) {
    // One consumer: the events queue (its dead letters stay in leadloop-events-dlq for now).
    await consumeEvents(batch as MessageBatch<EventRecord>, new D1Store(env.DB));
  },
} satisfies ExportedHandler<Env>;
