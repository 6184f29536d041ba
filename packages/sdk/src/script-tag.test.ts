// biome-ignore-all lint/suspicious/noDocumentCookie: tests write cookies as pages and ad tags do
import { eventSchema, type LeadloopEvent } from '@leadloop/schema';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { clearCookies, hashChange, recordListeners, setURL, unloadPage } from './test-dom.ts';

type Stub = ((...args: unknown[]) => void) & { q?: ArrayLike<unknown>[] };
type Batch = { writeKey: string; context?: { cookieDomain?: string }; events: LeadloopEvent[] };

const NOW = new Date('2025-03-04T05:06:07.000Z');

let fetchMock: Mock<(url: string, init: { body: string }) => Promise<{ status: number }>>;
const leadloopWindow = window as unknown as { leadloop?: Stub };

/** The stub snippet of the README, queueing `arguments` objects until the script arrives. */
function installStub(): Stub {
  const stub: Stub = function () {
    stub.q = stub.q || [];
    // biome-ignore lint/complexity/noArguments: the README's snippet queues `arguments` objects
    stub.q.push(arguments);
  };
  leadloopWindow.leadloop = stub;
  return stub;
}

/** Runs the script-tag build's entry as if loaded by `<script src=… data-…>`. */
async function loadScript(
  attributes: Record<string, string>,
  src = 'https://c.example.com/leadloop.js',
): Promise<void> {
  const script = document.createElement('script');
  script.src = src;
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  Object.defineProperty(document, 'currentScript', { configurable: true, value: script });
  vi.resetModules();
  await import('./script-tag.ts');
}

const call = (...args: unknown[]) => leadloopWindow.leadloop!(...args);

/** Each request: where it went and what it carried, every event checked against the schema. */
function requests(): { url: string; batch: Batch }[] {
  return fetchMock.mock.calls.map(([url, init]) => {
    const batch = JSON.parse(init.body) as Batch;
    for (const event of batch.events)
      expect(eventSchema.safeParse(event).error?.issues ?? []).toEqual([]);
    return { url, batch };
  });
}
const names = () =>
  requests()
    .flatMap(({ batch }) => batch.events)
    .map((event) => (event.type === 'track' ? event.name : event.type));

const flush = () => vi.advanceTimersByTimeAsync(1000);

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
  setURL('https://www.example.com/');
  clearCookies();
  localStorage.clear();
  recordListeners();
  fetchMock = vi.fn(() => Promise.resolve({ status: 202 }));
  vi.stubGlobal('fetch', fetchMock);
  vi.spyOn(navigator, 'sendBeacon').mockReturnValue(true);
});

afterEach(() => {
  unloadPage();
  Reflect.deleteProperty(document, 'currentScript');
  Reflect.deleteProperty(window, 'leadloop');
  vi.clearAllTimers();
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  clearCookies();
  localStorage.clear();
});

describe('the script tag', () => {
  it('reads data-key and sends to where the script came from', async () => {
    await loadScript({ 'data-key': 'pk_live' });
    await flush();
    const [request] = requests();
    expect(request!.url).toBe('https://c.example.com/v1/collect');
    expect(request!.batch).toMatchObject({
      writeKey: 'pk_live',
      context: { library: { name: 'leadloop.js', version: 'test' }, cookieDomain: 'example.com' },
    });
    expect(names()).toEqual(['pageview']);
    expect(typeof leadloopWindow.leadloop).toBe('function');
  });

  it.each([
    ['https://www.example.com/ll/leadloop.js', 'https://www.example.com/ll/v1/collect'],
    ['https://www.example.com/ll/leadloop.js?v=3', 'https://www.example.com/ll/v1/collect'],
    ['https://www.example.com/ll/leadloop.debug.js#x', 'https://www.example.com/ll/v1/collect'],
  ])('sends first-party from %s to %s', async (src, endpoint) => {
    await loadScript({ 'data-key': 'pk_live' }, src);
    await flush();
    expect(requests().map(({ url }) => url)).toEqual([endpoint]);
  });

  it('starts once when the page includes the tag twice', async () => {
    await loadScript({ 'data-key': 'pk_live' });
    await loadScript({ 'data-key': 'pk_live' });
    await flush();
    expect(names()).toEqual(['pageview']);
  });

  it('sends to data-api when given', async () => {
    await loadScript({ 'data-key': 'pk_live', 'data-api': 'https://collect.example.net/base/' });
    await flush();
    expect(requests().map(({ url }) => url)).toEqual([
      'https://collect.example.net/base/v1/collect',
    ]);
  });

  it('does nothing without data-key, leaving the stub in place', async () => {
    const stub = installStub();
    call('track', 'early');
    await loadScript({ 'data-api': 'https://c.example.com' });
    await flush();
    expect(fetchMock).not.toHaveBeenCalled();
    expect(leadloopWindow.leadloop).toBe(stub);
    expect(document.cookie).toBe('');
  });

  it('does nothing, and does not throw, without document.currentScript', async () => {
    Object.defineProperty(document, 'currentScript', { configurable: true, value: null });
    vi.resetModules();
    await expect(import('./script-tag.ts')).resolves.toBeDefined();
    await flush();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('waits for consent with data-consent="required"', async () => {
    await loadScript({ 'data-key': 'pk_live', 'data-consent': 'required' });
    call('track', 'early');
    await flush();
    expect(fetchMock).not.toHaveBeenCalled();
    expect(document.cookie).toBe('');
    expect(localStorage.length).toBe(0);
    call('consent', 'granted');
    await flush();
    expect(names()).toEqual(['pageview', 'early']);
  });

  it('stores nothing with data-cookieless', async () => {
    const writes = vi.spyOn(document, 'cookie', 'set');
    await loadScript({ 'data-key': 'pk_live', 'data-cookieless': '' });
    call('track', 'x');
    await flush();
    expect(names()).toEqual(['pageview', 'x']);
    expect(writes).not.toHaveBeenCalled();
    expect(localStorage.length).toBe(0);
  });

  it('keeps its cookies on data-cookie-domain', async () => {
    const writes = vi.spyOn(document, 'cookie', 'set');
    await loadScript({ 'data-key': 'pk_live', 'data-cookie-domain': 'www.example.com' });
    await flush();
    expect(requests()[0]!.batch.context?.cookieDomain).toBe('www.example.com');
    const aid = writes.mock.calls
      .map(([value]) => value)
      .find((value) => value.startsWith('ll_aid='));
    expect(aid).toMatch(/;\s*domain=www\.example\.com\b/i);
  });

  it('counts hash routes with data-hash-routing', async () => {
    await loadScript({ 'data-key': 'pk_live', 'data-hash-routing': '' });
    hashChange('https://www.example.com/#/pricing');
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(
      requests()
        .flatMap(({ batch }) => batch.events)
        .map((event) => event.page.url),
    ).toEqual(['https://www.example.com/', 'https://www.example.com/#/pricing']);
  });

  it('replays the stub queue in order, then answers calls directly', async () => {
    installStub();
    call('identify', { email: 'ada@example.com' });
    call('track', 'pricing_viewed', { plan: 'pro' });
    call('track', 'second');
    await loadScript({ 'data-key': 'pk_live' });
    call('track', 'after');
    expect(() => call('no_such_method', 1)).not.toThrow();
    await flush();
    expect(names()).toEqual(['pageview', 'identify', 'pricing_viewed', 'second', 'after']);
    const events = requests().flatMap(({ batch }) => batch.events);
    expect(events[1]).toMatchObject({ type: 'identify', traits: { email: 'ada@example.com' } });
    expect(events[2]).toMatchObject({ properties: { plan: 'pro' } });
  });

  it('replays a queued consent with data-consent="required"', async () => {
    installStub();
    call('track', 'early');
    call('consent', 'granted');
    await loadScript({ 'data-key': 'pk_live', 'data-consent': 'required' });
    await flush();
    expect(names()).toEqual(['pageview', 'early']);
  });
});
