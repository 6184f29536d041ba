// Runs the collector on local workerd with local D1 and Queues, for the demo, the browser tests and
// the benchmarks. Node-only: never bundled into the Worker.
import { collectorDir, type DevServer, startDevServer, wrangler } from './wrangler-dev.ts';

export { freePort, queryLocalD1 } from './wrangler-dev.ts';

export type LocalCollectorOptions = {
  port: number;
  /** Where local D1 and Queues keep their state (default `.wrangler/state` of the collector). */
  persistTo?: string;
  adminToken: string;
  /** Print wrangler's output (warnings and errors) to this process's stderr. */
  verbose?: boolean;
  /** More variables for the Worker (`LEADLOOP_WEBHOOK_RETRY_SECONDS` in the webhook tests). */
  vars?: Record<string, string>;
};

export type LocalCollector = DevServer;

// Expected on every local start, and harmless: offline, wrangler cannot fetch the `Request.cf`
// placeholder (with a stack trace; the collector then sees no geolocation), and it says that the
// daily rescore cron does not fire by itself in development.
const EXPECTED_NOISE = [
  /Request\.cf|ENOTFOUND workers\.cloudflare\.com|^\s+at .*\(node:/,
  /Scheduled Workers are not automatically triggered|To manually trigger a scheduled event/,
  /cdn-cgi\/local\/scheduled|#test-cron-triggers-locally/,
];

function withoutOfflineNoise(text: string): string {
  return text
    .split('\n')
    .filter((line) => !EXPECTED_NOISE.some((noise) => noise.test(line)))
    .join('\n');
}

/** Applies the D1 migrations to the local database, then starts `wrangler dev` and waits for it. */
export async function startLocalCollector(options: LocalCollectorOptions): Promise<LocalCollector> {
  const persist = options.persistTo ? ['--persist-to', options.persistTo] : [];
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', ...persist]);
  return startDevServer({
    dir: collectorDir,
    port: options.port,
    persistTo: options.persistTo,
    vars: {
      ...options.vars,
      LEADLOOP_ENV: 'development',
      LEADLOOP_ADMIN_TOKEN: options.adminToken,
    },
    readyPath: '/healthz',
    onOutput: options.verbose
      ? (text) => process.stderr.write(withoutOfflineNoise(text))
      : undefined,
  });
}
