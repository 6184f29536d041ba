// biome-ignore-all lint/suspicious/noDocumentCookie: tests write cookies as pages and ad tags do
import { collectBatchSchema, eventSchema, type LeadloopEvent } from '@leadloop/schema';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { campaignSignature } from './attribution.ts';
import type { Api, Options } from './options.ts';
import {
  clearCookies,
  hashChange,
  recordListeners,
  setURL,
  UUID_V4,
  unloadPage,
} from './test-dom.ts';

const NOW = new Date('2025-03-04T05:06:07.000Z');
const ENDPOINT = 'https://collect.example.com/v1/collect';
const LANDING =
  'https://www.example.com/pricing?utm_source=google&utm_medium=cpc&utm_campaign=spring&gclid=G-1';
// The collector reads source, medium, campaign and click ids out of the landing page.
const LANDING_TOUCH = {
  referrer: 'https://www.google.com/',
  landingPage: LANDING,
  timestamp: NOW.toISOString(),
};

type Batch = { writeKey: string; sentAt: string; context?: unknown; events: LeadloopEvent[] };

let fetchMock: Mock<(url: string, init: { body: string }) => Promise<{ status: number }>>;
let beacon: Mock<(url: string | URL, data?: BodyInit | null) => boolean>;

const cookie = (name: string) =>
  document.cookie
    .split('; ')
    .find((pair) => pair.startsWith(`${name}=`))
    ?.slice(name.length + 1);

/** A page load at `url` (from `referrer`) with a fresh SDK, as the npm entry starts it. */
async function load(options: Partial<Options> = {}, url = LANDING, referrer = ''): Promise<Api> {
  setURL(url);
  Object.defineProperty(document, 'referrer', { configurable: true, value: referrer });
  vi.resetModules();
  const { init } = await import('./index.ts');
  return init({ writeKey: 'pk_test', apiHost: 'https://collect.example.com/', ...options });
}

/** Every batch that left the page (fetch or beacon), each checked against the real schemas. */
function batches(): Batch[] {
  const bodies = [
    ...fetchMock.mock.calls.map(([url, init]) => [url, init.body] as const),
    ...beacon.mock.calls.map(([url, data]) => [String(url), data as string] as const),
  ];
  return bodies.map(([url, body]) => {
    expect(url).toBe(ENDPOINT);
    const batch = JSON.parse(body) as Batch;
    const envelope = collectBatchSchema.safeParse(batch);
    expect(envelope.error?.issues ?? []).toEqual([]);
    for (const event of batch.events) {
      const parsed = eventSchema.safeParse(event);
      expect(parsed.error?.issues ?? [], JSON.stringify(event)).toEqual([]);
    }
    return batch;
  });
}

/** Every distinct event sent so far (a retry resends the same id), in order. */
function sent(): LeadloopEvent[] {
  const seen = new Map<string, LeadloopEvent>();
  for (const batch of batches()) for (const event of batch.events) seen.set(event.id, event);
  return [...seen.values()];
}
const sentOfType = <T extends LeadloopEvent['type']>(type: T) =>
  sent().filter((event): event is Extract<LeadloopEvent, { type: T }> => event.type === type);

/** Lets the 1 s batch timer fire. */
const flush = () => vi.advanceTimersByTimeAsync(1000);
/** Lets a navigation's deferred pageview run. */
const tick = () => vi.advanceTimersByTimeAsync(1);

function leadloopStorage() {
  const keys = ['ll_aid', 'll_sid', 'll_ft', 'll_lt', 'll_q'];
  return {
    cookies: keys.filter((key) => cookie(key) !== undefined),
    localStorage: keys.filter((key) => localStorage.getItem(key) !== null),
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
  clearCookies();
  localStorage.clear();
  recordListeners();
  fetchMock = vi.fn(() => Promise.resolve({ status: 202 }));
  vi.stubGlobal('fetch', fetchMock);
  beacon = vi.fn(() => true);
  vi.spyOn(navigator, 'sendBeacon').mockImplementation(beacon);
});

afterEach(() => {
  unloadPage();
  vi.clearAllTimers();
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  Reflect.deleteProperty(document, 'referrer');
  Reflect.deleteProperty(navigator, 'globalPrivacyControl');
  document.title = '';
  document.body.innerHTML = '';
  clearCookies();
  localStorage.clear();
});

describe('pageviews', () => {
  it('sends a pageview on init with ids, page, first and last touch', async () => {
    document.title = 'Pricing';
    await load({}, LANDING, 'https://www.google.com/');
    expect(fetchMock).not.toHaveBeenCalled();
    await flush();
    const [batch] = batches();
    expect(batch).toMatchObject({
      writeKey: 'pk_test',
      sentAt: '2025-03-04T05:06:08.000Z',
      context: { library: { name: 'leadloop.js', version: 'test' }, cookieDomain: 'example.com' },
    });
    const events = sent();
    expect(events).toHaveLength(1);
    const [pageview] = events;
    expect(pageview).toEqual({
      type: 'pageview',
      id: expect.stringMatching(UUID_V4),
      timestamp: NOW.toISOString(),
      anonymousId: expect.stringMatching(UUID_V4),
      sessionId: expect.stringMatching(UUID_V4),
      page: {
        url: LANDING,
        path: '/pricing',
        title: 'Pricing',
        referrer: 'https://www.google.com/',
      },
      attribution: { first: LANDING_TOUCH, last: LANDING_TOUCH, adIds: {} },
    });
    // Ids in first-party cookies, touches in localStorage; the queue emptied once sent.
    expect(cookie('ll_aid')).toBe(pageview!.anonymousId);
    expect(cookie('ll_sid')).toBe(`${pageview!.sessionId}.${campaignSignature(LANDING)}`);
    expect(JSON.parse(localStorage.getItem('ll_ft')!)).toEqual(LANDING_TOUCH);
    expect(JSON.parse(localStorage.getItem('ll_lt')!)).toEqual(LANDING_TOUCH);
    expect(localStorage.getItem('ll_q')).toBe('[]');
  });

  it('records a direct visit as the first touch, with no last touch', async () => {
    await load({}, 'https://www.example.com/about');
    await flush();
    expect(sent()[0]!.attribution).toEqual({
      first: { landingPage: 'https://www.example.com/about', timestamp: NOW.toISOString() },
      adIds: {},
    });
  });

  it('keeps the first touch of an earlier visit and the last non-direct one', async () => {
    const earlier = { landingPage: 'https://www.example.com/?utm_source=newsletter' };
    localStorage.setItem('ll_ft', JSON.stringify(earlier));
    await load({}, LANDING, 'https://www.google.com/');
    await flush();
    expect(sent()[0]!.attribution).toMatchObject({ first: earlier, last: LANDING_TOUCH });

    // A later direct page load replaces neither.
    unloadPage();
    await load({}, 'https://www.example.com/contact', 'https://www.example.com/pricing');
    await flush();
    expect(sent().at(-1)!.attribution).toMatchObject({ first: earlier, last: LANDING_TOUCH });
  });

  it('sends an fbclid landing as the last touch, from which the collector builds _fbc', async () => {
    const landing = 'https://www.example.com/?fbclid=IwAR0abc';
    await load({}, landing);
    await flush();
    expect(sent()[0]!.attribution).toEqual({
      first: { landingPage: landing, timestamp: NOW.toISOString() },
      last: { landingPage: landing, timestamp: NOW.toISOString() },
      adIds: {},
    });
  });

  it('keeps the session across page loads, and starts a new one on a new campaign', async () => {
    const last = () => sent().at(-1)!;
    await load({}, LANDING, 'https://www.google.com/');
    await flush();
    const first = last();
    unloadPage();
    await load({}, 'https://www.example.com/contact');
    await flush();
    expect(last().sessionId).toBe(first.sessionId);
    unloadPage();
    await load({}, LANDING);
    await flush();
    expect(last().sessionId).toBe(first.sessionId);
    unloadPage();
    await load({}, 'https://www.example.com/?utm_source=bing&utm_campaign=fall');
    await flush();
    const bing = last();
    expect(bing.sessionId).not.toBe(first.sessionId);
    expect(bing.anonymousId).toBe(first.anonymousId);
    unloadPage();
    vi.setSystemTime(Date.now() + 31 * 60_000);
    await load({}, 'https://www.example.com/');
    await flush();
    expect(last().sessionId).not.toBe(bing.sessionId);
    expect(last().anonymousId).toBe(first.anonymousId);
  });

  it('sends a pageview on pushState, replaceState and popstate, once per URL', async () => {
    await load({}, 'https://www.example.com/');
    history.pushState({}, '', '/a');
    document.title = 'A'; // frameworks set the title just after navigating
    await tick();
    history.replaceState({}, '', '/b?x=1');
    await tick();
    history.pushState({}, '', '/b?x=1');
    history.replaceState({ scroll: 10 }, '', '/b?x=1');
    history.pushState({}, '', '/b?x=1#details'); // no hash routing: the same page
    await tick();
    setURL('https://www.example.com/c');
    dispatchEvent(new PopStateEvent('popstate'));
    await tick();
    await flush();
    const pageviews = sentOfType('pageview');
    expect(pageviews.map((event) => [event.page.path, event.page.referrer])).toEqual([
      ['/', ''],
      ['/a', 'https://www.example.com/'],
      ['/b', 'https://www.example.com/a'],
      ['/c', 'https://www.example.com/b?x=1'],
    ]);
    expect(pageviews[1]!.page).toMatchObject({ url: 'https://www.example.com/a', title: 'A' });
    expect(new Set(pageviews.map((event) => event.sessionId)).size).toBe(1);
    expect(new Set(pageviews.map((event) => event.anonymousId)).size).toBe(1);
  });

  it('counts hash routes as pages with the hashRouting option', async () => {
    await load({ hashRouting: true }, 'https://www.example.com/#/home');
    hashChange('https://www.example.com/#/pricing');
    await tick();
    history.pushState({}, '', '#/contact');
    await tick();
    await flush();
    expect(sentOfType('pageview').map((event) => event.page.url)).toEqual([
      'https://www.example.com/#/home',
      'https://www.example.com/#/pricing',
      'https://www.example.com/#/contact',
    ]);
  });

  it('ignores hash changes without the hashRouting option', async () => {
    await load({}, 'https://www.example.com/#/home');
    hashChange('https://www.example.com/#/pricing');
    await tick();
    history.pushState({}, '', '#/contact');
    await tick();
    await flush();
    // …and without hash routing the fragment is not even sent: it may hold a token.
    expect(sentOfType('pageview').map((event) => event.page.url)).toEqual([
      'https://www.example.com/',
    ]);
  });

  it('page() records the current URL unless it was the last one recorded', async () => {
    const client = await load({ autoCapture: false }, 'https://www.example.com/');
    await flush();
    expect(sent()).toEqual([]);
    client.page();
    client.page();
    setURL('https://www.example.com/next');
    client.page();
    await flush();
    expect(sentOfType('pageview').map((event) => event.page.path)).toEqual(['/', '/next']);
  });
});

describe('the anonymous id', () => {
  /** The ll_aid cookie's writes among `writes`. */
  const writesOfId = (writes: { mock: { calls: [string][] } }) =>
    writes.mock.calls
      .map(([written]) => written)
      .filter((written) => written.startsWith('ll_aid='));

  it('creates a v4 UUID and stores it in the ll_aid cookie', async () => {
    await load();
    await flush();
    const id = sent()[0]!.anonymousId;
    expect(id).toMatch(UUID_V4);
    expect(cookie('ll_aid')).toBe(id);
  });

  it('writes the cookie once and never rewrites it, whatever the lifetime', async () => {
    const writes = vi.spyOn(document, 'cookie', 'set');
    const client = await load();
    client.track('a');
    vi.setSystemTime(Date.now() + 60_000);
    client.track('b');
    await flush();
    unloadPage();
    await load({ cookieDays: 1 });
    await flush();
    const ids = new Set(sent().map((event) => event.anonymousId));
    expect(ids.size).toBe(1);
    expect(writesOfId(writes)).toEqual([expect.stringMatching(`^ll_aid=${[...ids][0]};`)]);
  });

  it("reuses an earlier page's id without rewriting it", async () => {
    document.cookie = 'll_aid=existing-visitor;path=/';
    const writes = vi.spyOn(document, 'cookie', 'set');
    await load();
    await flush();
    expect(sent()[0]!.anonymousId).toBe('existing-visitor');
    expect(writesOfId(writes)).toEqual([]);
  });

  it('keeps the cookie for the cookieDays option, a year without it', async () => {
    const writes = vi.spyOn(document, 'cookie', 'set');
    await load();
    expect(writesOfId(writes)).toEqual([expect.stringContaining(';max-age=31536000;')]);
    clearCookies();
    unloadPage();
    await load({ cookieDays: 2 });
    vi.setSystemTime(Date.now() + 47 * 3_600_000);
    expect(cookie('ll_aid')).toMatch(UUID_V4);
    vi.setSystemTime(Date.now() + 2 * 3_600_000);
    expect(cookie('ll_aid')).toBe(undefined);
  });

  it('reads every cookie before it writes one when it stamps an event', async () => {
    // A read after a write is a synchronous round trip to the browser process.
    const client = await load();
    const reads = vi.spyOn(document, 'cookie', 'get');
    const writes = vi.spyOn(document, 'cookie', 'set');
    client.track('later');
    expect(reads).toHaveBeenCalled();
    expect(writes).toHaveBeenCalled();
    expect(Math.max(...reads.mock.invocationCallOrder)).toBeLessThan(
      Math.min(...writes.mock.invocationCallOrder),
    );
  });

  it('starts a new id once the cookie is gone', async () => {
    const client = await load();
    await flush();
    const id = sent()[0]!.anonymousId;
    clearCookies();
    client.track('later');
    await flush();
    const next = sent().at(-1)!.anonymousId;
    expect(next).toMatch(UUID_V4);
    expect(next).not.toBe(id);
  });
});

describe('identify, track and reset', () => {
  it('sends identify with its traits and track with its name and properties', async () => {
    const client = await load();
    client.identify({ email: 'ada@example.com', plan: 'pro' });
    client.track('signup', { plan: 'pro', seats: 3 });
    await flush();
    const [pageview, identify, track] = sent();
    expect(identify).toMatchObject({
      type: 'identify',
      traits: { email: 'ada@example.com', plan: 'pro' },
      anonymousId: pageview!.anonymousId,
      sessionId: pageview!.sessionId,
    });
    expect(track).toMatchObject({
      type: 'track',
      name: 'signup',
      properties: { plan: 'pro', seats: 3 },
      anonymousId: pageview!.anonymousId,
    });
    expect(new Set(sent().map((event) => event.id)).size).toBe(3);
  });

  it('reset() starts a new visitor without remembered touches', async () => {
    const client = await load({}, LANDING, 'https://www.google.com/');
    await flush();
    const before = sent()[0]!;
    client.reset();
    // The identity is gone; the delivery queue stays, so events queued before reset() still go out.
    expect(leadloopStorage()).toEqual({ cookies: [], localStorage: ['ll_q'] });
    client.track('after');
    await flush();
    const after = sent().at(-1)!;
    expect(after).toMatchObject({ type: 'track', name: 'after' });
    expect(after.anonymousId).toMatch(UUID_V4);
    expect(after.anonymousId).not.toBe(before.anonymousId);
    expect(after.sessionId).not.toBe(before.sessionId);
    expect(cookie('ll_aid')).toBe(after.anonymousId);
    expect(after.attribution).toEqual({
      first: { landingPage: LANDING, timestamp: after.timestamp },
      adIds: {},
    });
    expect(after.timestamp).toBe('2025-03-04T05:06:08.000Z');
  });

  it('sends events called before any pageview with the document referrer', async () => {
    const client = await load(
      { autoCapture: false },
      'https://www.example.com/',
      'https://news.example.org/',
    );
    client.track('first');
    await flush();
    expect(sentOfType('track')[0]!.page.referrer).toBe('https://news.example.org/');
  });

  it('reset() still sends the events queued before it', async () => {
    const client = await load();
    client.track('logout');
    client.reset();
    await flush();
    expect(sentOfType('track').map((event) => event.name)).toEqual(['logout']);
  });

  it('never throws into the page', async () => {
    const client = await load();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new Error('storage disabled');
    });
    expect(() => client.track('x', circular)).not.toThrow();
    expect(() => client.identify(undefined as never)).not.toThrow();
    expect(() => client.page()).not.toThrow();
    expect(() => client.consent('granted')).not.toThrow();
  });
});

describe('consent', () => {
  it("with consent 'required', sends and stores nothing before consent('granted')", async () => {
    const writes = vi.spyOn(document, 'cookie', 'set');
    const client = await load({ consent: 'required' }, LANDING, 'https://www.google.com/');
    client.track('early');
    await vi.advanceTimersByTimeAsync(10_000);
    dispatchEvent(new Event('pagehide'));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(beacon).not.toHaveBeenCalled();
    expect(writes).not.toHaveBeenCalled();
    expect(document.cookie).toBe('');
    expect(localStorage.length).toBe(0);

    client.consent('granted');
    await flush();
    const events = sent();
    expect(events.map((event) => event.type)).toEqual(['pageview', 'track']);
    // Held events keep the time they happened, and get the landing touch.
    expect(events[0]!.timestamp).toBe(NOW.toISOString());
    expect(events[1]!.timestamp).toBe(NOW.toISOString());
    expect(events[0]!.attribution?.first).toEqual({
      ...LANDING_TOUCH,
      timestamp: expect.any(String),
    });
    expect(cookie('ll_aid')).toBe(events[0]!.anonymousId);
    expect(new Set(events.map((event) => event.anonymousId)).size).toBe(1);
  });

  it('dates the landing touch at the landing, not at the later consent', async () => {
    const client = await load({ consent: 'required' }, LANDING, 'https://www.google.com/');
    await vi.advanceTimersByTimeAsync(10_000);
    client.consent('granted');
    await flush();
    expect(sent()[0]!.attribution?.first?.timestamp).toBe(NOW.toISOString());
  });

  it("consent('denied') while pending drops the held events and stores nothing", async () => {
    const client = await load({ consent: 'required' });
    client.track('early');
    client.consent('denied');
    client.track('later');
    await vi.advanceTimersByTimeAsync(10_000);
    dispatchEvent(new Event('pagehide'));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(beacon).not.toHaveBeenCalled();
    // Only the refusal itself is kept, so that the next page respects it too.
    expect(document.cookie).toBe('ll_consent=denied');
    expect(localStorage.length).toBe(0);
  });

  it("consent('denied') erases what was stored and drops unsent events", async () => {
    const client = await load({}, LANDING, 'https://www.google.com/');
    document.cookie = 'site=1;path=/';
    expect(leadloopStorage().cookies).toEqual(['ll_aid', 'll_sid']);
    client.consent('denied');
    expect(leadloopStorage()).toEqual({ cookies: [], localStorage: [] });
    expect(cookie('site')).toBe('1');
    client.track('after');
    await vi.advanceTimersByTimeAsync(10_000);
    dispatchEvent(new Event('pagehide'));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(beacon).not.toHaveBeenCalled();
    expect(leadloopStorage()).toEqual({ cookies: [], localStorage: [] });
  });

  it("remembers a refusal on the next page, until consent('granted')", async () => {
    const first = await load();
    await flush();
    first.consent('denied');
    expect(cookie('ll_consent')).toBe('denied');
    fetchMock.mockClear();

    const next = await load(); // the next page, before its consent manager has spoken
    next.track('too early');
    await vi.advanceTimersByTimeAsync(10_000);
    dispatchEvent(new Event('pagehide'));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(beacon).not.toHaveBeenCalled();
    expect(leadloopStorage()).toEqual({ cookies: [], localStorage: [] });

    next.consent('granted');
    expect(cookie('ll_consent')).toBeUndefined();
    next.track('welcome back');
    await flush();
    expect(sentOfType('track').map((event) => event.name)).toEqual(['welcome back']);
  });

  it("consent('denied') leaves nothing behind even with a request in flight", async () => {
    let settle!: (value: { status: number }) => void;
    fetchMock.mockImplementation(() => new Promise((resolve) => (settle = resolve)));
    const client = await load();
    await flush();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    client.consent('denied');
    settle({ status: 202 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(leadloopStorage()).toEqual({ cookies: [], localStorage: [] });
  });

  it('with Global Privacy Control, sends and stores nothing unless consent is granted', async () => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { configurable: true, value: true });
    const writes = vi.spyOn(document, 'cookie', 'set');
    const client = await load({}, LANDING, 'https://www.google.com/');
    client.identify({ email: 'ada@example.com' });
    client.track('ignored');
    await vi.advanceTimersByTimeAsync(10_000);
    dispatchEvent(new Event('pagehide'));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(beacon).not.toHaveBeenCalled();
    expect(writes).not.toHaveBeenCalled();
    expect(localStorage.length).toBe(0);

    client.consent('granted');
    client.track('after');
    await flush();
    expect(sent().map((event) => event.type === 'track' && event.name)).toEqual(['after']);
    expect(cookie('ll_aid')).toBe(sent()[0]!.anonymousId);
  });

  it("with Global Privacy Control and consent 'required', holds events until granted", async () => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { configurable: true, value: true });
    const client = await load({ consent: 'required' });
    await flush();
    expect(fetchMock).not.toHaveBeenCalled();
    client.consent('granted');
    await flush();
    expect(sent().map((event) => event.type)).toEqual(['pageview']);
  });
});

describe('cookieless mode', () => {
  it('sends events but writes no cookie and no localStorage', async () => {
    const writes = vi.spyOn(document, 'cookie', 'set');
    const client = await load({ cookieless: true }, LANDING, 'https://www.google.com/');
    client.identify({ email: 'ada@example.com' });
    history.pushState({}, '', '/next');
    await tick();
    client.track('signup');
    dispatchEvent(new Event('pagehide'));
    await flush();
    const events = sent();
    expect(events.map((event) => event.type)).toEqual([
      'pageview',
      'identify',
      'pageview',
      'track',
    ]);
    expect(new Set(events.map((event) => event.anonymousId)).size).toBe(1);
    expect(new Set(events.map((event) => event.sessionId)).size).toBe(1);
    expect(events[0]!.attribution?.first).toEqual(LANDING_TOUCH);
    expect(batches()[0]!.context).toEqual({ library: { name: 'leadloop.js', version: 'test' } });
    expect(writes).not.toHaveBeenCalled();
    expect(document.cookie).toBe('');
    expect(localStorage.length).toBe(0);
  });

  it('is a new visitor on each page load', async () => {
    await load({ cookieless: true });
    await flush();
    unloadPage();
    await load({ cookieless: true });
    await flush();
    const [first, second] = sent();
    expect(second!.anonymousId).not.toBe(first!.anonymousId);
  });
});

describe('form fills', () => {
  const FORM = `
    <form id="contact" name="contact-form" action="/thanks">
      <input type="email" name="email" value="ada@example.com">
      <input type="tel" name="phone" value="+1 555 123 4567">
      <input name="name" value="Ada Lovelace">
      <input type="password" name="password" value="hunter2">
      <input type="hidden" name="csrf" value="abc">
      <textarea name="message">Hello</textarea>
      <button>Send</button>
    </form>`;

  const submit = (form: HTMLFormElement) =>
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));

  it('sends form_submit at once with the fields and the visitor traits', async () => {
    await load();
    document.body.innerHTML = FORM;
    submit(document.querySelector('form')!);
    // Sent before the batch timer, with the pageview still queued: the page may navigate away.
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(batches()[0]!.events.map((event) => event.type)).toEqual(['pageview', 'form_submit']);
    const [form] = sentOfType('form_submit');
    expect(form).toMatchObject({
      form: {
        id: 'contact',
        name: 'contact-form',
        fields: {
          email: 'ada@example.com',
          phone: '+1 555 123 4567',
          name: 'Ada Lovelace',
          message: 'Hello',
        },
      },
      traits: { email: 'ada@example.com', phone: '+1 555 123 4567', name: 'Ada Lovelace' },
    });
    expect(Object.keys(form!.form.fields)).toHaveLength(4);
  });

  describe('that navigate away', () => {
    /** The page leaves: pagehide, then visibilitychange to hidden. */
    function leave() {
      dispatchEvent(new Event('pagehide'));
      Object.defineProperty(document, 'hidden', { configurable: true, value: true });
      document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
      unloadPage();
      Reflect.deleteProperty(document, 'hidden');
    }
    /** How many requests carried the event `id`, by fetch or by beacon. */
    const requestsWith = (id: string) =>
      batches().filter((batch) => batch.events.some((event) => event.id === id)).length;

    it('sends the form once when its fetch was answered before the page left', async () => {
      await load();
      document.body.innerHTML = FORM;
      submit(document.querySelector('form')!);
      await vi.advanceTimersByTimeAsync(0); // the answer
      leave();
      await load({}, 'https://www.example.com/thanks');
      await flush();
      const [form] = sentOfType('form_submit');
      expect(requestsWith(form!.id)).toBe(1);
      expect(beacon).not.toHaveBeenCalled();
    });

    it('leaves an unanswered form to its fetch on page hide, and the next page sends it again', async () => {
      fetchMock.mockImplementationOnce(() => new Promise(() => {}));
      await load();
      document.body.innerHTML = FORM;
      submit(document.querySelector('form')!);
      leave();
      // The fetch carries the pageview and the form; the page-hide flushes send neither again.
      expect(fetchMock).toHaveBeenCalledTimes(1);
      expect(beacon).not.toHaveBeenCalled();
      const [form] = sentOfType('form_submit');
      // The next page cannot know whether it arrived: it sends it again, same id.
      await load({}, 'https://www.example.com/thanks');
      await flush();
      expect(requestsWith(form!.id)).toBe(2);
      expect(sentOfType('form_submit')).toHaveLength(1);
    });
  });

  it('sends no traits for a form without email or phone', async () => {
    await load();
    document.body.innerHTML =
      '<form><input name="name" value="Ada"><input name="q" value="crm"></form>';
    submit(document.querySelector('form')!);
    const [form] = sentOfType('form_submit');
    expect(form!.form.fields).toEqual({ name: 'Ada', q: 'crm' });
    expect(form).not.toHaveProperty('traits');
  });

  it('captures form.submit(), which fires no submit event, and still submits', async () => {
    const submitted = vi.fn();
    HTMLFormElement.prototype.submit = submitted;
    await load();
    document.body.innerHTML = FORM;
    const form = document.querySelector('form')!;
    form.submit();
    expect(submitted).toHaveBeenCalledTimes(1);
    // happy-dom calls methods on the element behind its proxy: compare by content.
    expect((submitted.mock.contexts[0] as HTMLFormElement).outerHTML).toBe(form.outerHTML);
    expect(sentOfType('form_submit')[0]!.form.id).toBe('contact');
  });

  it('records a form once when its submit handler validates and calls form.submit()', async () => {
    HTMLFormElement.prototype.submit = vi.fn();
    await load();
    document.body.innerHTML = FORM;
    const form = document.querySelector('form')!;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      // form.submit() with `this` the form, as in browsers (happy-dom's proxy would unwrap it).
      HTMLFormElement.prototype.submit.call(form);
    });
    submit(form);
    await flush();
    expect(sentOfType('form_submit')).toHaveLength(1);
    // A second submission later is a new fill.
    await vi.advanceTimersByTimeAsync(1000);
    submit(form);
    await flush();
    expect(sentOfType('form_submit')).toHaveLength(2);
  });

  it('sends nothing for a form marked data-leadloop-ignore', async () => {
    await load();
    document.body.innerHTML = FORM.replace('<form ', '<form data-leadloop-ignore ');
    submit(document.querySelector('form')!);
    await flush();
    expect(sentOfType('form_submit')).toEqual([]);
  });

  it('reads the form id even when a field is named "id"', async () => {
    await load();
    document.body.innerHTML = FORM.replace(
      '<textarea',
      '<input type="hidden" name="id" value="42"><textarea',
    );
    const form = document.querySelector('form')!;
    Object.defineProperty(form, 'id', {
      configurable: true,
      get: () => form.elements.namedItem('id'),
    });
    submit(form);
    await flush();
    expect(sentOfType('form_submit').map((event) => event.form.id)).toEqual(['contact']);
  });
});

describe('link clicks', () => {
  /** Links in a container that keeps happy-dom from following them. */
  function links(html: string): void {
    document.body.innerHTML = `<div>${html}</div>`;
    document.body.firstElementChild!.addEventListener('click', (event) => event.preventDefault());
  }

  it('sends call_click for a tel: link, from a click on its content', async () => {
    await load();
    links('<a href="tel:+15551234567"> <span>Call us</span> </a>');
    (document.querySelector('span') as HTMLElement).click();
    await flush();
    expect(sentOfType('call_click').map((event) => event.call)).toEqual([
      { number: '+15551234567', kind: 'tel', digits: '+15551234567', text: 'Call us' },
    ]);
  });

  it('sends call_click for sms: and WhatsApp links', async () => {
    await load();
    links(
      '<a href="sms:+15550000001?body=hi">SMS</a>' +
        '<a href="https://wa.me/15550000002">WA</a>' +
        '<a href="https://api.whatsapp.com/send?phone=15550000003">Chat</a>',
    );
    for (const link of document.querySelectorAll('a')) link.click();
    await flush();
    expect(sentOfType('call_click').map((event) => event.call)).toEqual([
      { number: '+15550000001', kind: 'sms', digits: '+15550000001', text: 'SMS' },
      { number: '15550000002', kind: 'whatsapp', digits: '+15550000002', text: 'WA' },
      { number: '15550000003', kind: 'whatsapp', digits: '+15550000003', text: 'Chat' },
    ]);
  });

  it('reads links by their parsed href, whatever the case of their scheme', async () => {
    await load();
    links('<a href="TEL:+15551234567">Call</a><a href="MAILTO:ada%40example.com">Mail</a>');
    for (const link of document.querySelectorAll('a')) link.click();
    await flush();
    expect(sentOfType('call_click').map((event) => event.call)).toEqual([
      { number: '+15551234567', kind: 'tel', digits: '+15551234567', text: 'Call' },
    ]);
    expect(sentOfType('track')[0]).toMatchObject({
      name: 'email_click',
      properties: { address: 'ada@example.com' },
    });
  });

  it('tracks mailto: clicks as email_click and ignores ordinary links', async () => {
    await load();
    links('<a href="mailto:sales@example.com?subject=Hi">Mail</a><a href="/about">About</a>');
    for (const link of document.querySelectorAll('a')) link.click();
    await flush();
    expect(sent().map((event) => event.type)).toEqual(['pageview', 'track']);
    expect(sentOfType('track')[0]).toMatchObject({
      name: 'email_click',
      properties: { address: 'sales@example.com' },
    });
  });
});

describe('the npm entry', () => {
  it('starts once and replays calls made before init, in order', async () => {
    setURL('https://www.example.com/');
    vi.resetModules();
    const sdk = await import('./index.ts');
    sdk.track('early');
    sdk.identify({ email: 'ada@example.com' });
    const options = { writeKey: 'pk_test', apiHost: 'https://collect.example.com' };
    const client = sdk.init(options);
    expect(sdk.init({ ...options, writeKey: 'pk_other' })).toBe(client);
    sdk.track('late');
    await flush();
    expect(sent().map((event) => (event.type === 'track' ? event.name : event.type))).toEqual([
      'pageview',
      'early',
      'identify',
      'late',
    ]);
    expect(batches().every((batch) => batch.writeKey === 'pk_test')).toBe(true);
  });
});
