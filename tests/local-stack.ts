// The collector on local workerd (throwaway D1 state) plus the example landing page, for tests.

import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveLandingPage } from '../examples/landing-page/serve.ts';
import {
  freePort,
  type LocalCollector,
  queryLocalD1,
  startLocalCollector,
} from '../packages/edge-collector/local/dev-server.ts';
import type { CreateSiteResponse } from '../packages/schema/src/index.ts';

const ADMIN_TOKEN = 'e2e-admin-token';

export type LocalStackOptions = {
  /** Origins the site allows besides the landing page's own (wildcards like `http://*.site.test:8080`). */
  allowedOrigins?: readonly string[];
};

export type LocalStack = {
  /** The running collector (a new object after `startCollector`). */
  collector: LocalCollector;
  pageOrigin: string;
  site: CreateSiteResponse;
  /** Runs SQL against the stack's local D1 and returns the rows. */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Stops the collector only; its D1 state stays for `startCollector`. */
  stopCollector(): Promise<void>;
  /** Starts the collector again on the same port and D1 state. */
  startCollector(): Promise<void>;
  stop(): Promise<void>;
};

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const persistTo = await mkdtemp(join(tmpdir(), 'leadloop-e2e-'));
  const collectorOptions = { port: await freePort(), persistTo, adminToken: ADMIN_TOKEN };
  let collector = await startLocalCollector(collectorOptions);
  const pagePort = await freePort();
  const pageOrigin = `http://127.0.0.1:${pagePort}`;
  const response = await fetch(`${collector.url}/v1/admin/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'E2E',
      defaultCountry: 'US',
      allowedOrigins: [pageOrigin, ...(options.allowedOrigins ?? [])],
    }),
  });
  if (response.status !== 201) throw new Error(`site: ${response.status} ${await response.text()}`);
  const site = (await response.json()) as CreateSiteResponse;
  const page: Server = await serveLandingPage({
    port: pagePort,
    collectorUrl: collector.url,
    writeKey: site.writeKey,
  });

  const query = <T>(sql: string) => queryLocalD1<T>(sql, persistTo);

  return {
    get collector() {
      return collector;
    },
    pageOrigin,
    site,
    query,
    stopCollector: () => collector.stop(),
    async startCollector() {
      await collector.stop();
      collector = await startLocalCollector(collectorOptions);
    },
    async stop() {
      page.close();
      await collector.stop();
      await rm(persistTo, { recursive: true, force: true });
    },
  };
}
