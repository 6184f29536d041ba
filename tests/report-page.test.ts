// The report page at /report as a marketer uses it: the collector on local workerd (wrangler dev,
// under a base path), data put in through the public API (visits from ads, email and social,
// leads from forms, customers with revenue from the CRM, spend per source), the page in headless
// Chromium. It signs in with the secret key, shows the channels and their numbers, changes them
// when the model changes, draws the 7 × 24 heat map, downloads the CSV, refuses a wrong key, fits
// a phone, and takes the screenshot the README shows (docs/report.png, on request).

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  type LocalCollector,
  startLocalCollector,
} from '../packages/edge-collector/local/dev-server.ts';
import type { CreateSiteResponse } from '../packages/schema/src/index.ts';
import { launchChromium } from './chromium.ts';

const ADMIN_TOKEN = 'report-admin-token';
const SITE = 'https://www.northwind-lamps.com';
const CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
// The README's picture is refreshed on request only, so a test run leaves the checkout clean:
// LEADLOOP_UPDATE_SCREENSHOT=1 pnpm vitest run --project e2e tests/report-page.test.ts
const SCREENSHOT = process.env.LEADLOOP_UPDATE_SCREENSHOT
  ? join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'report.png')
  : join(tmpdir(), 'leadloop-report.png');
const MINUTE = 60_000;

let collector: LocalCollector;
let browser: Browser;
let persistTo: string;
let site: CreateSiteResponse;
/** A second site with two months of varied data, for the screenshot only. */
let showcase: CreateSiteResponse;
/** The page's base: under the base path, so every URL the page uses must be relative. */
let reportUrl: string;

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${collector.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${site.secretKey}`,
      'content-type': 'application/json',
      ...(init.headers as Record<string, string>),
    },
  });

async function expectStatus(response: Response, status: number) {
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${await response.text()}`);
  return response;
}

type Visit = { visitor: string; session: string; minutesAgo: number };

/** An event as the SDK sends it, `minutesAgo` before the batch is sent. */
function event(type: string, visit: Visit, path: string, query = '', extra = {}) {
  return {
    id: crypto.randomUUID(),
    type,
    timestamp: new Date(Date.now() - visit.minutesAgo * MINUTE).toISOString(),
    anonymousId: visit.visitor,
    sessionId: visit.session,
    page: { url: `${SITE}${path}${query}`, path, title: 'Northwind Lamps' },
    ...extra,
  };
}

const landing = (visit: Visit, query: string, referrer?: string) => {
  const pageview = event('pageview', visit, '/', query);
  if (referrer) Object.assign(pageview.page, { referrer });
  return pageview;
};

const contactForm = (visit: Visit, email: string) =>
  event('form_submit', { ...visit, minutesAgo: visit.minutesAgo - 1 }, '/contact', '', {
    traits: { email },
    form: { id: 'contact', fields: { email, message: 'A quote for 40 lamps, please' } },
  });

const FROM_GOOGLE_ADS = '?utm_source=google&utm_medium=cpc&utm_campaign=desk-lamps&gclid=e2e-';
const FROM_NEWSLETTER = '?utm_source=newsletter&utm_medium=email&utm_campaign=november';

/**
 * Ada clicked an ad, came back from the newsletter and asked for a quote: under the last
 * non-direct model her lead is Email's, under first touch Paid Search's. Grace came from an ad
 * and asked at once; Linus came from Facebook. Ada and Grace became customers.
 */
async function seed() {
  const ada = { visitor: 'ada-laptop', session: 'ada-s1', minutesAgo: 180 };
  const adaAgain = { visitor: 'ada-laptop', session: 'ada-s2', minutesAgo: 120 };
  const grace = { visitor: 'grace-phone', session: 'grace-s1', minutesAgo: 150 };
  const linus = { visitor: 'linus-desktop', session: 'linus-s1', minutesAgo: 100 };
  const events = [
    landing(ada, `${FROM_GOOGLE_ADS}ada`, 'https://www.google.com/'),
    landing(adaAgain, FROM_NEWSLETTER),
    contactForm(adaAgain, 'ada@northwind.io'),
    landing(grace, `${FROM_GOOGLE_ADS}grace`, 'https://www.google.com/'),
    contactForm(grace, 'grace@hopper-labs.com'),
    landing(linus, '', 'https://www.facebook.com/'),
    contactForm(linus, 'linus@kernel-works.com'),
  ];
  const collected = await fetch(`${collector.url}/v1/collect`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': CHROME },
    body: JSON.stringify({ writeKey: site.writeKey, sentAt: new Date().toISOString(), events }),
  });
  await expectStatus(collected, 202);
  expect(((await collected.json()) as { rejected: unknown[] }).rejected).toEqual([]);

  // The queue consumer writes a moment later: wait for the leads before the CRM names them.
  for (const email of ['ada@northwind.io', 'grace@hopper-labs.com', 'linus@kernel-works.com'])
    await until(async () => {
      const list = (await (await api(`/v1/leads?email=${encodeURIComponent(email)}`)).json()) as {
        data: unknown[];
      };
      return list.data.length === 1;
    }, `the lead of ${email}`);

  for (const [email, value] of [
    ['ada@northwind.io', 5000],
    ['grace@hopper-labs.com', 1200],
  ] as const)
    await expectStatus(
      await api('/v1/conversions', {
        method: 'POST',
        body: JSON.stringify({
          email,
          stage: 'customer',
          value,
          currency: 'USD',
          externalId: `crm-${email}`,
        }),
      }),
      201,
    );
  const today = new Date().toISOString().slice(0, 10);
  await expectStatus(
    await api('/v1/costs', {
      method: 'POST',
      body: JSON.stringify({
        costs: [
          {
            date: today,
            source: 'google',
            medium: 'cpc',
            campaign: 'desk-lamps',
            amount: 620,
            currency: 'USD',
          },
        ],
      }),
    }),
    200,
  );
}

/** Items with their weights. */
type Weighted<T> = readonly (readonly [T, number])[];

/** A small deterministic random source (mulberry32), so the showcase is the same on every run. */
function randomSource(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const between = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
  const pick = <T>(items: Weighted<T>): T => {
    let ticket = next() * items.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [item, weight] of items) {
      ticket -= weight;
      if (ticket < 0) return item;
    }
    return items.at(-1)![0];
  };
  return { next, between, pick };
}

/** Where the showcase's visits come from, and how often. */
const SHOWCASE_SOURCES: Weighted<{ query: string; referrer?: string | undefined }> = [
  [
    {
      query: '?utm_source=google&utm_medium=cpc&utm_campaign=desk-lamps&gclid=sc-',
      referrer: 'https://www.google.com/',
    },
    6,
  ],
  [{ query: '', referrer: 'https://www.google.com/' }, 5],
  [{ query: FROM_NEWSLETTER, referrer: undefined }, 3],
  [
    {
      query: '?utm_source=facebook&utm_medium=paid_social&utm_campaign=autumn-sale',
      referrer: 'https://m.facebook.com/',
    },
    3,
  ],
  [{ query: '', referrer: 'https://www.linkedin.com/' }, 2],
  [{ query: '', referrer: 'https://www.designmilk.com/lighting' }, 2],
  [{ query: '', referrer: undefined }, 2],
];
const SHOWCASE_PAGES: Weighted<string> = [
  ['/', 4],
  ['/desk-lamps', 3],
  ['/pricing', 2],
  ['/floor-lamps', 1],
];
const SHOWCASE_DOMAINS = [
  'hopper-labs.com',
  'kernel-works.com',
  'fabrikam-studio.com',
  'tailspin-design.com',
  'lumen-offices.de',
];
const SHOWCASE_NAMES = [
  'ada',
  'grace',
  'linus',
  'margaret',
  'alan',
  'barbara',
  'ken',
  'frances',
  'donald',
  'radia',
];

/**
 * Two months of a busier site for the README's screenshot: 70 visitors from seven kinds of
 * source, on business hours mostly, about half of them asking through the form, a third of those
 * becoming customers (a few more opportunities), and daily spend on the two paid sources.
 */
async function seedShowcase(showcase: CreateSiteResponse) {
  const random = randomSource(8);
  const midnight = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const events: object[] = [];
  const leads: { email: string; at: number }[] = [];
  for (let visitor = 0; visitor < 70; visitor++) {
    const anonymousId = `showcase-${visitor}`;
    const sessions = random.pick<number>([
      [1, 5],
      [2, 3],
      [3, 2],
    ] as const);
    let day = random.between(sessions + 1, 60);
    let at = 0;
    for (let session = 0; session < sessions; session++) {
      const weekend = [0, 6].includes(new Date(midnight - day * 86_400_000).getUTCDay());
      const hour = weekend
        ? random.between(10, 20)
        : random.pick<number>([
            [random.between(8, 12), 5],
            [random.between(13, 18), 4],
            [random.between(19, 23), 1],
          ] as const);
      at = midnight - day * 86_400_000 + hour * 3_600_000 + random.between(0, 59) * MINUTE;
      const visit = {
        visitor: anonymousId,
        session: `${anonymousId}-s${session}`,
        minutesAgo: (Date.now() - at) / MINUTE,
      };
      const source = random.pick(SHOWCASE_SOURCES);
      const path = random.pick(SHOWCASE_PAGES);
      const query = source.query.endsWith('gclid=sc-') ? `${source.query}${visitor}` : source.query;
      const pageview = event('pageview', visit, path, query);
      if (source.referrer) Object.assign(pageview.page, { referrer: source.referrer });
      events.push(pageview);
      day -= random.between(1, Math.max(1, Math.floor(day / (sessions - session + 1))));
      day = Math.max(day, sessions - session);
    }
    if (random.next() < 0.5) {
      const email = `${SHOWCASE_NAMES[visitor % SHOWCASE_NAMES.length]}${visitor}@${SHOWCASE_DOMAINS[visitor % SHOWCASE_DOMAINS.length]}`;
      const minutesAgo = (Date.now() - at) / MINUTE - random.between(2, 20);
      events.push(
        contactForm(
          {
            visitor: anonymousId,
            session: `${anonymousId}-s${sessions - 1}`,
            minutesAgo: minutesAgo + 1,
          },
          email,
        ),
      );
      leads.push({ email, at: Date.now() - minutesAgo * MINUTE });
    }
  }
  for (let start = 0; start < events.length; start += 100) {
    const collected = await fetch(`${collector.url}/v1/collect`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': CHROME },
      body: JSON.stringify({
        writeKey: showcase.writeKey,
        sentAt: new Date().toISOString(),
        events: events.slice(start, start + 100),
      }),
    });
    await expectStatus(collected, 202);
  }
  const showcaseApi = (path: string, body: unknown) =>
    fetch(`${collector.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${showcase.secretKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
  await until(async () => {
    const list = await fetch(`${collector.url}/v1/leads?limit=100`, {
      headers: { authorization: `Bearer ${showcase.secretKey}` },
    });
    return ((await list.json()) as { data: unknown[] }).data.length === leads.length;
  }, 'the showcase leads');
  for (const lead of leads) {
    const outcome = random.next();
    if (outcome > 0.55) continue;
    const stage = outcome < 0.35 ? 'customer' : 'opportunity';
    const occurredAt = Math.min(
      Date.now() - MINUTE,
      lead.at +
        random.pick<number>([
          [random.between(3, 30), 3],
          [random.between(31, 240), 4],
          [random.between(241, 4000), 2],
        ] as const) *
          MINUTE,
    );
    await expectStatus(
      await showcaseApi('/v1/conversions', {
        email: lead.email,
        stage,
        ...(stage === 'customer' ? { value: random.between(8, 90) * 100, currency: 'USD' } : {}),
        occurredAt: new Date(occurredAt).toISOString(),
        externalId: `crm-${lead.email}`,
      }),
      201,
    );
  }
  const costs = [];
  for (let day = 1; day <= 60; day++) {
    const date = new Date(midnight - day * 86_400_000).toISOString().slice(0, 10);
    costs.push({
      date,
      source: 'google',
      medium: 'cpc',
      campaign: 'desk-lamps',
      amount: random.between(40, 90),
      currency: 'USD',
    });
    costs.push({
      date,
      source: 'facebook',
      medium: 'paid_social',
      campaign: 'autumn-sale',
      amount: random.between(20, 60),
      currency: 'USD',
    });
  }
  await expectStatus(await showcaseApi('/v1/costs', { costs }), 200);
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  persistTo = await mkdtemp(join(tmpdir(), 'leadloop-report-'));
  [collector, browser] = await Promise.all([
    freePort().then((port) =>
      startLocalCollector({
        port,
        persistTo,
        adminToken: ADMIN_TOKEN,
        vars: { LEADLOOP_BASE_PATH: '/ll' },
      }),
    ),
    launchChromium(),
  ]);
  const createSite = async (name: string) => {
    const created = await fetch(`${collector.url}/v1/admin/sites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, allowedOrigins: [SITE], defaultCountry: 'US' }),
    });
    return (await (await expectStatus(created, 201)).json()) as CreateSiteResponse;
  };
  [site, showcase] = await Promise.all([createSite('Northwind Lamps'), createSite('Showcase')]);
  reportUrl = `${collector.url}/ll/report`;
  await Promise.all([seed(), seedShowcase(showcase)]);
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
  if (persistTo) await rm(persistTo, { recursive: true, force: true });
});

type Opened = {
  page: Page;
  requests: { url: string; authorization: string | undefined }[];
  /** Uncaught exceptions and console errors, besides the browser's note of a refused fetch. */
  errors: string[];
};

/** A new tab (its own sessionStorage) on the report, recording every request it makes. */
async function openReport(viewport = { width: 1280, height: 900 }): Promise<Opened> {
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  const requests: Opened['requests'] = [];
  page.on('request', (request) =>
    requests.push({ url: request.url(), authorization: request.headers().authorization }),
  );
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      errors.push(message.text());
  });
  const response = await page.goto(reportUrl);
  expect(response?.status()).toBe(200);
  return { page, requests, errors };
}

/** Closes the tab, after checking that nothing went wrong in it (the policy refused nothing). */
async function close({ page, errors }: Opened) {
  await page.context().close();
  expect(errors, 'errors in the page').toEqual([]);
}

async function signIn(page: Page, key = site.secretKey) {
  await page.getByLabel('Secret key').fill(key);
  await page.getByRole('button', { name: 'Open the report' }).click();
}

/** Waits until every section has loaded for the current settings. */
async function loaded(page: Page) {
  await page.locator('#report:not([hidden]):not([aria-busy])').waitFor();
}

/** The attribution table as {group: {column: text}}. */
async function attributionTable(page: Page): Promise<Record<string, Record<string, string>>> {
  return page.locator('table.attribution-table').evaluate((table) => {
    const headers = Array.from(table.querySelectorAll('thead th')).map(
      (th) => th.textContent ?? '',
    );
    const rows: Record<string, Record<string, string>> = {};
    for (const tr of Array.from(table.querySelectorAll('tbody tr, tfoot tr'))) {
      const cells = Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '');
      rows[cells[0]!] = Object.fromEntries(
        headers.slice(1).map((name, i) => [name, cells[i + 1]!]),
      );
    }
    return rows;
  });
}

describe('/report in Chromium', () => {
  it('signs in with the secret key and shows the channels with their numbers', async () => {
    const opened = await openReport();
    const { page, requests } = opened;
    await signIn(page);
    await loaded(page);

    const table = await attributionTable(page);
    // Last non-direct (the default), leads: one each.
    expect(Object.keys(table).sort()).toEqual(['Email', 'Organic Social', 'Paid Search', 'Total']);
    expect(table['Paid Search']).toMatchObject({
      Conversions: '1',
      Sessions: '2',
      Cost: '$620.00',
    });
    expect(table.Email).toMatchObject({ Conversions: '1', Revenue: '$5,000.00', Customers: '1' });
    expect(table['Organic Social']).toMatchObject({ Conversions: '1', Revenue: '$0.00' });
    expect(table.Total).toMatchObject({ Conversions: '3', Revenue: '$6,200.00', Sessions: '4' });
    // ROAS of the ad spend: Grace's 1,200 over 620.
    expect(table['Paid Search']!.ROAS).toBe('1.94×');

    // A bar per channel in the conversions chart.
    const bars = page.locator('#attribution-body svg.bars').first().locator('rect.bar');
    expect(await bars.count()).toBe(3);

    // The key went only in headers, to relative URLs under the base path, never in a URL.
    const calls = requests.filter((request) => request.url.includes('/v1/'));
    expect(calls.length).toBeGreaterThanOrEqual(5);
    for (const call of calls) {
      expect(call.url.startsWith(`${collector.url}/ll/v1/`), call.url).toBe(true);
      expect(call.authorization).toBe(`Bearer ${site.secretKey}`);
    }
    expect(requests.some((request) => request.url.includes(site.secretKey))).toBe(false);

    // The key stays for the tab: a reload opens the report without asking again.
    await page.reload();
    await loaded(page);
    expect(await page.locator('#login').isHidden()).toBe(true);
    await close(opened);
  });

  it('changes the numbers when the model or the conversion changes', async () => {
    const opened = await openReport();
    const { page } = opened;
    await signIn(page);
    await loaded(page);

    await page.getByLabel('Attribution model').selectOption('first_touch');
    await loaded(page);
    let table = await attributionTable(page);
    expect(table['Paid Search']!.Conversions).toBe('2');
    expect(table.Email?.Conversions ?? '0').toBe('0');
    expect(table.Total!.Conversions).toBe('3');

    await page.getByLabel('Attribution model').selectOption('linear');
    await loaded(page);
    table = await attributionTable(page);
    expect(table['Paid Search']!.Conversions).toBe('1.5');
    expect(table.Email!.Conversions).toBe('0.5');

    await page.getByLabel('Conversion', { exact: true }).selectOption('customer');
    await loaded(page);
    table = await attributionTable(page);
    expect(table.Total!.Conversions).toBe('2');

    // Side by side: every model's column sums to the same total.
    await page.locator('#compare summary').click();
    await page.locator('table.compare-table').waitFor();
    const totals = await page
      .locator('table.compare-table tfoot td')
      .evaluateAll((cells) => cells.slice(1).map((cell) => cell.textContent));
    expect(totals).toEqual(Array(11).fill('2'));
    await close(opened);
  });

  it('draws the hour-of-week heat map, the funnel and speed to lead', async () => {
    const opened = await openReport();
    const { page } = opened;
    await signIn(page);
    await loaded(page);
    const cells = page.locator('#inquiries-body svg.heatmap rect.cell');
    expect(await cells.count()).toBe(7 * 24);
    const counted = await cells.evaluateAll((rects) =>
      rects.reduce((sum, rect) => sum + Number(rect.getAttribute('data-count')), 0),
    );
    expect(counted).toBe(3);

    const stages = await page.locator('#funnel-body .funnel-stage title').allTextContents();
    expect(stages[0]).toMatch(/^Sessions: 4\b/);
    expect(stages[1]).toMatch(/^Leads: 3\b/);
    expect(stages[5]).toMatch(/^Customers: 2\b/);
    expect(await page.locator('#speed-body .tile').first().textContent()).toContain('3');
    await close(opened);
  });

  it('downloads the CSV through an authorised fetch, not a link with the key', async () => {
    const opened = await openReport();
    const { page, requests } = opened;
    await signIn(page);
    await loaded(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.url()).toMatch(/^blob:/);
    const rows = parse(await readFile((await download.path())!, 'utf8'), {
      columns: true,
    }) as Record<string, string>[];
    expect(Object.keys(rows[0]!).slice(0, 3)).toEqual(['channel', 'conversions', 'revenue']);
    expect(rows.map((row) => row.channel).sort()).toEqual([
      'Email',
      'Organic Social',
      'Paid Search',
    ]);
    const csvCall = requests.find((request) => request.url.includes('format=csv'));
    expect(csvCall?.authorization).toBe(`Bearer ${site.secretKey}`);
    await close(opened);
  });

  it('refuses a wrong key with the reason, and shows no report', async () => {
    const opened = await openReport();
    const { page } = opened;
    await signIn(page, 'sk_live_not_a_key_of_this_site_000000');
    const error = page.getByRole('alert').filter({ hasText: /secret key/i });
    await error.waitFor();
    expect(await error.textContent()).toMatch(/unknown/i);
    expect(await page.locator('#report').isHidden()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await close(opened);
  });

  it('fits a phone: nothing wider than the screen but the tables, which scroll', async () => {
    const opened = await openReport({ width: 390, height: 844 });
    const { page } = opened;
    await signIn(page);
    await loaded(page);
    const overflow = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      screen: document.documentElement.clientWidth,
      table: document.querySelector('#attribution-body .scroll')!.scrollWidth,
    }));
    expect(overflow.screen).toBe(390);
    expect(overflow.page).toBeLessThanOrEqual(overflow.screen);
    expect(overflow.table).toBeGreaterThan(overflow.screen);
    await close(opened);
  });

  it('looks like a report: a full-page screenshot for the README', async () => {
    const opened = await openReport();
    const { page } = opened;
    await signIn(page, showcase.secretKey);
    await loaded(page);
    await page.getByLabel('Attribution model').selectOption('position_based');
    await page.getByLabel('Conversion', { exact: true }).selectOption('customer');
    await loaded(page);
    expect(await page.locator('table.attribution-table tbody tr').count()).toBeGreaterThan(4);
    await page.locator('#compare summary').click();
    await page.locator('table.compare-table').waitFor();
    const png = await page.screenshot({ type: 'png', fullPage: true });
    await close(opened);
    await mkdir(dirname(SCREENSHOT), { recursive: true });
    await writeFile(SCREENSHOT, png);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1280); // IHDR width
    expect(png.readUInt32BE(20)).toBeGreaterThan(900);
  });
});
