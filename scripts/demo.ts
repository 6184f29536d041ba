// `pnpm start`: the collector on local workerd with local D1, the example landing page, a seeded
// demo site, and the URLs and keys to try it. Ctrl-C stops everything.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveLandingPage } from '../examples/landing-page/serve.ts';
import { createReceiver, eventLine } from '../examples/webhook-receiver/receiver.ts';
import { startLocalCollector } from '../packages/edge-collector/local/dev-server.ts';
import type { CreateSiteResponse } from '../packages/schema/src/index.ts';

const port = Number(process.env.PORT ?? 8787);
const pagePort = Number(process.env.PAGE_PORT ?? port + 1);
const webhookPort = Number(process.env.WEBHOOK_PORT ?? port + 2);
const adminToken = process.env.LEADLOOP_ADMIN_TOKEN || 'leadloop-dev-admin';
// Kept beside the local database: the keys are stored hashed, so this is the only copy.
const demoFile = fileURLToPath(
  new URL('../packages/edge-collector/.wrangler/leadloop-demo.json', import.meta.url),
);

type DemoSite = CreateSiteResponse & { pageOrigin: string };

async function seedSite(collectorUrl: string, pageOrigin: string): Promise<DemoSite> {
  try {
    const saved = JSON.parse(await readFile(demoFile, 'utf8')) as DemoSite;
    if (saved.pageOrigin === pageOrigin) return saved;
  } catch {
    // first run, or the local state was wiped
  }
  const response = await fetch(`${collectorUrl}/v1/admin/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Northwind Roofing (demo)',
      allowedOrigins: [pageOrigin, pageOrigin.replace('127.0.0.1', 'localhost')],
      timezone: 'America/Chicago',
      defaultCountry: 'US',
    }),
  });
  if (response.status !== 201) {
    throw new Error(`seeding the demo site failed: ${response.status} ${await response.text()}`);
  }
  const site = { ...((await response.json()) as CreateSiteResponse), pageOrigin };
  await mkdir(dirname(demoFile), { recursive: true });
  await writeFile(demoFile, JSON.stringify(site, null, 2));
  return site;
}

/**
 * The example webhook receiver, subscribed to every event type: each signed delivery is verified
 * and printed here. Subscriptions of earlier runs (to a loopback URL) are replaced.
 */
async function receiveWebhooks(collectorUrl: string, secretKey: string): Promise<Server> {
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${collectorUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    });
  const { data } = (await (await api('/v1/webhooks?limit=100')).json()) as {
    data: { id: string; url: string }[];
  };
  for (const old of data.filter((webhook) => webhook.url.startsWith('http://127.0.0.1:')))
    await api(`/v1/webhooks/${old.id}`, { method: 'DELETE' });
  const response = await api('/v1/webhooks', {
    method: 'POST',
    body: JSON.stringify({
      url: `http://127.0.0.1:${webhookPort}/`,
      eventTypes: ['*'],
      description: 'the demo receiver (examples/webhook-receiver)',
    }),
  });
  if (response.status !== 201)
    throw new Error(
      `subscribing the demo receiver failed: ${response.status} ${await response.text()}`,
    );
  const { secret } = (await response.json()) as { secret: string };
  const server = createServer(
    createReceiver({ secret, onEvent: (event) => console.log(`webhook  ${eventLine(event)}`) }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(webhookPort, '127.0.0.1', resolve);
  });
  return server;
}

const collector = await startLocalCollector({ port, adminToken, verbose: true });
const pageOrigin = `http://127.0.0.1:${pagePort}`;
let site: DemoSite;
let page: Awaited<ReturnType<typeof serveLandingPage>>;
let receiver: Server;
try {
  site = await seedSite(collector.url, pageOrigin);
  page = await serveLandingPage({
    port: pagePort,
    collectorUrl: collector.url,
    writeKey: site.writeKey,
  });
  receiver = await receiveWebhooks(collector.url, site.secretKey);
} catch (error) {
  // Never leave workerd running behind a demo that could not start (a busy PAGE_PORT, say).
  await collector.stop();
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const campaignUrl = `${pageOrigin}/?utm_source=google&utm_medium=cpc&utm_campaign=storm-season&gclid=demo-click-1`;
console.log(`
Leadloop is running on local workerd with a local D1 database.

  Landing page   ${campaignUrl}
  Collector      ${collector.url}   (GET /healthz, GET /leadloop.js, POST /v1/collect)
  Site           ${site.site.id}  "${site.site.name}"
  Write key      ${site.writeKey}   (public: goes in the script tag)
  Secret key     ${site.secretKey}   (REST API: /v1/leads, /v1/conversions, /v1/webhooks, …)
  Report         ${collector.url}/report   (sign in with the secret key: attribution, funnel, heat map)
  API reference  ${collector.url}/docs   (OpenAPI 3.1: ${collector.url}/v1/openapi.json)
  Webhooks       http://127.0.0.1:${webhookPort}/   (the example receiver: verified events print below)
  Admin token    ${adminToken}   (/v1/admin/*, and the CLI: LEADLOOP_ADMIN_TOKEN=… pnpm leadloop sites list)

Fill in the page's form: its signed webhooks print here within a second. Then read the lead:
  curl -s -H 'Authorization: Bearer ${site.secretKey}' '${collector.url}/v1/leads?limit=5'
  LEADLOOP_URL=${collector.url} LEADLOOP_SECRET_KEY=${site.secretKey} npx --yes pnpm@10 --filter @leadloop/example-api run new-mqls

Stored events and sessions (from packages/edge-collector):
  npx wrangler d1 execute DB --local --command "SELECT type, page_url, browser FROM events ORDER BY occurred_at DESC LIMIT 5"
  npx wrangler d1 execute DB --local --command "SELECT channel, source, medium, campaign FROM sessions ORDER BY started_at DESC LIMIT 5"

Press Ctrl-C to stop.
`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  page.close();
  receiver.close();
  await collector.stop();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
