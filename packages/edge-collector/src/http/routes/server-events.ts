import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';

/** `POST /v1/identify` and `POST /v1/events`: server-side calls. */
export function serverEventRoutes(_deps: AppDeps): Hono {
  return new Hono();
}
