import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { send } from './transport.ts';

const ENDPOINT = 'https://collect.example.com/v1/collect';
const BODY = JSON.stringify({ writeKey: 'pk_test', events: [{ type: 'pageview' }] });

let fetchMock: Mock<typeof fetch>;

beforeEach(() => {
  fetchMock = vi.fn<typeof fetch>(() => Promise.resolve(new Response(null, { status: 202 })));
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

function expectFetchFallback(): void {
  expect(fetchMock).toHaveBeenCalledTimes(1);
  expect(fetchMock).toHaveBeenCalledWith(ENDPOINT, {
    method: 'POST',
    body: BODY,
    keepalive: true,
    headers: { 'content-type': 'text/plain' },
  });
}

describe('send', () => {
  it('sends the body string by beacon and does not fetch when the beacon is queued', () => {
    const beacon = vi.spyOn(navigator, 'sendBeacon').mockReturnValue(true);
    send(ENDPOINT, BODY);
    expect(beacon).toHaveBeenCalledTimes(1);
    expect(beacon).toHaveBeenCalledWith(ENDPOINT, BODY);
    expect(typeof beacon.mock.calls[0]![1]).toBe('string');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('calls sendBeacon on navigator (keeps its this)', () => {
    let self: unknown;
    vi.spyOn(navigator, 'sendBeacon').mockImplementation(function (this: unknown) {
      self = this;
      return true;
    });
    send(ENDPOINT, BODY);
    expect(self).toBe(navigator);
  });

  it('falls back to a keepalive text/plain fetch when sendBeacon returns false', () => {
    const beacon = vi.spyOn(navigator, 'sendBeacon').mockReturnValue(false);
    send(ENDPOINT, BODY);
    expect(beacon).toHaveBeenCalledWith(ENDPOINT, BODY);
    expectFetchFallback();
  });

  it('falls back to fetch when sendBeacon throws', () => {
    const beacon = vi.spyOn(navigator, 'sendBeacon').mockImplementation(() => {
      throw new TypeError('Beacon quota exceeded');
    });
    expect(() => send(ENDPOINT, BODY)).not.toThrow();
    expect(beacon).toHaveBeenCalledTimes(1);
    expectFetchFallback();
  });

  it('falls back to fetch when the browser has no sendBeacon', () => {
    vi.stubGlobal('navigator', {});
    send(ENDPOINT, BODY);
    expectFetchFallback();
  });

  it('swallows a failed fetch', async () => {
    vi.spyOn(navigator, 'sendBeacon').mockReturnValue(false);
    const rejection = Promise.reject(new TypeError('Failed to fetch'));
    const caught = vi.spyOn(rejection, 'catch');
    fetchMock.mockReturnValue(rejection);
    expect(() => send(ENDPOINT, BODY)).not.toThrow();
    expectFetchFallback();
    expect(caught).toHaveBeenCalledTimes(1);
    // Let the rejection settle: an unhandled one would fail the run.
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});
