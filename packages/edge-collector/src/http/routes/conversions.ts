import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';

/** `POST` / `GET /v1/conversions`: CRM outcomes. */
export function conversionRoutes(_deps: AppDeps): Hono {
  return new Hono();
}
