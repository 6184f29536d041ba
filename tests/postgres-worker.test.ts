// The Postgres deployment as it runs: the Worker under wrangler dev with wrangler.postgres.toml,
// reaching the throwaway server through its Hyperdrive binding, events flowing collect → queue →
// consumer → Postgres, and back out through the REST API as a lead.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migratePostgres } from '../packages/edge-collector/local/migrate-postgres.ts';
import {
  collectorDir,
  type DevServer,
  freePort,
  startDevServer,
} from '../packages/edge-collector/local/wrangler-dev.ts';
import type { CreateSiteResponse } from '../packages/schema/src/index.ts';

const ADMIN_TOKEN = 'postgres-e2e-admin';
const ORIGIN = 'https://www.acme.test';
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let server: DevServer;
let persistTo: string;
let sql: postgres.Sql;
let databaseUrl: string;

beforeAll(async () => {
  const url = new URL(inject('databaseUrl'));
  const admin = postgres(url.href, { max: 1, onnotice: () => {} });
  const database = `worker_${process.pid}_${Date.now()}`;
  await admin.unsafe(`create database ${database}`);
  await admin.end();
  url.pathname = `/${database}`;
  databaseUrl = url.href;
  await migratePostgres(databaseUrl);
  sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  persistTo = await mkdtemp(join(tmpdir(), 'leadloop-pg-e2e-'));
  server = await startDevServer({
    dir: collectorDir,
    config: 'wrangler.postgres.toml',
    port: await freePort(),
    persistTo,
    readyPath: '/healthz',
    vars: { LEADLOOP_ENV: 'development', LEADLOOP_ADMIN_TOKEN: ADMIN_TOKEN },
    env: { CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: databaseUrl },
  });
});

afterAll(async () => {
  await server?.stop();
  await sql?.end();
  if (persistTo) await rm(persistTo, { recursive: true, force: true });
});

async function waitFor<T>(read: () => Promise<T[]>, count: number): Promise<T[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = await read();
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the Worker on Postgres through Hyperdrive', () => {
  it('creates a site, collects a visit and stores its events, session, visitor and lead', async () => {
    const created = await fetch(`${server.url}/v1/admin/sites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Acme', allowedOrigins: [ORIGIN] }),
    });
    expect(created.status).toBe(201);
    const { site, writeKey, secretKey } = (await created.json()) as CreateSiteResponse;

    const landing = `${ORIGIN}/pricing?utm_source=google&utm_medium=cpc&gclid=pg-1`;
    const now = new Date().toISOString();
    const event = (type: string, extra: object = {}) => ({
      id: crypto.randomUUID(),
      type,
      timestamp: now,
      anonymousId: 'pg-visitor',
      sessionId: 'pg-session',
      page: { url: landing, path: '/pricing', referrer: 'https://www.google.com/' },
      attribution: { last: { landingPage: landing, timestamp: now } },
      ...extra,
    });
    const events = [
      event('pageview'),
      event('identify', { traits: { email: 'Ada@Acme.com', name: 'Ada' } }),
    ];
    const body = JSON.stringify({ writeKey, sentAt: now, events });
    const send = () =>
      fetch(`${server.url}/v1/collect`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: ORIGIN, 'user-agent': CHROME },
        body,
      });
    expect((await send()).status).toBe(202);
    expect((await send()).status).toBe(202); // a resend stores nothing twice

    const stored = await waitFor(
      () => sql`select id, type, browser, bot from events where site_id = ${site.id}`,
      2,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000)); // the resend's batch, if any
    const rows = await sql`select id, type, browser, bot from events where site_id = ${site.id}`;
    expect(rows.map((row) => row.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(stored[0]).toMatchObject({ browser: 'Chrome', bot: false });

    const [session] = await sql`
      select channel, source, medium, click_id_type, click_id, device_type
      from sessions where site_id = ${site.id} and id = 'pg-session'`;
    expect(session).toEqual({
      channel: 'Paid Search',
      source: 'google',
      medium: 'cpc',
      click_id_type: 'gclid',
      click_id: 'pg-1',
      device_type: 'desktop',
    });
    const visitors = await sql`
      select first_seen_at from visitors where site_id = ${site.id} and anonymous_id = 'pg-visitor'`;
    expect(visitors).toHaveLength(1);

    // The identify made a lead, read back through the REST API with the secret key.
    const response = await fetch(`${server.url}/v1/leads?email=ada@acme.com`, {
      headers: { authorization: `Bearer ${secretKey}` },
    });
    const { data } = (await response.json()) as { data: Record<string, unknown>[] };
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({
      email: 'ada@acme.com',
      name: 'Ada',
      visitorIds: ['pg-visitor'],
      firstTouch: { channel: 'Paid Search', clickId: 'pg-1' },
    });
  });
});
