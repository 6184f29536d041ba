// Secrets are not in wrangler.toml, so `wrangler types` cannot see them.
interface Env {
  /** Operator token for `/v1/admin/*` (`wrangler secret put LEADLOOP_ADMIN_TOKEN`). */
  LEADLOOP_ADMIN_TOKEN?: string;
}
