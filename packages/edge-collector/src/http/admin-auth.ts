import type { MiddlewareHandler } from 'hono';
import type { AppConfig } from '../app.ts';
import { secretsEqual } from '../core/keys.ts';
import { forbidden, unauthorized } from './problem.ts';

/** The operator token used in development when `LEADLOOP_ADMIN_TOKEN` is not set. */
export const DEVELOPMENT_ADMIN_TOKEN = 'leadloop-dev-admin';

/** Guards `/v1/admin/*` with `Authorization: Bearer $LEADLOOP_ADMIN_TOKEN`. */
export function requireAdminToken(config: AppConfig): MiddlewareHandler {
  const token =
    config.adminToken ||
    (config.environment === 'development' ? DEVELOPMENT_ADMIN_TOKEN : undefined);
  return async (c, next) => {
    if (!token) {
      throw forbidden('The admin API is disabled: set LEADLOOP_ADMIN_TOKEN to enable it.');
    }
    const header = c.req.header('authorization') ?? '';
    const presented = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    if (!presented) throw unauthorized('Send Authorization: Bearer <LEADLOOP_ADMIN_TOKEN>.');
    if (!(await secretsEqual(presented, token))) throw unauthorized('The admin token is wrong.');
    await next();
  };
}
