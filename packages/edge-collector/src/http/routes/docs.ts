import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';

/** `GET /v1/openapi.json` and `GET /docs`: the API reference. */
export function docsRoutes(_deps: AppDeps): Hono {
  return new Hono();
}
