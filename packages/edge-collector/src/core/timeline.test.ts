import { describe, expect, it } from 'vitest';
import type { SessionTouch } from './session-touch.ts';
import { type EventRow, type TimelineSources, timelinePage } from './timeline.ts';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const touch = { channel: 'Paid Search', source: 'google', medium: 'cpc' } as SessionTouch;
const event = (id: string, at: number, fields: Partial<EventRow> = {}): EventRow => ({
  id,
  type: 'pageview',
  anonymousId: 'v1',
  sessionId: 's1',
  occurredAt: at,
  pageUrl: 'https://www.acme.com/',
  pagePath: '/',
  pageTitle: null,
  referrer: null,
  name: null,
  payload: {},
  ...fields,
});

const sources: TimelineSources = {
  touches: [{ sessionId: 's1', anonymousId: 'v1', at: T0, touch }],
  events: [
    event('e1', T0),
    event('e2', T0 + 1000, {
      type: 'track',
      name: 'call_completed',
      pageUrl: '',
      payload: { server: true, properties: { duration: 30 } },
    }),
  ],
  changes: [
    {
      id: 'c1',
      type: 'lead.score_changed',
      leadId: 'lead_1',
      occurredAt: T0 + 1000,
      data: { previous: 0, current: 10, reasons: [] },
    },
  ],
  conversions: [
    {
      id: 'conv_1',
      leadId: 'lead_1',
      stage: 'customer' as const,
      valueMinor: 500_000,
      currency: 'EUR',
      occurredAt: T0 + 1000,
      externalId: 'deal-1',
      properties: {},
      siteId: 'site_1',
      requestHash: 'hash',
      createdAt: T0 + 2000,
    },
  ],
};

describe('timelinePage', () => {
  it('orders by time, then touch, event, score, conversion', () => {
    const { items, next } = timelinePage(sources, 10);
    expect(items.map((item) => `${item.kind}:${item.id}`)).toEqual([
      'touch:s1',
      'event:e1',
      'event:e2',
      'score:c1',
      'conversion:conv_1',
    ]);
    expect(next).toBeNull();
    expect(items[2]).toMatchObject({ origin: 'server', page: null, properties: { duration: 30 } });
    expect(items[1]).toMatchObject({ origin: 'browser', page: { path: '/' } });
    expect(items[4]).toMatchObject({ value: 5000, currency: 'EUR' });
    expect(items[3]).toMatchObject({ type: 'lead.score_changed', previous: 0, current: 10 });
  });

  it('cuts a page and says where the next starts', () => {
    const { items, next } = timelinePage(sources, 3);
    expect(items).toHaveLength(3);
    expect(next).toEqual({ at: T0 + 1000, rank: 1, id: 'e2' });
  });
});
