import { Hono } from 'hono';

/** Liveness only: static, touches neither storage nor queues. */
export function healthRoutes(): Hono {
  return new Hono().get('/healthz', (c) => c.json({ status: 'ok' }));
}
