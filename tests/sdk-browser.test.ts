// The SDK in headless Chromium against the real collector and D1: what each page sends, and what
// the collector keeps of it. One collector, one browser and one fixture server for the whole file;
// every test has its own browser context, hence its own visitor.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { freePort } from '../packages/edge-collector/local/dev-server.ts';
import {
  type CollectLog,
  recordCollect,
  type SentEvent,
  type StoredEvent,
  until,
  waitForStored,
} from './browser-harness.ts';
import { launchChromium } from './chromium.ts';
import { type FixtureServer, serveFixtures } from './fixture-server.ts';
import { type LocalStack, startLocalStack } from './local-stack.ts';

let stack: LocalStack;
let browser: Browser;
let fixtures: FixtureServer;
let port: number;
let origin: string;

beforeAll(async () => {
  port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  [stack, browser] = await Promise.all([
    startLocalStack({ allowedOrigins: [origin, `http://*.site.test:${port}`] }),
    // www.site.test and landing.site.test: two host names of one site, on the fixture server.
    launchChromium(['--host-resolver-rules=MAP *.site.test 127.0.0.1']),
  ]);
  fixtures = await serveFixtures({
    port,
    collectorUrl: stack.collector.url,
    writeKey: stack.site.writeKey,
  });
});

afterAll(async () => {
  await browser?.close();
  await fixtures?.close();
  await stack?.stop();
});

type Visitor = { context: BrowserContext; page: Page; log: CollectLog; errors: Error[] };

/** A fresh visitor (own cookies and storage) with one page, recording what it sends. */
async function newVisitor(): Promise<Visitor> {
  const context = await browser.newContext();
  const log = recordCollect(context, stack.collector.url);
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  return { context, page, log, errors };
}

/** Opens `url` and waits until the script has loaded and replaced the queue stub. */
async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => {
    const leadloop = (window as { leadloop?: { q?: unknown } }).leadloop;
    return typeof leadloop === 'function' && !('q' in leadloop);
  });
}

/** The events of `type` sent so far, once there are `count` of them. */
function sent(log: CollectLog, type: string, count = 1): Promise<SentEvent[]> {
  return until(() => {
    const events = log.events().filter((event) => event.type === type);
    return events.length >= count && events;
  }, `${count} ${type} event(s) sent`);
}

function byId(stored: StoredEvent[], id: string): StoredEvent {
  const event = stored.find((row) => row.id === id);
  if (!event) throw new Error(`event ${id} is not stored`);
  return event;
}

/**
 * Every collect request the browser sends, beacons included (DevTools reports no request of a page
 * that is leaving, so `recordCollect` misses those), seen through a browser-wide Fetch interception
 * that can also hold a request back until `hold` resolves.
 */
async function interceptCollect(hold: (body: string) => Promise<void> | undefined) {
  const cdp = await browser.newBrowserCDPSession();
  const bodies: string[] = [];
  cdp.on('Fetch.requestPaused', async ({ requestId, request }) => {
    const body = request.postData ?? '';
    bodies.push(body);
    await hold(body);
    await cdp.send('Fetch.continueRequest', { requestId }).catch(() => {});
  });
  await cdp.send('Fetch.enable', {
    patterns: [{ urlPattern: `${stack.collector.url}/v1/collect` }],
  });
  return {
    /** How many requests carried the event `id`. */
    requestsWith: (id: string) => bodies.filter((body) => body.includes(id)).length,
    stop: () => cdp.detach(),
  };
}

/** Submits a form without a submit button, as a user pressing Enter would. */
const submit = (page: Page, formId: string) =>
  page.evaluate((id) => (document.getElementById(id) as HTMLFormElement).requestSubmit(), formId);

/**
 * Headless Chromium hands tel:, sms: and mailto: links to the OS and then swallows input: the page
 * keeps those clicks to itself, after the SDK saw them (it listens in the capture phase).
 */
const keepAppLinksInPage = (page: Page) =>
  page.evaluate(() =>
    addEventListener('click', (event) => {
      const link = (event.target as Element).closest(
        'a[href^="tel:"], a[href^="sms:"], a[href^="mailto:"]',
      );
      if (link) event.preventDefault();
    }),
  );

describe('the SDK in Chromium, against the local collector', () => {
  it('delivers the form_submit of forms that navigate away, with traits and no password', async () => {
    const { context, page, log } = await newVisitor();
    // The first form's request is held until its page is gone: the page never sees the answer.
    let release!: () => void;
    const pageLeft = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    const collect = await interceptCollect((body) => {
      if (held || !body.includes('"form_submit"')) return;
      held = true;
      return pageLeft;
    });
    onTestFinished(async () => {
      release();
      await collect.stop();
    });
    await open(page, `${origin}/form.html`);
    await page.fill('[name=name]', 'Ada Lovelace');
    await page.fill('[name=email]', 'ada@example.com');
    await page.fill('[name=phone]', '+1 555 010 2030');
    await page.fill('[name=password]', 'hunter2-secret');
    await page.fill('[name=message]', 'A quote for a roof, please');
    // The pageview answered, so the form goes by its own fetch, not by a page-hide beacon.
    await page.waitForFunction(() => localStorage.getItem('ll_q') === '[]');
    // The POST lands on a page without the SDK: only the page that left can deliver the event.
    await Promise.all([page.waitForURL(`${origin}/thanks`), page.click('button[type=submit]')]);
    release();
    expect(fixtures.posts.at(-1)?.body).toContain('password=hunter2-secret');
    // form.submit() fires no submit event; the SDK catches it anyway.
    await open(page, `${origin}/form.html?again=1`);
    await page.fill('[name=email]', 'grace@example.com');
    await Promise.all([
      page.waitForURL(`${origin}/thanks`),
      page.evaluate(() => (document.getElementById('quote') as HTMLFormElement).submit()),
    ]);

    const [clicked, programmatic] = await sent(log, 'form_submit', 2);
    expect(clicked!.form).toEqual({
      id: 'quote',
      name: 'quote',
      fields: {
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: '+1 555 010 2030',
        message: 'A quote for a roof, please',
      },
    });
    expect(clicked!.traits).toMatchObject({ email: 'ada@example.com', phone: '+1 555 010 2030' });
    expect(programmatic!.form?.fields).toEqual({ email: 'grace@example.com' });
    expect(programmatic!.traits).toEqual({ email: 'grace@example.com' });
    for (const batch of log.batches) {
      expect(batch.body).not.toContain('hunter2');
      expect(batch.body).not.toContain('hidden-csrf-value');
    }

    const stored = await waitForStored(
      stack,
      [clicked!.anonymousId],
      [clicked!.id, programmatic!.id],
    );
    const forms = [clicked!, programmatic!].map((event) => byId(stored, event.id));
    expect(forms.map((event) => event.page_url)).toEqual([
      `${origin}/form.html`,
      `${origin}/form.html?again=1`,
    ]);
    expect(forms.map((event) => event.payload.form)).toEqual([clicked!.form, programmatic!.form]);
    expect(forms[0]!.payload.traits).toMatchObject({
      email: 'ada@example.com',
      phone: '+1 555 010 2030',
    });
    expect(JSON.stringify(stored)).not.toContain('hunter2');

    // Sent once by each page that had it, never again by a page-hide flush of the page whose
    // fetch carried it. The first: its fetch, whose answer the page never saw, and the next page
    // with the SDK (form.html?again=1) from the retry queue. The second: its fetch only, answered
    // or not before the page left, as no page with the SDK comes after it.
    await until(() => collect.requestsWith(clicked!.id) >= 2, 'the next page sending it again');
    expect(collect.requestsWith(clicked!.id)).toBe(2);
    expect(collect.requestsWith(programmatic!.id)).toBe(1);
    await context.close();
  });

  it('records one pageview per new URL of a single-page app, and no duplicates', async () => {
    const { context, page, log } = await newVisitor();
    await open(page, `${origin}/plain.html`);
    // Each step lets a task pass: the SDK reads the page a tick after a navigation.
    const step = (navigate: () => void) =>
      page.evaluate(async (code) => {
        new Function(code)();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }, `(${navigate})()`);
    const back = () =>
      page.evaluate(async () => {
        const popped = new Promise((resolve) =>
          addEventListener('popstate', resolve, { once: true }),
        );
        history.back();
        await popped;
        await new Promise((resolve) => setTimeout(resolve, 50));
      });

    await step(() => {
      history.pushState({}, '', '/app/pricing');
      document.title = 'Pricing'; // as frameworks do, just after navigating
    });
    await step(() => history.pushState({ again: true }, '', '/app/pricing')); // the same URL
    await step(() => history.replaceState({}, '', '/app/pricing?plan=pro'));
    await step(() => history.pushState({}, '', '/app/contact'));
    await step(() => {
      location.hash = 'faq'; // popstate and hashchange; no new page without hash routing
    });
    await back(); // /app/contact: the URL without its hash did not change
    await back(); // /app/pricing?plan=pro

    const expected = [
      '/plain.html',
      '/app/pricing',
      '/app/pricing?plan=pro',
      '/app/contact',
      '/app/pricing?plan=pro',
    ].map((path) => `${origin}${path}`);
    await sent(log, 'pageview', expected.length);
    await page.close(); // page hide: whatever is still queued leaves now
    const pageviews = log.events().filter((event) => event.type === 'pageview');
    expect(pageviews.map((event) => event.page.url)).toEqual(expected);
    expect(pageviews[1]!.page).toMatchObject({ title: 'Pricing', referrer: expected[0] });
    expect(pageviews[2]!.page.referrer).toBe(expected[1]);

    const ids = log.events().map((event) => event.id);
    const stored = await waitForStored(stack, [pageviews[0]!.anonymousId], ids);
    expect(stored).toHaveLength(expected.length);
    expect(ids.map((id) => byId(stored, id).page_url)).toEqual(expected);
    expect(new Set(stored.map((event) => event.session_id)).size).toBe(1);
    await context.close();
  });

  it('turns tel:, sms: and WhatsApp link clicks into call_click events', async () => {
    const { context, page, log } = await newVisitor();
    // The WhatsApp link leaves for wa.me, outside network: stubbed.
    await context.route('https://wa.me/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<title>WhatsApp</title>' }),
    );
    await open(page, `${origin}/calls.html`);
    await keepAppLinksInPage(page);
    await page.click('#tel b'); // a click inside the link counts
    await page.click('#sms');
    await page.click('#mail');
    const calls = await sent(log, 'call_click', 2);
    expect(calls.map((event) => event.call)).toEqual([
      {
        number: '+1 (555) 010-2030',
        kind: 'tel',
        digits: '+15550102030',
        text: 'Call (555) 010-2030',
      },
      { number: '+15550102030', kind: 'sms', digits: '+15550102030', text: 'Text us' },
    ]);
    const [email] = await sent(log, 'track');
    expect(email).toMatchObject({
      name: 'email_click',
      properties: { address: 'sales@example.com' },
    });

    // The page leaves at once: this one goes by beacon, which DevTools does not report.
    await Promise.all([page.waitForURL('https://wa.me/**'), page.click('#whatsapp')]);
    const stored = await waitForStored(
      stack,
      [calls[0]!.anonymousId],
      (rows) => rows.filter((event) => event.type === 'call_click').length >= 3,
    );
    const storedCalls = stored.filter((event) => event.type === 'call_click');
    expect(storedCalls.map((event) => event.payload.call)).toHaveLength(3);
    expect(storedCalls.map((event) => event.payload.call)).toEqual(
      expect.arrayContaining([
        ...calls.map((event) => event.call),
        {
          number: '15550102030',
          kind: 'whatsapp',
          digits: '+15550102030',
          text: 'Chat on WhatsApp',
        },
      ]),
    );
    expect(stored.find((event) => event.type === 'track')?.name).toBe('email_click');
    await context.close();
  });

  it('shares the anonymous id between two host names of one site', async () => {
    const { context, page, log } = await newVisitor();
    await open(page, `http://www.site.test:${port}/plain.html`);
    await sent(log, 'pageview');
    await open(page, `http://landing.site.test:${port}/plain.html?from=www`);
    const pageviews = await sent(log, 'pageview', 2);

    const cookies = await context.cookies(`http://landing.site.test:${port}`);
    const aid = cookies.find((cookie) => cookie.name === 'll_aid');
    expect(aid).toMatchObject({ domain: '.site.test', path: '/' });
    expect(cookies.find((cookie) => cookie.name === 'll_sid')?.domain).toBe('.site.test');
    expect(pageviews.map((event) => new URL(event.page.url).host)).toEqual([
      `www.site.test:${port}`,
      `landing.site.test:${port}`,
    ]);
    expect(pageviews.map((event) => event.anonymousId)).toEqual([aid!.value, aid!.value]);
    expect(pageviews[1]!.sessionId).toBe(pageviews[0]!.sessionId);

    const ids = pageviews.map((event) => event.id);
    const stored = await waitForStored(stack, [aid!.value], ids);
    expect(ids.map((id) => byId(stored, id).anonymous_id)).toEqual([aid!.value, aid!.value]);
    await context.close();
  });

  it('keeps events while the collector is down and stores each exactly once after', async () => {
    const { context, page, log } = await newVisitor();
    await stack.stopCollector();
    try {
      // This page loads the SDK from its own server, as the collector is not there to serve it.
      await open(page, `${origin}/offline.html`);
      await until(
        () => log.batches.filter((batch) => batch.outcome === 'failed').length >= 2,
        'two failed sends',
      );
      const queued = await page.evaluate(() => JSON.parse(localStorage.getItem('ll_q') ?? '[]'));
      expect(queued.map((event: SentEvent) => event.type).sort()).toEqual(['pageview', 'track']);
    } finally {
      await stack.startCollector(); // the same port and D1
    }
    // The first page stays open and retries; a second page sends the shared queue too.
    const second = await context.newPage();
    await open(second, `${origin}/offline.html?again=1`);
    await until(
      () => log.events().length >= 4 && log.batches.some((batch) => batch.outcome === 202),
      'the queue sent to the collector',
    );

    const events = log.events();
    expect(events.map((event) => event.type).sort()).toEqual([
      'pageview',
      'pageview',
      'track',
      'track',
    ]);
    const ids = events.map((event) => event.id);
    const stored = await waitForStored(stack, [events[0]!.anonymousId], ids);
    // Counted by id: each sent id once in D1, and nothing else of this visitor.
    expect(stored.map((event) => event.id).sort()).toEqual([...ids].sort());
    expect(await second.evaluate(() => localStorage.getItem('ll_q'))).toBe('[]');
    await context.close();
  });

  it('stores and sends nothing before consent, then sends what it held', async () => {
    const { context, page, log } = await newVisitor();
    await open(page, `http://www.site.test:${port}/consent.html`);
    // Proving an absence takes a wait: past the SDK's first flush, one second after load.
    await page.waitForTimeout(1_500);
    expect(log.batches).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);

    await page.evaluate(() =>
      (window as unknown as { leadloop(...args: unknown[]): void }).leadloop('consent', 'granted'),
    );
    const [pageview] = await sent(log, 'pageview');
    const [track] = await sent(log, 'track');
    expect(track).toMatchObject({ name: 'before_consent', properties: { step: 1 } });
    const aid = (await context.cookies()).find((cookie) => cookie.name === 'll_aid');
    expect(aid?.domain).toBe('.site.test');
    expect([pageview!.anonymousId, track!.anonymousId]).toEqual([aid!.value, aid!.value]);

    const stored = await waitForStored(stack, [aid!.value], [pageview!.id, track!.id]);
    expect(stored.map((event) => event.type).sort()).toEqual(['pageview', 'track']);
    await context.close();
  });

  it('survives a hostile page without throwing into it', async () => {
    const { context, page, log, errors } = await newVisitor();
    // Object.freeze(history) runs before the script; 3,000 fields; unnamed inputs; broken links.
    await open(page, `${origin}/hostile.html`);
    await keepAppLinksInPage(page);
    await page.click('#empty-tel');
    await page.click('#bad-escape-tel');
    await page.evaluate(() => history.pushState({}, '', '/hostile/next'));
    await submit(page, 'huge');
    await submit(page, 'shadowed'); // inputs named "submit" and "elements"
    const forms = await sent(log, 'form_submit', 2);
    const huge = forms.find((event) => event.form?.id === 'huge')!;
    await until(() => fixtures.posts.some((post) => post.path === '/shadowed'), 'the posts');

    expect(errors).toEqual([]);
    const [pageview] = await sent(log, 'pageview');
    expect(pageview!.page.url).toBe(`${origin}/hostile.html`);
    const fields = Object.keys(huge.form!.fields);
    expect(fields).toHaveLength(100); // the collector's limit per form
    expect(fields.slice(0, 2)).toEqual(['field_1', 'field_2']);
    expect(log.events().filter((event) => event.type === 'call_click')).toEqual([]);

    const stored = await waitForStored(stack, [pageview!.anonymousId], [pageview!.id, huge.id]);
    expect(Object.keys(byId(stored, huge.id).payload.form!.fields)).toEqual(fields);
    expect(errors).toEqual([]);
    await context.close();
  });

  // A hidden <input name="id"> is common; sent as form.id, the element would get the event rejected.
  it('keeps the form fill of a form whose input named "id" shadows form.id', async () => {
    const { context, page, log } = await newVisitor();
    await open(page, `${origin}/named-fields.html`);
    await submit(page, 'with-id');
    const [form] = await sent(log, 'form_submit');
    expect(form!.form?.id).toBe('with-id');
    const stored = await waitForStored(stack, [form!.anonymousId], [form!.id]);
    expect(byId(stored, form!.id).payload.traits).toEqual({ email: 'id@example.com' });
    await context.close();
  });
});

describe('numbers and field names a page may throw at the SDK', () => {
  it('sends a call_click number normalised to + and digits', async () => {
    const { context, page, log } = await newVisitor();
    await open(page, `${origin}/calls.html`);
    await keepAppLinksInPage(page);
    await page.click('#tel');
    const [call] = await sent(log, 'call_click');
    await context.close();
    expect(call!.call).toMatchObject({ number: '+1 (555) 010-2030', digits: '+15550102030' });
  });

  // Forms let named inputs shadow their properties: an input named "elements" hides form.elements.
  it('captures the fields of a form with an input named "elements"', async () => {
    const { context, page, log } = await newVisitor();
    await open(page, `${origin}/named-fields.html`);
    await submit(page, 'with-elements');
    const [form] = await sent(log, 'form_submit');
    await context.close();
    expect(form!.form?.fields).toEqual({
      email: 'elements@example.com',
      elements: 'a field named elements',
    });
    expect(form!.traits).toEqual({ email: 'elements@example.com' });
  });

  it('captures fields named like Object built-ins as written', async () => {
    const { context, page, log } = await newVisitor();
    await open(page, `${origin}/named-fields.html`);
    await submit(page, 'with-builtins');
    const [form] = await sent(log, 'form_submit');
    await context.close();
    expect(form!.form?.fields).toEqual({
      constructor: 'first',
      toString: 'second',
      email: 'builtins@example.com',
    });
  });
});
