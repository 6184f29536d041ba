import type { LeadloopEventInput } from '@leadloop/schema';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { setURL } from './test-dom.ts';

const ENDPOINT = 'https://collect.example.com/v1/collect';
const NOW = new Date('2025-03-04T05:06:07.000Z');
const ENVELOPE = {
  writeKey: 'pk_test',
  context: { library: { name: 'leadloop.js', version: 't' } },
};

type Init = { method: string; body: string; keepalive: boolean; headers?: unknown };
type Body = { writeKey: string; sentAt: string; events: LeadloopEventInput[] };

let fetchMock: Mock<(url: string, init: Init) => Promise<{ status: number }>>;
let beacon: Mock<(url: string | URL, data?: BodyInit | null) => boolean>;
const listeners: [string, EventListenerOrEventListenerObject | null, unknown][] = [];

/** A valid event whose id ends in `n`. */
function event(n: number): LeadloopEventInput {
  return {
    type: 'track',
    name: `e${n}`,
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    timestamp: NOW.toISOString(),
    anonymousId: 'visitor',
    sessionId: 'session',
    page: { url: 'https://www.example.com/', path: '/' },
  };
}
const events = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => event(from + index));
const ids = (list: { id: string }[]) => list.map((item) => Number(item.id.slice(-12)));

/** The events in each request made so far, by fetch and by beacon. */
const fetched = () =>
  fetchMock.mock.calls.map(([, init]) => ids((JSON.parse(init.body) as Body).events));
const beaconed = () =>
  beacon.mock.calls.map(([, data]) => ids((JSON.parse(data as string) as Body).events));
/** The ids left in the retry queue. */
const queuedIds = () => ids(JSON.parse(localStorage.getItem('ll_q') ?? '[]'));

/** A fresh transport (module state: one per page) over persisted or in-memory storage. */
async function start(persisted = true) {
  vi.resetModules();
  const storage = await import('./storage.ts');
  if (persisted) storage.persist('example.com');
  const transport = await import('./transport.ts');
  // The client writes the batch (its envelope and time); the transport decides what goes in it.
  transport.startTransport(ENDPOINT, (events) =>
    JSON.stringify({ ...ENVELOPE, sentAt: new Date().toISOString(), events }),
  );
  return transport;
}

/** A fetch answer the test settles by hand. */
function deferred() {
  let settle!: (value: { status: number }) => void;
  const promise = new Promise<{ status: number }>((resolve) => {
    settle = resolve;
  });
  return { promise, settle };
}

const answer = (status: number) => () => Promise.resolve({ status });
const networkError = () => Promise.reject(new TypeError('Failed to fetch'));

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
  setURL('https://www.example.com/');
  localStorage.clear();
  const add = window.addEventListener.bind(window);
  vi.spyOn(window, 'addEventListener').mockImplementation((type, listener, options) => {
    listeners.push([type, listener, options]);
    add(type, listener, options);
  });
  fetchMock = vi.fn(answer(202));
  vi.stubGlobal('fetch', fetchMock);
  beacon = vi.fn(() => true);
  vi.spyOn(navigator, 'sendBeacon').mockImplementation(beacon);
  // The backoff's jitter at its lower bound: delays are exactly half of 2^n seconds.
  vi.spyOn(Math, 'random').mockReturnValue(0);
});

afterEach(() => {
  for (const [type, listener, options] of listeners.splice(0))
    window.removeEventListener(type, listener as EventListener, options as boolean);
  vi.clearAllTimers();
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  Reflect.deleteProperty(document, 'hidden');
  localStorage.clear();
});

describe('batching', () => {
  it('sends queued events after 1 s as one text/plain keepalive POST', async () => {
    const { send } = await start();
    send(event(1));
    send(event(2));
    expect(queuedIds()).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(999);
    expect(fetchMock).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe(ENDPOINT);
    expect(init).toEqual({ method: 'POST', body: expect.any(String), keepalive: true });
    // No content-type header: a string body goes as text/plain, with no CORS preflight.
    expect(init.headers).toBe(undefined);
    expect(JSON.parse(init.body)).toEqual({
      ...ENVELOPE,
      sentAt: '2025-03-04T05:06:08.000Z',
      events: [event(1), event(2)],
    });
    expect(beacon).not.toHaveBeenCalled();
  });

  it('waits 1 s from the first event of a batch', async () => {
    const { send } = await start();
    await vi.advanceTimersByTimeAsync(5000);
    send(event(1));
    await vi.advanceTimersByTimeAsync(600);
    send(event(2));
    await vi.advanceTimersByTimeAsync(399);
    expect(fetchMock).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fetched()).toEqual([[1, 2]]);
  });

  it('sends at once when the tenth event is queued', async () => {
    const { send } = await start();
    for (const item of events(1, 9)) send(item);
    expect(fetchMock).not.toHaveBeenCalled();
    send(event(10));
    expect(fetched()).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
  });

  it('sends at once when asked to (a form that may navigate away)', async () => {
    const { send } = await start();
    send(event(1), true);
    expect(fetched()).toEqual([[1]]);
  });

  it('sends at most 50 events a request, then the rest at once', async () => {
    localStorage.setItem('ll_q', JSON.stringify(events(1, 60)));
    await start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetched()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetched()).toHaveLength(2);
    expect(fetched()[0]).toEqual(ids(events(1, 50)));
    expect(fetched()[1]).toEqual(ids(events(51, 60)));
    expect(queuedIds()).toEqual([]);
  });

  it('keeps at most 200 events, dropping the oldest', async () => {
    fetchMock.mockImplementation(() => new Promise(() => {}));
    localStorage.setItem('ll_q', JSON.stringify(events(1, 200)));
    const { send } = await start();
    send(event(201));
    expect(queuedIds()).toHaveLength(200);
    expect(queuedIds()[0]).toBe(2);
    expect(queuedIds().at(-1)).toBe(201);
  });

  it('sends what an earlier page left in the queue, 1 s after start', async () => {
    localStorage.setItem('ll_q', JSON.stringify(events(1, 3)));
    await start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetched()).toEqual([[1, 2, 3]]);
  });

  it('keeps the queue in memory when storage is not persisted (cookieless)', async () => {
    const { send } = await start(false);
    send(event(1));
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetched()).toEqual([[1]]);
    expect(localStorage.length).toBe(0);
  });
});

describe('answers', () => {
  it.each([200, 202, 204, 400, 404, 413, 422])(
    'takes the batch off the queue on %i',
    async (status) => {
      fetchMock.mockImplementation(answer(status));
      const { send } = await start();
      send(event(1));
      send(event(2));
      await vi.advanceTimersByTimeAsync(1000);
      expect(fetched()).toEqual([[1, 2]]);
      expect(queuedIds()).toEqual([]);
      await vi.advanceTimersByTimeAsync(600_000);
      expect(fetchMock).toHaveBeenCalledTimes(1);
    },
  );

  it.each([
    ['429', answer(429)],
    ['500', answer(500)],
    ['503', answer(503)],
    ['a network error', networkError],
  ])('keeps the batch on %s and retries it, same ids, after a backoff', async (_, reply) => {
    fetchMock.mockImplementation(reply);
    const { send } = await start();
    send(event(1));
    send(event(2));
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetched()).toEqual([[1, 2]]);
    expect(queuedIds()).toEqual([1, 2]);
    fetchMock.mockImplementation(answer(202));
    await vi.advanceTimersByTimeAsync(999);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetched()).toEqual([
      [1, 2],
      [1, 2],
    ]);
    const [first, second] = fetchMock.mock.calls.map(([, init]) => JSON.parse(init.body) as Body);
    expect(second!.events).toEqual(first!.events);
    expect(queuedIds()).toEqual([]);
  });

  it('doubles the backoff on each failure up to 5 minutes, with jitter of up to half', async () => {
    fetchMock.mockImplementation(networkError);
    const { send } = await start();
    send(event(1));
    await vi.advanceTimersByTimeAsync(1000);
    for (let failure = 1; failure <= 10; failure++) {
      const delay = Math.min(300_000, 1000 * 2 ** failure) / 2;
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(fetchMock, `retry ${failure}`).toHaveBeenCalledTimes(failure);
      await vi.advanceTimersByTimeAsync(1);
      expect(fetchMock, `retry ${failure}`).toHaveBeenCalledTimes(failure + 1);
    }
    expect(queuedIds()).toEqual([1]);
  });

  it('waits up to the full backoff when the jitter is at its top', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    fetchMock.mockImplementation(networkError);
    const { send } = await start();
    send(event(1));
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(1990);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('halves the batch after each failure, down to one event, and sends 50 again after a success', async () => {
    // Too big for a keepalive request, say: it fails like a network error until it is smaller.
    fetchMock.mockImplementation(networkError);
    localStorage.setItem('ll_q', JSON.stringify(events(1, 60)));
    await start();
    await vi.advanceTimersByTimeAsync(1000);
    for (let failure = 1; failure <= 7; failure++)
      await vi.advanceTimersByTimeAsync(Math.min(300_000, 1000 * 2 ** failure) / 2);
    expect(fetched().map((batch) => batch.length)).toEqual([50, 25, 12, 6, 3, 1, 1, 1]);
    expect(queuedIds()).toHaveLength(60);
    fetchMock.mockImplementation(answer(202));
    await vi.advanceTimersByTimeAsync(128_000);
    await vi.advanceTimersByTimeAsync(1);
    expect(
      fetched()
        .slice(-2)
        .map((batch) => batch.length),
    ).toEqual([1, 50]);
    expect(fetched().at(-1)).toEqual(ids(events(2, 51)));
  });

  it('starts the backoff over after a success', async () => {
    fetchMock.mockImplementationOnce(networkError).mockImplementationOnce(networkError);
    const { send } = await start();
    send(event(1));
    await vi.advanceTimersByTimeAsync(1000 + 1000 + 2000); // fail, fail, succeed
    expect(fetched()).toEqual([[1], [1], [1]]);
    fetchMock.mockImplementationOnce(networkError);
    send(event(2));
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetchMock).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetched().at(-1)).toEqual([2]);
  });

  it('keeps events queued while a request was in flight', async () => {
    const reply = deferred();
    fetchMock.mockImplementationOnce(() => reply.promise);
    const { send } = await start();
    send(event(1));
    await vi.advanceTimersByTimeAsync(1000);
    send(event(2));
    reply.settle({ status: 202 });
    await vi.advanceTimersByTimeAsync(0);
    expect(fetched()).toEqual([[1], [2]]);
    expect(queuedIds()).toEqual([]);
  });

  it('does not retry before the backoff when more events arrive', async () => {
    fetchMock.mockImplementation(networkError);
    const { send } = await start();
    for (const item of events(1, 10)) send(item);
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    send(event(11));
    send(event(12));
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('sends no overlapping batch while a request is in flight', async () => {
    fetchMock.mockImplementation(() => new Promise(() => {}));
    const { send } = await start();
    for (const item of events(1, 12)) send(item);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});

describe('leaving the page', () => {
  it('sends the queue by beacon on pagehide, off the queue once the browser took it', async () => {
    const { send } = await start();
    send(event(1));
    send(event(2));
    dispatchEvent(new Event('pagehide'));
    expect(beacon).toHaveBeenCalledTimes(1);
    expect(beacon.mock.calls[0]![0]).toBe(ENDPOINT);
    expect(typeof beacon.mock.calls[0]![1]).toBe('string');
    expect(JSON.parse(beacon.mock.calls[0]![1] as string)).toEqual({
      ...ENVELOPE,
      sentAt: NOW.toISOString(),
      events: [event(1), event(2)],
    });
    expect(fetchMock).not.toHaveBeenCalled();
    expect(queuedIds()).toEqual([]);
    // The page stayed (bfcache): nothing to send again.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(beacon).toHaveBeenCalledTimes(1);
  });

  it('sends by beacon when the page becomes hidden, not when it becomes visible', async () => {
    const { send } = await start();
    send(event(1));
    Object.defineProperty(document, 'hidden', { configurable: true, value: false });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    expect(beacon).not.toHaveBeenCalled();
    Object.defineProperty(document, 'hidden', { configurable: true, value: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    expect(beaconed()).toEqual([[1]]);
  });

  it('falls back to a keepalive fetch when the beacon is refused', async () => {
    beacon.mockReturnValue(false);
    const { send } = await start();
    send(event(1));
    dispatchEvent(new Event('pagehide'));
    expect(beacon).toHaveBeenCalledTimes(1);
    expect(fetched()).toEqual([[1]]);
    expect(fetchMock.mock.calls[0]![1].keepalive).toBe(true);
    // A refused beacon is no delivery: the event waits for the fetch's answer.
    expect(queuedIds()).toEqual([1]);
    await vi.advanceTimersByTimeAsync(0);
    expect(queuedIds()).toEqual([]);
  });

  it('falls back to fetch where there is no sendBeacon', async () => {
    vi.stubGlobal('navigator', {});
    const { send } = await start();
    send(event(1));
    dispatchEvent(new Event('pagehide'));
    expect(fetched()).toEqual([[1]]);
  });

  it('sends nothing when the queue is empty', async () => {
    await start();
    dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(beacon).not.toHaveBeenCalled();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('sending each event once', () => {
  /** What a page does as it leaves: pagehide, then visibilitychange to hidden. */
  function leave() {
    dispatchEvent(new Event('pagehide'));
    Object.defineProperty(document, 'hidden', { configurable: true, value: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  }

  it('sends the queue once when pagehide and visibilitychange both flush it', async () => {
    const { send } = await start();
    send(event(1));
    leave();
    expect(beaconed()).toEqual([[1]]);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('leaves what a fetch carries to it: a page-hide flush sends only the rest', async () => {
    const reply = deferred();
    fetchMock.mockImplementationOnce(() => reply.promise);
    const { send } = await start();
    send(event(1), true); // a form that navigates away
    send(event(2));
    leave();
    expect(fetched()).toEqual([[1]]);
    expect(beaconed()).toEqual([[2]]);
    // In flight, not yet delivered: still queued until the answer.
    expect(queuedIds()).toEqual([1]);
    reply.settle({ status: 202 });
    await vi.advanceTimersByTimeAsync(0);
    expect(queuedIds()).toEqual([]);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('sends nothing on page hide while the only events are in flight', async () => {
    fetchMock.mockImplementation(() => new Promise(() => {}));
    const { send } = await start();
    send(event(1), true);
    leave();
    expect(fetched()).toEqual([[1]]);
    expect(beacon).not.toHaveBeenCalled();
  });

  it('does not beacon a batch whose fetch the unload aborted, and the next page sends it again', async () => {
    // Leaving the page rejects a keepalive fetch before the pagehide listeners run; the request
    // itself may still arrive, but the page never sees whether it did.
    const reply = deferred();
    let abort!: (error: Error) => void;
    fetchMock.mockImplementationOnce(
      () =>
        new Promise((resolve, reject) => {
          reply.promise.then(resolve);
          abort = reject;
        }),
    );
    const { send } = await start();
    send(event(1), true);
    send(event(2));
    abort(new TypeError('Failed to fetch'));
    await Promise.resolve(); // the rejection's handlers, within the same task
    await Promise.resolve();
    leave();
    expect(beaconed()).toEqual([[2]]);
    expect(queuedIds()).toEqual([1]);

    // The next page: a fresh SDK over the same localStorage sends it again, same id.
    for (const [type, listener, options] of listeners.splice(0))
      window.removeEventListener(type, listener as EventListener, options as boolean);
    vi.clearAllTimers();
    await start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetched()).toEqual([[1], [1]]);
    expect(queuedIds()).toEqual([]);
  });

  it('lets a page-hide flush carry a batch a task after its fetch failed', async () => {
    fetchMock.mockImplementationOnce(networkError);
    const { send } = await start();
    send(event(1), true);
    await vi.advanceTimersByTimeAsync(0);
    expect(fetched()).toEqual([[1]]);
    dispatchEvent(new Event('pagehide'));
    expect(beaconed()).toEqual([[1]]);
    expect(queuedIds()).toEqual([]);
  });

  it('does not beacon what the fallback fetch of a refused beacon carries', async () => {
    beacon.mockReturnValue(false);
    fetchMock.mockImplementation(() => new Promise(() => {}));
    const { send } = await start();
    send(event(1));
    leave();
    expect(beacon).toHaveBeenCalledTimes(1); // refused, on pagehide
    expect(fetched()).toEqual([[1]]);
  });
});
