import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';

/** `POST` / `GET /v1/costs`: daily ad spend. */
export function costRoutes(_deps: AppDeps): Hono {
  return new Hono();
}
