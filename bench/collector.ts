// The collector under wrangler dev for the ingest benchmarks: a generated config around one
// snapshot of the Worker, bundled when the run starts. wrangler dev reloads on every change to the
// sources it bundled, and a reload restarts workerd, whose local Queues keep messages in memory
// only: an edit to packages/ during a run would lose queued events and change the code measured.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type DevServer,
  freePort,
  startDevServer,
  wrangler,
} from '../packages/edge-collector/local/wrangler-dev.ts';
import { type CollectorConfig, writeVariantConfig } from './collector-config.ts';

const snapshotsDir = fileURLToPath(new URL('./.wrangler/', import.meta.url));

/** Bundles the collector as `wrangler deploy` would, without deploying; `main` is the bundle. */
export async function bundleCollector(): Promise<{ main: string; remove(): Promise<void> }> {
  const config = await writeVariantConfig({ shipped: 'wrangler.toml' });
  try {
    await mkdir(snapshotsDir, { recursive: true });
    const outdir = await mkdtemp(join(snapshotsDir, 'snapshot-'));
    await wrangler(['deploy', '--dry-run', '--outdir', outdir], { dir: config.dir });
    const remove = () => rm(outdir, { recursive: true, force: true, maxRetries: 5 });
    return { main: join(outdir, 'worker.js'), remove };
  } finally {
    await config.remove();
  }
}

export type CollectorOptions = {
  config: CollectorConfig;
  /** Where local D1 and Queues keep their state; D1 gets the shipped migrations first. */
  persistTo: string;
  adminToken: string;
};

/** Starts the collector once `/healthz` answers; `stop` also removes its generated config. */
export async function startCollector(options: CollectorOptions): Promise<DevServer> {
  const { persistTo } = options;
  if (options.config.shipped === 'wrangler.toml') {
    // The generated config keeps the shipped database_id: the same local database.
    await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo]);
  }
  const config = await writeVariantConfig(options.config);
  try {
    const server = await startDevServer({
      dir: config.dir,
      port: await freePort(),
      persistTo,
      vars: { LEADLOOP_ENV: 'development', LEADLOOP_ADMIN_TOKEN: options.adminToken },
      readyPath: '/healthz',
    });
    return {
      url: server.url,
      stop: () => server.stop().finally(config.remove),
    };
  } catch (error) {
    await config.remove();
    throw error;
  }
}
