// Speed to lead (issue 6): from a visitor's form submit in headless Chromium to the signed
// `form.submitted` webhook on a local receiver, on one bundled copy of the collector under
// `wrangler dev` (throwaway D1 state). Beside it, from the same submit to the collector's 202 for
// the `POST /v1/collect` that carried the form: the part of the time that is the browser and the
// ingest request, the rest being storing, stitching, relaying and the delivery itself.
//
// Every submit comes from a new visitor (a fresh browser context: no cookie, no storage) with its
// own email and phone, so every submit makes a lead of its own. The page first sends its pageview,
// as a visitor who reads before filling the form does, so the submit's request carries the form.
// Both clocks are Date.now() on this machine: in this process right before the click is dispatched
// in the page, on the receiver (the example's createReceiver, in this process) once a delivery's
// Standard Webhooks signature is verified, and in a TCP relay between the page and the collector
// when the 202 passes it (Chromium itself reports the form's keepalive fetch as aborted once the
// page navigates to /thanks, so Playwright never sees that answer).
// Locally the two come out close: the 202 of a request carrying a form leaves only once the
// fast path's D1 work is done (local workerd holds a response while its waitUntil queries the
// local D1; a waitUntil that only waits on a timer does not hold it), which the request-to-202
// times at the relay show beside the visit's pageview.
// Submits go one at a time: each waits for its delivery, and its visitor stays 2 s on /thanks
// (whose SDK resends what the unloaded page left queued), so no submit queues behind another.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateSiteResponse } from '@leadloop/schema';
import { serveLandingPage } from '../examples/landing-page/serve.ts';
import { createReceiver, type LeadloopEvent } from '../examples/webhook-receiver/receiver.ts';
import { freePort } from '../packages/edge-collector/local/wrangler-dev.ts';
import { type Browser, launchChromium } from './chromium.ts';
import { withCleanup } from './cleanup.ts';
import { bundleCollector, startCollector } from './collector.ts';
import { int, type Row } from './report.ts';

type BrowserContext = import('../tests/node_modules/playwright-core/index.js').BrowserContext;

export type SpeedToLeadOptions = {
  /** Measured submits. */
  submits: number;
  /** Submits before them, not measured: the first requests of a new workerd pay for its start. */
  warmup?: number;
};

type Sample = {
  email: string;
  /** Date.now() right before the click on the submit button is dispatched. */
  submittedAt: number;
  /** The id of the `form_submit` event, read off the collect request. */
  eventId?: string;
  /** When the collector began to answer the first collect request carrying the form. */
  answeredAt?: number;
  answerStatus?: number;
  /** From the first bytes of that request to the first of its answer, at the relay. */
  formAnswerMs?: number;
  /** The same for the visit's first collect request without the form (its pageview). */
  pageviewAnswerMs?: number;
  /**
   * Collect requests that carried the form, answered while the sample was watched: the form's
   * fetch, the unloading page's beacons, the /thanks page's resend of its queue.
   */
  collectRequests: number;
  /** Of these, the ones Chromium reported as failed (aborted by the navigation). */
  abortedInBrowser: number;
  /** When Playwright first reported a 202 for a collect request carrying the form. */
  browserSaw202At?: number;
  /** When the receiver verified the delivery's signature. */
  deliveredAt?: number;
  /** The delivery's `webhook-id`. */
  webhookId?: string;
  /** Deliveries of this form with another webhook-id (there should be none). */
  extraDeliveries: number;
};

/** What this benchmark reads of `GET /v1/webhooks/{id}/deliveries`. */
type DeliveryLogEntry = { id: string; attempts: number; createdAt: string };

const bench = 'Speed to lead, headless Chromium';
const TARGET_MS = 1_000;
const DEFAULT_WARMUP = 2;
/** How long one submit waits for its delivery before the next visitor comes. */
const PER_SUBMIT_WAIT_MS = 5_000;
/** After the last submit, how long stragglers may still arrive (the queue's batch window, a retry). */
const FINAL_WAIT_MS = 15_000;
const PAGEVIEW_WAIT_MS = 5_000;
/** The visitor stays on /thanks this long after the submit: its SDK sends what it found queued. */
const THANKS_DWELL_MS = 2_000;
const ADMIN_TOKEN = randomUUID();

const log = (message: string) => process.stderr.write(`  speed-to-lead: ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

/** Nearest-rank percentile; a missing value counts as infinitely late. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const ms = (value: number) => (Number.isFinite(value) ? `${int(value)} ms` : 'missing');

function summary(values: number[]) {
  return {
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

async function api<T>(url: string, init: RequestInit & { expect: number }): Promise<T> {
  const response = await fetch(url, init);
  if (response.status !== init.expect) {
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as T;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The form's field values of a `form.submitted` event, lower-cased. */
function formValues(event: LeadloopEvent): string[] {
  const form = event.data.form;
  const fields = isRecord(form) && isRecord(form.fields) ? form.fields : {};
  return Object.values(fields).flatMap((value) =>
    typeof value === 'string' ? [value.toLowerCase()] : [],
  );
}

/** Headless Chromium calls itself HeadlessChrome, which the collector counts as a bot. */
async function chromeUserAgent(browser: Browser): Promise<string> {
  const cdp = await browser.newBrowserCDPSession();
  const { userAgent } = await cdp.send('Browser.getVersion');
  await cdp.detach();
  return userAgent.replace('HeadlessChrome', 'Chrome');
}

/**
 * Reads the form's event id off the collect requests of a context, and what Chromium reports of
 * them: the form's own keepalive fetch is reported aborted once the page navigates to /thanks
 * (the request itself goes on), so a 202 is seen only for the /thanks page's resend of its queue.
 */
function watchCollect(context: BrowserContext, collectUrl: string, sample: Sample): void {
  const carriesForm = new Set<unknown>();
  context.on('request', (request) => {
    if (request.url() !== collectUrl || request.method() !== 'POST') return;
    const body = request.postData() ?? '';
    if (!body.includes(sample.email)) return;
    carriesForm.add(request);
    try {
      const { events } = JSON.parse(body) as { events: { id: string; type: string }[] };
      sample.eventId ??= events.find((event) => event.type === 'form_submit')?.id;
    } catch {
      // not JSON: the email is what matches
    }
  });
  context.on('requestfailed', (request) => {
    if (carriesForm.has(request)) sample.abortedInBrowser++;
  });
  context.on('response', (response) => {
    if (carriesForm.has(response.request()) && response.status() === 202)
      sample.browserSaw202At ??= Date.now();
  });
}

/**
 * A TCP relay between the browser and the collector that notes when the collector starts to
 * answer a `POST /v1/collect` carrying a sample's email: the bytes pass through untouched, so the
 * page talks HTTP/1.1 to the collector as it would directly, one loopback hop longer. Chromium
 * sends one request at a time on a connection, so the first bytes back after a request are its
 * answer.
 */
async function startCollectTap(
  collectorUrl: string,
  pending: () => Iterable<Sample>,
): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(collectorUrl);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const server = createNetServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    track(client);
    track(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let request = ''; // what the browser sent since the collector last answered
    let sentAt = 0; // when its first bytes came
    client.on('data', (chunk: Buffer) => {
      if (!request) sentAt = Date.now();
      request += chunk.toString('latin1');
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      const at = Date.now();
      if (request.startsWith('POST /v1/collect ')) {
        const samples = [...pending()];
        const carrying = samples.filter((sample) => request.includes(sample.email));
        for (const sample of carrying) {
          sample.collectRequests++;
          if (sample.answeredAt !== undefined) continue;
          sample.answeredAt = at;
          sample.answerStatus = Number(chunk.toString('latin1', 9, 12));
          sample.formAnswerMs = at - sentAt;
        }
        const current = samples.at(-1);
        if (carrying.length === 0 && current) current.pageviewAnswerMs ??= at - sentAt;
      }
      request = '';
      client.write(chunk);
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

async function submitOnce(
  browser: Browser,
  userAgent: string,
  origin: string,
  collectUrl: string,
  sample: Sample,
  index: number,
): Promise<void> {
  const context = await browser.newContext({ userAgent });
  try {
    watchCollect(context, collectUrl, sample);
    const page = await context.newPage();
    const pageview = page
      .waitForResponse((response) => response.url() === collectUrl, { timeout: PAGEVIEW_WAIT_MS })
      .catch(() => log(`submit ${index}: no pageview request within ${PAGEVIEW_WAIT_MS} ms`));
    await page.goto(
      `${origin}/?utm_source=google&utm_medium=cpc&utm_campaign=speed-to-lead&gclid=bench-${index}`,
      { waitUntil: 'load' },
    );
    await pageview;
    await page.fill('#name', `Bench Visitor ${index}`);
    await page.fill('#email', sample.email);
    await page.fill('#phone', `+1 512 263 ${String(1000 + index).padStart(4, '0')}`);
    await page.fill('#message', 'Hail damage on the north side');
    sample.submittedAt = Date.now();
    // A click dispatched in the page: no actionability checks between the clock and the submit.
    await page
      .evaluate(`document.querySelector('#quote button[type=submit]').click()`)
      .catch((error: unknown) => {
        // The navigation to /thanks may end the page's context before evaluate returns.
        if (!String(error).includes('Execution context was destroyed')) throw error;
      });
    await until(
      () => sample.deliveredAt !== undefined && sample.answeredAt !== undefined,
      PER_SUBMIT_WAIT_MS,
    );
    await sleep(sample.submittedAt + THANKS_DWELL_MS - Date.now());
  } finally {
    await context.close();
  }
}

/** Every delivery of the webhook, from its delivery log. */
async function deliveryLog(
  collectorUrl: string,
  secretKey: string,
  webhookId: string,
): Promise<DeliveryLogEntry[]> {
  const entries: DeliveryLogEntry[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page: { data: DeliveryLogEntry[]; nextCursor: string | null } = await api(
      `${collectorUrl}/v1/webhooks/${webhookId}/deliveries?limit=100${query}`,
      { headers: { authorization: `Bearer ${secretKey}` }, expect: 200 },
    );
    entries.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

export function speedToLead(options: SpeedToLeadOptions): Promise<Row[]> {
  const warmup = options.warmup ?? DEFAULT_WARMUP;
  return withCleanup(async ({ own }) => {
    let browser: Browser;
    try {
      browser = await launchChromium();
    } catch (error) {
      const notes = error instanceof Error ? error.message : String(error);
      return [{ bench, metric: 'all', result: 'unavailable', notes }];
    }
    own(() => browser.close());

    log('bundling the collector (wrangler deploy --dry-run)');
    const worker = await bundleCollector();
    own(worker.remove);
    const persistTo = await mkdtemp(join(tmpdir(), 'leadloop-bench-speed-'));
    own(() => rm(persistTo, { recursive: true, force: true, maxRetries: 5 }));
    log('starting the collector (wrangler dev, throwaway D1)');
    const collector = await startCollector({
      config: { shipped: 'wrangler.toml', main: worker.main },
      persistTo,
      adminToken: ADMIN_TOKEN,
    });
    own(collector.stop);
    // The page reaches the collector through the tap, which sees when each 202 leaves.
    const samples: Sample[] = [];
    const tap = await startCollectTap(collector.url, () => samples);
    own(tap.close);
    const collectUrl = `${tap.url}/v1/collect`;

    const pagePort = await freePort();
    const pageOrigin = `http://127.0.0.1:${pagePort}`;
    const site = await api<CreateSiteResponse>(`${collector.url}/v1/admin/sites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Speed to lead',
        defaultCountry: 'US',
        allowedOrigins: [pageOrigin],
      }),
      expect: 201,
    });
    const pages = await serveLandingPage({
      port: pagePort,
      collectorUrl: tap.url,
      writeKey: site.writeKey,
    });
    own(() => closeServer(pages));

    // The receiver listens before the webhook exists (its URL is registered); it verifies with
    // the secret the registration returns. Anything it does not acknowledge with 204 is counted.
    const unmatched: LeadloopEvent[] = [];
    const refusals: number[] = [];
    let verify: RequestListener | undefined;
    const receiver = createServer((request, response) => {
      response.once('finish', () => {
        if (response.statusCode !== 204) refusals.push(response.statusCode);
      });
      if (verify) verify(request, response);
      else response.writeHead(503).end();
    });
    const receiverPort = await listen(receiver);
    own(() => closeServer(receiver));
    const onEvent = (event: LeadloopEvent) => {
      const arrivedAt = Date.now();
      const values = event.type === 'form.submitted' ? formValues(event) : [];
      const eventId = event.data.eventId;
      const sample = samples.find(
        (s) => values.includes(s.email) || (s.eventId !== undefined && s.eventId === eventId),
      );
      if (!sample) unmatched.push(event);
      else if (sample.deliveredAt === undefined) {
        sample.deliveredAt = arrivedAt;
        sample.webhookId = event.id;
      } else sample.extraDeliveries++;
    };
    const webhook = await api<{ id: string; secret: string }>(`${collector.url}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${site.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        url: `http://127.0.0.1:${receiverPort}/leadloop`,
        eventTypes: ['form.submitted'],
      }),
      expect: 201,
    });
    verify = createReceiver({ secret: webhook.secret, onEvent });

    const userAgent = await chromeUserAgent(browser);
    const run = randomUUID().slice(0, 8);
    log(`${options.submits} submits (+${warmup} warm-up), a new visitor each`);
    for (let index = 0; index < warmup + options.submits; index++) {
      const sample: Sample = {
        email: `lead-${run}-${index}@bench.example.com`,
        submittedAt: 0,
        collectRequests: 0,
        abortedInBrowser: 0,
        extraDeliveries: 0,
      };
      samples.push(sample);
      await submitOnce(browser, userAgent, pageOrigin, collectUrl, sample, index);
    }
    await until(() => samples.every((s) => s.deliveredAt !== undefined), FINAL_WAIT_MS);
    await sleep(1_000); // a duplicate or a retry of what did arrive would land by now

    const warm = samples.slice(0, warmup);
    const measured = samples.slice(warmup);
    const since = (s: Sample, at: number | undefined) =>
      at === undefined ? Number.POSITIVE_INFINITY : at - s.submittedAt;
    const answered = measured.map((s) => since(s, s.answeredAt));
    const delivered = measured.map((s) => since(s, s.deliveredAt));
    const arrived = measured.filter((s) => s.deliveredAt !== undefined).length;
    const accepted = measured.filter((s) => s.answerStatus === 202).length;
    const baseline = summary(answered);
    const delivery = summary(delivered);

    // Which path each delivery took, from the collector's delivery log: the events queue's
    // consumer waits for its 1 s batch window, so a delivery relayed sooner after the submit was
    // made by the fast path (the collect request's waitUntil).
    const logEntries = await deliveryLog(collector.url, site.secretKey, webhook.id);
    const byId = new Map(logEntries.map((entry) => [entry.id, entry]));
    let fastPath = 0;
    let retried = 0;
    const late: string[] = [];
    for (const s of measured) {
      const entry = s.webhookId ? byId.get(s.webhookId) : undefined;
      if (!entry) continue;
      if (entry.attempts > 1) retried++;
      const relayedAfter = Date.parse(entry.createdAt) - s.submittedAt;
      if (relayedAfter < 1_000) fastPath++;
      const total = since(s, s.deliveredAt);
      if (total >= TARGET_MS)
        late.push(
          `${int(total)} ms (relayed ${int(relayedAfter)} ms after the submit, ${entry.attempts} attempt${entry.attempts === 1 ? '' : 's'})`,
        );
    }

    const duplicates = measured.reduce((sum, s) => sum + s.extraDeliveries, 0);
    const aborted = measured.filter((s) => s.abortedInBrowser > 0).length;
    const seen = measured.flatMap((s) =>
      s.browserSaw202At === undefined ? [] : [s.browserSaw202At - s.submittedAt],
    );
    const took = (key: 'formAnswerMs' | 'pageviewAnswerMs') =>
      measured.flatMap((s) => (s[key] === undefined ? [] : [s[key]]));
    const formTook = took('formAnswerMs');
    const pageviewTook = took('pageviewAnswerMs');
    const requests = measured.map((s) => s.collectRequests).sort((a, b) => a - b);
    const browserView = `; each form reached the collector in ${requests[0] === requests.at(-1) ? requests[0] : `${requests[0]}–${requests.at(-1)}`} collect requests (median ${percentile(requests, 50)}: its keepalive fetch, the unloading page's beacons, the /thanks page's resend); Chromium reported the form's fetch aborted by the navigation in ${aborted}/${measured.length}, so page.on('response') saw a 202 only for the resend (${seen.length}/${measured.length}, p50 ${ms(percentile(seen, 50))} after the submit)`;
    const line = (name: string, s: ReturnType<typeof summary>, count: string) =>
      `    ${name.padEnd(40)} p50 ${ms(s.p50).padStart(9)}  p95 ${ms(s.p95).padStart(9)}  max ${ms(s.max).padStart(9)}  ${count}`;
    log(`results over ${measured.length} submits:`);
    process.stderr.write(
      `${line('submit → 202 of /v1/collect (baseline)', baseline, `${accepted}/${measured.length} answered 202`)}\n`,
    );
    process.stderr.write(
      `${line('submit → signed delivery', delivery, `${arrived}/${measured.length} arrived`)}\n`,
    );
    process.stderr.write(
      `${line('  form request → 202, at the relay', summary(formTook), `${formTook.length} forms`)}\n`,
    );
    process.stderr.write(
      `${line('  pageview request → 202, at the relay', summary(pageviewTook), `${pageviewTook.length} pageviews`)}\n`,
    );
    if (late.length) log(`at or over ${TARGET_MS} ms: ${late.join('; ')}`);
    if (unmatched.length) log(`${unmatched.length} deliveries matched no submit`);
    if (refusals.length) log(`receiver refused ${refusals.length}: ${refusals.join(', ')}`);

    const warmNote = warm.length
      ? `; ${warm.length} warm-up submits not counted (${warm.map((s) => ms(since(s, s.deliveredAt))).join(', ')})`
      : '';
    return [
      {
        bench,
        metric: 'submit → 202 of POST /v1/collect (baseline)',
        result: `p50 ${ms(baseline.p50)}, p95 ${ms(baseline.p95)}`,
        notes: `max ${ms(baseline.max)}; ${accepted}/${measured.length} answered 202, timed where the 202 passes a TCP relay between Chromium and the collector; from request to 202 at the relay, the form's p50 ${ms(percentile(formTook, 50))} (p95 ${ms(percentile(formTook, 95))}), the visit's pageview before it p50 ${ms(percentile(pageviewTook, 50))} (p95 ${ms(percentile(pageviewTook, 95))})${browserView}`,
      },
      {
        bench,
        metric: 'submit → signed form.submitted webhook received',
        result: `p50 ${ms(delivery.p50)}, p95 ${ms(delivery.p95)}`,
        target: { text: `p95 < ${int(TARGET_MS)} ms`, met: delivery.p95 < TARGET_MS },
        notes: `max ${ms(delivery.max)}; arrived ${arrived}/${measured.length}, every one signature-verified by examples/webhook-receiver (refused ${refusals.length}, duplicates ${duplicates}, unmatched ${unmatched.length}); relayed by the fast path ${fastPath}/${arrived}, retried ${retried}; a new visitor per submit, one at a time, local workerd, Chromium ${browser.version()}${warmNote}`,
      },
    ];
  });
}
