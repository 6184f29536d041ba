// Secrets, and vars wrangler.toml only shows commented out, are invisible to `wrangler types`.
interface Env {
  /** Operator token for `/v1/admin/*` (`wrangler secret put LEADLOOP_ADMIN_TOKEN`). */
  LEADLOOP_ADMIN_TOKEN?: string;
  /** Prefix every route is also served under (`/ll`) when running on a route of the site's domain. */
  LEADLOOP_BASE_PATH?: string;
  /** Postgres through Hyperdrive (wrangler.postgres.toml): when bound, it replaces D1. */
  HYPERDRIVE?: Hyperdrive;
  /**
   * Development only: seconds between webhook retries, comma-separated (`1,1,1`), so a demo or a
   * test sees the whole schedule in seconds. Production always uses the documented schedule.
   */
  LEADLOOP_WEBHOOK_RETRY_SECONDS?: string;
  /**
   * Requests per secret key on the REST API (wrangler.toml `[[ratelimits]]`): over the limit, 429
   * with Retry-After. Optional: tests hand the worker the generated Cloudflare.Env, which only
   * `wrangler types` can teach about it (then drop this line).
   */
  API_RATE_LIMIT?: RateLimit;
  /** `off` turns the API rate limit off, `on` on. Unset: on in production, off in development. */
  LEADLOOP_RATE_LIMIT?: string;
  /** Seconds: the `simple.period` of API_RATE_LIMIT, sent as Retry-After (default 60). */
  LEADLOOP_RATE_LIMIT_PERIOD?: string;
}
