import { eventSchema } from '@leadloop/schema';
import Cookies from 'js-cookie';
import {
  afterEach,
  beforeEach,
  describe,
  expect,
  it,
  type Mock,
  type MockInstance,
  vi,
} from 'vitest';
import { init } from './index.ts';
import { createTracker } from './tracker.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OPTIONS = { writeKey: 'pk_live_123', apiHost: 'https://collect.example.com' };
const ENDPOINT = 'https://collect.example.com/v1/collect';
const SPRING =
  'https://www.example.com/pricing?utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_id=c1&gclid=G-1';

type Batch = {
  writeKey: string;
  sentAt: string;
  context: { library: { name: string; version: string }; locale?: string };
  events: Record<string, unknown>[];
};

let beacon: MockInstance<Navigator['sendBeacon']>;
let fetchMock: Mock<typeof fetch>;

function setURL(url: string): void {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
}

function setReferrer(referrer: string): void {
  vi.spyOn(document, 'referrer', 'get').mockReturnValue(referrer);
}

function clearCookies(): void {
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name);
}

/** The batch the n-th beacon carried, parsed. */
function sentBatch(call = 0): Batch {
  const args = beacon.mock.calls[call];
  if (!args) throw new Error(`No beacon #${call}; ${beacon.mock.calls.length} sent`);
  expect(args[0]).toBe(ENDPOINT);
  expect(typeof args[1]).toBe('string');
  return JSON.parse(args[1] as string) as Batch;
}

function sentEvent(call = 0): Record<string, unknown> {
  const batch = sentBatch(call);
  expect(batch.events).toHaveLength(1);
  return batch.events[0]!;
}

beforeEach(() => {
  setURL('https://www.example.com/');
  clearCookies();
  localStorage.clear();
  document.title = '';
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2025-06-01T10:00:00.000Z'));
  beacon = vi.spyOn(navigator, 'sendBeacon').mockReturnValue(true);
  fetchMock = vi.fn<typeof fetch>(() => Promise.resolve(new Response(null, { status: 202 })));
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  clearCookies();
  localStorage.clear();
  document.title = '';
});

describe('createTracker().page()', () => {
  it('sends one batch to the collect endpoint with the envelope and a pageview', () => {
    setURL(SPRING);
    setReferrer('https://www.google.com/');
    document.title = 'Pricing — Example';
    createTracker(OPTIONS).page();

    expect(beacon).toHaveBeenCalledTimes(1);
    expect(fetchMock).not.toHaveBeenCalled();
    const batch = sentBatch();
    expect(Object.keys(batch).sort()).toEqual(['context', 'events', 'sentAt', 'writeKey']);
    expect(batch.writeKey).toBe('pk_live_123');
    expect(batch.sentAt).toBe('2025-06-01T10:00:00.000Z');
    expect(batch.context.library).toEqual({ name: 'leadloop.js', version: 'test' });
    expect(batch.context.locale).toBe(navigator.language);
    expect(batch.events).toHaveLength(1);

    const event = batch.events[0]!;
    expect(event.type).toBe('pageview');
    expect(event.id).toMatch(UUID_V4);
    expect(event.timestamp).toBe('2025-06-01T10:00:00.000Z');
    expect(event.anonymousId).toBe(Cookies.get('ll_aid'));
    expect(event.sessionId).toBe(Cookies.get('ll_sid'));
    expect(event.anonymousId).toMatch(UUID_V4);
    expect(event.sessionId).toMatch(UUID_V4);
    expect(event.page).toEqual({
      url: SPRING,
      path: '/pricing',
      title: 'Pricing — Example',
      referrer: 'https://www.google.com/',
    });
    const touch = {
      source: 'google',
      medium: 'cpc',
      campaign: 'spring',
      utmId: 'c1',
      clickIds: { gclid: 'G-1' },
      referrer: 'https://www.google.com/',
      landingPage: SPRING,
      timestamp: '2025-06-01T10:00:00.000Z',
    };
    expect(event.attribution).toEqual({ first: touch, last: touch });
  });

  it('produces an event the real schema accepts', () => {
    setURL(SPRING);
    document.title = 'Pricing';
    createTracker(OPTIONS).page();
    const event = sentEvent();
    const result = eventSchema.safeParse(event);
    expect(result.error?.issues).toBeUndefined();
    expect(result.success).toBe(true);
    expect(result.data?.type).toBe('pageview');
    expect(result.data?.attribution?.first?.utmId).toBe('c1');
  });

  it('produces a schema-valid event on a plain visit with no title', () => {
    setURL('https://www.example.com/about');
    createTracker(OPTIONS).page();
    const event = sentEvent();
    expect(event.page).toEqual({ url: 'https://www.example.com/about', path: '/about' });
    expect(event.attribution).toEqual({});
    expect(eventSchema.safeParse(event).success).toBe(true);
  });

  it('strips a trailing slash from apiHost', () => {
    createTracker({ ...OPTIONS, apiHost: 'https://collect.example.com/' }).page();
    expect(beacon).toHaveBeenCalledTimes(1);
    expect(beacon.mock.calls[0]![0]).toBe(ENDPOINT);
  });

  it('remembers the first touch across a plain visit; the last touch moves to a new campaign', () => {
    const tracker = createTracker(OPTIONS);
    setURL(SPRING);
    tracker.page();
    const spring = {
      source: 'google',
      medium: 'cpc',
      campaign: 'spring',
      utmId: 'c1',
      clickIds: { gclid: 'G-1' },
      landingPage: SPRING,
      timestamp: '2025-06-01T10:00:00.000Z',
    };
    expect(sentEvent(0).attribution).toEqual({ first: spring, last: spring });

    // A day later, a typed-in visit: nothing new, both touches remembered.
    vi.setSystemTime(new Date('2025-06-02T10:00:00.000Z'));
    setURL('https://www.example.com/contact');
    tracker.page();
    expect(sentEvent(1).attribution).toEqual({ first: spring, last: spring });

    // A week later, a new campaign: last touch moves, first touch stays.
    vi.setSystemTime(new Date('2025-06-08T10:00:00.000Z'));
    const summer =
      'https://www.example.com/?utm_source=newsletter&utm_medium=email&utm_campaign=summer';
    setURL(summer);
    tracker.page();
    const summerTouch = {
      source: 'newsletter',
      medium: 'email',
      campaign: 'summer',
      landingPage: summer,
      timestamp: '2025-06-08T10:00:00.000Z',
    };
    const third = sentEvent(2);
    expect(third.attribution).toEqual({ first: spring, last: summerTouch });
    expect(third.timestamp).toBe('2025-06-08T10:00:00.000Z');
    expect(eventSchema.safeParse(third).success).toBe(true);

    // A later plain visit keeps the summer campaign as last touch, from storage.
    setURL('https://www.example.com/thanks');
    tracker.page();
    expect(sentEvent(3).attribution).toEqual({ first: spring, last: summerTouch });

    expect(beacon).toHaveBeenCalledTimes(4);
    const ids = beacon.mock.calls.map((_, i) => sentEvent(i).id);
    expect(new Set(ids).size).toBe(4);
    const visitors = new Set(beacon.mock.calls.map((_, i) => sentEvent(i).anonymousId));
    expect(visitors.size).toBe(1);
  });

  it('remembers touches across trackers (page loads) through localStorage', () => {
    setURL(SPRING);
    createTracker(OPTIONS).page();
    expect(JSON.parse(localStorage.getItem('leadloop:first')!)).toMatchObject({
      campaign: 'spring',
    });
    setURL('https://www.example.com/');
    createTracker(OPTIONS).page();
    const attribution = sentEvent(1).attribution as { first: unknown; last: unknown };
    expect(attribution.first).toMatchObject({ campaign: 'spring', landingPage: SPRING });
    expect(attribution.last).toEqual(attribution.first);
  });

  it('still sends the current touch when storage is unavailable', () => {
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new Error('SecurityError');
    });
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new Error('QuotaExceededError');
    });
    setURL(SPRING);
    expect(() => createTracker(OPTIONS).page()).not.toThrow();
    const attribution = sentEvent().attribution as { first: unknown; last: unknown };
    expect(attribution.first).toMatchObject({ campaign: 'spring' });
    expect(attribution.last).toEqual(attribution.first);
  });

  it('falls back to fetch when the beacon is refused', () => {
    beacon.mockReturnValue(false);
    setURL(SPRING);
    createTracker(OPTIONS).page();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe(ENDPOINT);
    expect(init).toMatchObject({ method: 'POST', keepalive: true });
    expect(JSON.parse(init.body as string).writeKey).toBe('pk_live_123');
  });
});

describe('init', () => {
  it('records the first pageview right away', () => {
    setURL('https://www.example.com/start');
    const tracker = init(OPTIONS);
    expect(beacon).toHaveBeenCalledTimes(1);
    expect(sentEvent().type).toBe('pageview');
    tracker.page();
    expect(beacon).toHaveBeenCalledTimes(2);
  });
});
