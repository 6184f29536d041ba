import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.ts';
import { type LocalStack, startLocalStack } from './local-stack.ts';

let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startLocalStack(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

type StoredEvent = {
  id: string;
  type: string;
  anonymous_id: string;
  page_url: string;
  payload: string;
};

// Headless Chromium says "HeadlessChrome", which the collector rightly counts as a bot: visit as
// the Chrome it is.
async function chromeUserAgent(): Promise<string> {
  const cdp = await browser.newBrowserCDPSession();
  const { userAgent } = await cdp.send('Browser.getVersion');
  await cdp.detach();
  return userAgent.replace('HeadlessChrome', 'Chrome');
}

async function waitForEvents(count: number): Promise<StoredEvent[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = await stack.query<StoredEvent>(
      `SELECT id, type, anonymous_id, page_url, payload FROM events WHERE site_id = '${stack.site.site.id}'`,
    );
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('the landing page with the script tag', () => {
  it('stores a pageview with its UTM values and click id, sent as text/plain', async () => {
    const page = await browser.newPage({ userAgent: await chromeUserAgent() });
    const collected = page.waitForResponse((response) => response.url().endsWith('/v1/collect'));
    await page.goto(
      `${stack.pageOrigin}/?utm_source=newsletter&utm_medium=email&utm_campaign=spring-storms&gclid=e2e-click-1`,
    );

    const response = await collected;
    expect(response.status()).toBe(202); // a beacon's body is not readable by the page
    const request = response.request();
    expect(request.method()).toBe('POST');
    const headers = await request.allHeaders();
    expect(headers['content-type']).toMatch(/^text\/plain/);

    const cookies = await page.context().cookies(stack.pageOrigin);
    const anonymousId = cookies.find((cookie) => cookie.name === 'll_aid')?.value;
    expect(anonymousId).toMatch(/^[0-9a-f-]{36}$/);

    const [event] = await waitForEvents(1);
    expect(event).toMatchObject({ type: 'pageview', anonymous_id: anonymousId });
    expect(event?.page_url).toContain('utm_campaign=spring-storms');
    const { attribution } = JSON.parse(event!.payload);
    expect(attribution.last).toMatchObject({
      source: 'newsletter',
      medium: 'email',
      campaign: 'spring-storms',
      clickIds: { gclid: 'e2e-click-1' },
    });
    expect(attribution.first).toEqual(attribution.last);

    // The consumer made the session, its touch and the visitor.
    const [session] = await stack.query<Record<string, string>>(
      `SELECT channel, source, medium, campaign, click_id_type, device_type FROM sessions
       WHERE site_id = '${stack.site.site.id}' AND anonymous_id = '${anonymousId}'`,
    );
    // A utm_medium of email wins over the gclid, as in GA4's manual-tagging rules.
    expect(session).toEqual({
      channel: 'Email',
      source: 'newsletter',
      medium: 'email',
      campaign: 'spring-storms',
      click_id_type: 'gclid',
      device_type: 'desktop',
    });
    const visitors = await stack.query(
      `SELECT first_seen_at FROM visitors WHERE anonymous_id = '${anonymousId}'`,
    );
    expect(visitors).toHaveLength(1);
    await page.close();
  });

  it('turns a visitor who books an inspection into a lead with the campaign that brought them', async () => {
    const page = await browser.newPage({ userAgent: await chromeUserAgent() });
    await page.goto(
      `${stack.pageOrigin}/?utm_source=google&utm_medium=cpc&utm_campaign=storms&gclid=lead-1`,
    );
    await page.fill('#name', 'Grace Hopper');
    await page.fill('#email', 'Grace@Hopper.dev');
    await page.fill('#phone', '(512) 263-0143');
    await page.fill('#message', 'Hail damage on the north side');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/thanks/);

    const api = `${stack.collector.url}/v1/leads?email=${encodeURIComponent('grace@hopper.dev')}`;
    const deadline = Date.now() + 30_000;
    let leads: { data: Record<string, unknown>[] } = { data: [] };
    while (leads.data.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const response = await fetch(api, {
        headers: { authorization: `Bearer ${stack.site.secretKey}` },
      });
      leads = (await response.json()) as typeof leads;
    }
    expect(leads.data).toHaveLength(1);
    expect(leads.data[0]).toMatchObject({
      email: 'grace@hopper.dev',
      phone: '+15122630143',
      name: 'Grace Hopper',
      status: 'mql', // a form fill is worth 50 points: the mql threshold
      firstTouch: {
        channel: 'Paid Search',
        source: 'google',
        campaign: 'storms',
        clickId: 'lead-1',
      },
    });
    await page.close();
  });

  it("refuses events from a page whose origin is not in the site's list", async () => {
    // Same server, other origin: the site allows only 127.0.0.1, not localhost.
    const foreignOrigin = stack.pageOrigin.replace('127.0.0.1', 'localhost');
    const page = await browser.newPage();
    // The 403 carries no CORS grant, so the page sees it as a failed request.
    const refused = page.waitForEvent('requestfailed', (request) =>
      request.url().endsWith('/v1/collect'),
    );
    await page.goto(`${foreignOrigin}/?utm_source=elsewhere`);
    await refused;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const stored = await stack.query<{ n: number }>(
      "SELECT count(*) AS n FROM events WHERE page_url LIKE 'http://localhost%'",
    );
    expect(stored[0]?.n).toBe(0);
    await page.close();
  });
});
