import { describe, expect, it } from 'vitest';
import { correctedTime, toEventRecord } from './event-record.ts';

const receivedAt = Date.parse('2026-11-23T12:00:10.000Z');

describe('correctedTime', () => {
  it("keeps the client's own measure of elapsed time, whatever its clock says", () => {
    // The client's clock is two hours behind; the event happened 3 s before the batch was sent.
    expect(correctedTime('2026-11-23T09:59:57.000Z', '2026-11-23T10:00:00.000Z', receivedAt)).toBe(
      receivedAt - 3000,
    );
  });

  it('never places an event more than 90 days before its receipt', () => {
    expect(correctedTime('2020-01-01T00:00:00.000Z', '2026-11-23T12:00:00.000Z', receivedAt)).toBe(
      receivedAt - 90 * 86_400_000,
    );
  });

  it('never places an event after its receipt', () => {
    expect(correctedTime('2026-11-23T12:00:05.000Z', '2026-11-23T12:00:00.000Z', receivedAt)).toBe(
      receivedAt,
    );
  });
});

describe('toEventRecord', () => {
  it('keeps columns apart from the payload, with the client timestamp and batch context', () => {
    const record = toEventRecord(
      'site_1',
      {
        id: '6f1c1c38-3d1b-4bb0-9f0e-0b3c3d2b8f10',
        type: 'track',
        name: 'quote_requested',
        timestamp: '2026-11-23T11:59:59.000Z',
        anonymousId: 'a1',
        sessionId: 's1',
        page: { url: 'https://acme.test/?token=t', path: '/', referrer: 'https://google.com/' },
        properties: { plan: 'pro' },
        attribution: { first: { source: 'mail', landingPage: 'https://acme.test/?token=t&a=1' } },
      },
      { sentAt: '2026-11-23T12:00:00.000Z', context: { locale: 'en-US' } },
      receivedAt,
    );
    expect(record).toEqual({
      siteId: 'site_1',
      id: '6f1c1c38-3d1b-4bb0-9f0e-0b3c3d2b8f10',
      type: 'track',
      anonymousId: 'a1',
      sessionId: 's1',
      occurredAt: receivedAt - 1000,
      receivedAt,
      pageUrl: 'https://acme.test/',
      pagePath: '/',
      pageTitle: null,
      referrer: 'https://google.com/',
      name: 'quote_requested',
      payload: {
        name: 'quote_requested',
        properties: { plan: 'pro' },
        attribution: { first: { source: 'mail', landingPage: 'https://acme.test/?a=1' } },
        clientTimestamp: '2026-11-23T11:59:59.000Z',
        context: { locale: 'en-US' },
      },
    });
  });
});
