import { Hono } from 'hono';
import { parseBasePath } from './core/base-path.ts';
import type { EventSink } from './core/event-sink.ts';
import { notFound, onError } from './http/problem.ts';
import type { ApiRateLimit } from './http/rate-limit.ts';
import { adminRoutes } from './http/routes/admin.ts';
import { attributionRoutes } from './http/routes/attribution.ts';
import { collectRoutes } from './http/routes/collect.ts';
import { conversionRoutes } from './http/routes/conversions.ts';
import { costRoutes } from './http/routes/costs.ts';
import { docsRoutes } from './http/routes/docs.ts';
import { exportRoutes } from './http/routes/exports.ts';
import { healthRoutes } from './http/routes/health.ts';
import { leadRoutes } from './http/routes/leads.ts';
import { reportPageRoutes } from './http/routes/report-page.ts';
import { reportRoutes } from './http/routes/reports.ts';
import { scoringRoutes } from './http/routes/scoring.ts';
import { type SdkScript, sdkScriptRoutes } from './http/routes/sdk-script.ts';
import { serverEventRoutes } from './http/routes/server-events.ts';
import { webhookDeliveryRoutes, webhookRoutes } from './http/routes/webhooks.ts';
import type { SpeedToLead } from './runtime/speed-to-lead.ts';
import type { DeliveryOptions } from './runtime/webhook-deliverer.ts';
import type { Store } from './store/types.ts';

export type Environment = 'development' | 'production';

export type AppConfig = {
  environment: Environment;
  /** Operator token for `/v1/admin/*`; in development a default applies when unset. */
  adminToken?: string | undefined;
  /**
   * A prefix (`/ll`) under which every route is served as well as at the root, for a Workers
   * route on the site's own domain (`example.com/ll/*`). Starts with `/`, no trailing slash.
   */
  basePath?: string | undefined;
};

export type AppDeps = {
  store: Store;
  /** Durable hand-over of accepted events (the `events` queue in the Workers runtime). */
  events: EventSink;
  /** How webhook attempts are made and queued (the `webhooks` queue in the Workers runtime). */
  delivery: DeliveryOptions;
  /**
   * Stores, stitches and delivers a batch that can announce something right after the answer,
   * besides the queue hand-over (runtime/speed-to-lead.ts). Absent: the queue alone does it.
   */
  speedToLead?: SpeedToLead;
  /**
   * Requests per secret key on the REST API (the Workers Rate Limiting binding). Absent: no limit,
   * as in development unless configured.
   */
  rateLimit?: ApiRateLimit;
  config: AppConfig;
  sdkScript: SdkScript;
  /** Milliseconds since the epoch; injectable so tests control time. */
  now?: () => number;
};

/** The whole collector as a runtime-agnostic Hono app; the Workers entry only wires bindings. */
export function createApp(deps: AppDeps): Hono {
  const base = parseBasePath(deps.config.basePath);
  if (!base.ok) throw new Error(`Invalid base path "${deps.config.basePath}": ${base.error}.`);

  const routes = new Hono()
    .route('/', healthRoutes())
    .route('/', sdkScriptRoutes(deps.sdkScript))
    .route('/', docsRoutes(deps))
    .route('/', reportPageRoutes(deps))
    .route('/v1/admin', adminRoutes(deps))
    .route('/v1/collect', collectRoutes(deps))
    .route('/v1', serverEventRoutes(deps))
    .route('/v1/leads', leadRoutes(deps))
    .route('/v1/conversions', conversionRoutes(deps))
    .route('/v1/costs', costRoutes(deps))
    .route('/v1/attribution', attributionRoutes(deps))
    .route('/v1/reports', reportRoutes(deps))
    .route('/v1/exports', exportRoutes(deps))
    .route('/v1/scoring', scoringRoutes(deps))
    .route('/v1/webhooks', webhookRoutes(deps))
    .route('/v1/webhook-deliveries', webhookDeliveryRoutes(deps));

  const app = new Hono();
  app.route('/', routes);
  if (base.basePath) app.route(base.basePath, routes);
  app.notFound(() => notFound().toResponse());
  app.onError(onError);
  return app;
}
