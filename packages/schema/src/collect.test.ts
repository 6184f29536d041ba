import { afterEach, describe, expect, it } from 'vitest';
import { parseCollectBatch, parseEvent } from './collect.ts';
import { LIMITS } from './limits.ts';

const WRITE_KEY = 'pk_live_0123456789';
const SENT_AT = '2024-05-01T12:00:05.000Z';

/** A UUID that differs per `n`, so events of a batch can be told apart. */
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** A valid pageview; `overrides` replace top-level keys. */
function event(n = 0, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: uuid(n),
    type: 'pageview',
    timestamp: '2024-05-01T12:00:00.000Z',
    anonymousId: 'anon-1',
    sessionId: 'sess-1',
    page: { url: 'https://example.com/', path: '/' },
    ...overrides,
  };
}

const events = (count: number) => Array.from({ length: count }, (_, n) => event(n));

function batch(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { writeKey: WRITE_KEY, sentAt: SENT_AT, events: [event()], ...overrides };
}

/** Paths of the envelope errors, or [] when the envelope is valid. */
function envelopePaths(input: unknown): string[] {
  const parsed = parseCollectBatch(input);
  return parsed.ok ? [] : parsed.errors.map((error) => error.path);
}

const BYTES_PER_CHAR = { x: 1, é: 2, '€': 3, '😀': 4 } as const;

/**
 * A valid event whose JSON is exactly `bytes` bytes of UTF-8, padded with an unknown key (which is
 * stripped, but still counts). The byte count is worked out by hand, not by `utf8ByteLength`.
 */
function eventOfBytes(bytes: number, char: keyof typeof BYTES_PER_CHAR = 'x') {
  const asciiBytes = JSON.stringify(event(0, { padding: '' })).length;
  const room = bytes - asciiBytes;
  const count = Math.floor(room / BYTES_PER_CHAR[char]);
  const rest = room - count * BYTES_PER_CHAR[char];
  return event(0, { padding: char.repeat(count) + 'x'.repeat(rest) });
}

describe('LIMITS', () => {
  it('holds the documented values', () => {
    expect(LIMITS).toEqual({
      batchBytes: 512_000,
      batchEvents: 100,
      eventBytes: 32_768,
      jsonDepth: 8,
      jsonKeys: 100,
      jsonArrayItems: 100,
      jsonKeyLength: 256,
      stringLength: 4096,
      urlLength: 8192,
      idLength: 128,
      textLength: 1024,
      formFields: 100,
    });
  });
});

describe('parseCollectBatch: the envelope', () => {
  it('accepts a valid batch with no rejected events', () => {
    const parsed = parseCollectBatch(batch({ events: events(3) }));
    expect(parsed).toEqual({
      ok: true,
      batch: { writeKey: WRITE_KEY, sentAt: SENT_AT, events: events(3) },
      rejected: [],
    });
  });

  it('keeps a valid context', () => {
    const context = {
      library: { name: '@leadloop/sdk', version: '1.2.3' },
      locale: 'fr-FR',
      timezone: 'Europe/Paris',
      screen: { width: 1440, height: 900 },
    };
    const parsed = parseCollectBatch(batch({ context }));
    expect(parsed.ok && parsed.batch.context).toEqual(context);
  });

  it('drops unknown envelope keys', () => {
    const parsed = parseCollectBatch(batch({ apiVersion: 2 }));
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.batch).not.toHaveProperty('apiVersion');
  });

  it.each([
    ['a secret key', 'sk_live_0123'],
    ['a key without prefix', 'live_0123'],
    ['an upper-case prefix', 'PK_live_0123'],
    ['an empty key', ''],
  ])('rejects %s at path writeKey', (_label, writeKey) => {
    expect(envelopePaths(batch({ writeKey }))).toEqual(['writeKey']);
  });

  it(`accepts a write key of ${LIMITS.idLength} characters and rejects one more`, () => {
    expect(envelopePaths(batch({ writeKey: `pk_${'a'.repeat(LIMITS.idLength - 3)}` }))).toEqual([]);
    expect(envelopePaths(batch({ writeKey: `pk_${'a'.repeat(LIMITS.idLength - 2)}` }))).toEqual([
      'writeKey',
    ]);
  });

  it('requires writeKey, sentAt and events', () => {
    expect(envelopePaths({}).sort()).toEqual(['events', 'sentAt', 'writeKey']);
  });

  it.each(['2024-05-01T12:00:05Z', '2024-05-01T14:00:05.123+02:00'])(
    'accepts sentAt %s',
    (sentAt) => {
      expect(envelopePaths(batch({ sentAt }))).toEqual([]);
    },
  );

  it.each(['2024-05-01T12:00:05', '2024-05-01', 'Wed, 01 May 2024 12:00:05 GMT', 1714564805000])(
    'rejects sentAt %j at path sentAt',
    (sentAt) => {
      expect(envelopePaths(batch({ sentAt }))).toEqual(['sentAt']);
    },
  );

  it('rejects an empty events array', () => {
    expect(envelopePaths(batch({ events: [] }))).toEqual(['events']);
  });

  it(`accepts ${LIMITS.batchEvents} events`, () => {
    const parsed = parseCollectBatch(batch({ events: events(LIMITS.batchEvents) }));
    expect(parsed.ok && parsed.batch.events.length).toBe(100);
  });

  it(`rejects the whole batch with ${LIMITS.batchEvents + 1} events`, () => {
    const parsed = parseCollectBatch(batch({ events: events(LIMITS.batchEvents + 1) }));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors.map((error) => error.path)).toEqual(['events']);
  });

  it('rejects events that are not an array', () => {
    expect(envelopePaths(batch({ events: event() }))).toEqual(['events']);
  });

  it.each([
    ['context.screen.width', { screen: { width: -1, height: 900 } }],
    ['context.screen.height', { screen: { width: 1440, height: 900.5 } }],
    ['context.library.name', { library: { name: 'n'.repeat(65), version: '1' } }],
    ['context.library.version', { library: { name: 'sdk', version: 'v'.repeat(65) } }],
    ['context.locale', { locale: 'l'.repeat(65) }],
    ['context.timezone', { timezone: 't'.repeat(65) }],
  ])('rejects a bad context at path %s', (path, context) => {
    expect(envelopePaths(batch({ context }))).toEqual([path]);
  });

  it('accepts context strings of 64 characters and a zero screen', () => {
    const context = {
      library: { name: 'n'.repeat(64), version: 'v'.repeat(64) },
      locale: 'l'.repeat(64),
      timezone: 't'.repeat(64),
      screen: { width: 0, height: 0 },
    };
    expect(envelopePaths(batch({ context }))).toEqual([]);
  });

  it('rejects the envelope even when its events are valid', () => {
    const parsed = parseCollectBatch(batch({ writeKey: 'sk_x', events: events(2) }));
    expect(parsed).toEqual({ ok: false, errors: [expect.objectContaining({ path: 'writeKey' })] });
  });

  it.each([null, 'text', [], 42])('rejects a body that is not an object (%j)', (input) => {
    expect(envelopePaths(input)).toEqual(['']);
  });
});

describe('parseCollectBatch: one bad event rejects only itself', () => {
  it('keeps the valid events in order and lists the rejected ones by index', () => {
    const input = batch({
      events: [
        event(0),
        event(1, { page: { url: 'javascript:alert(1)', path: '/' } }),
        event(2),
        event(3, { type: 'page' }),
        event(4),
      ],
    });
    const parsed = parseCollectBatch(input);
    if (!parsed.ok) throw new Error('expected the envelope to pass');
    expect(parsed.batch.events.map((e) => e.id)).toEqual([uuid(0), uuid(2), uuid(4)]);
    expect(parsed.rejected).toEqual([
      { index: 1, errors: [{ path: 'page.url', message: 'Invalid URL' }] },
      { index: 3, errors: [expect.objectContaining({ path: 'type' })] },
    ]);
  });

  it('lists every error of a rejected event, with paths relative to the event', () => {
    const parsed = parseCollectBatch(
      batch({ events: [event(0), event(1, { id: 'nope', anonymousId: '' })] }),
    );
    expect(parsed.ok && parsed.rejected).toEqual([
      {
        index: 1,
        errors: [
          expect.objectContaining({ path: 'id' }),
          expect.objectContaining({ path: 'anonymousId' }),
        ],
      },
    ]);
  });

  it('accepts the batch when every event is rejected', () => {
    const parsed = parseCollectBatch(batch({ events: ['x', null] }));
    expect(parsed).toMatchObject({
      ok: true,
      batch: { events: [] },
      rejected: [
        { index: 0, errors: [{ path: '' }] },
        { index: 1, errors: [{ path: '' }] },
      ],
    });
  });

  it('rejects an event nested too deep and keeps its neighbours', () => {
    let properties: Record<string, unknown> = { leaf: 1 };
    for (let level = 1; level < LIMITS.jsonDepth + 1; level++) properties = { a: properties };
    const parsed = parseCollectBatch(batch({ events: [event(0), event(1, { properties })] }));
    expect(parsed.ok && parsed.batch.events.map((e) => e.id)).toEqual([uuid(0)]);
    expect(parsed.ok && parsed.rejected).toEqual([
      {
        index: 1,
        errors: [{ path: 'properties.a.a.a.a.a.a.a.a', message: 'Nested deeper than 8 levels' }],
      },
    ]);
  });
});

describe('event size', () => {
  it('builds events of an exact byte size (test helper check)', () => {
    expect(JSON.stringify(eventOfBytes(LIMITS.eventBytes)).length).toBe(32_768);
  });

  it(`accepts an event of exactly ${LIMITS.eventBytes} bytes`, () => {
    expect(parseEvent(eventOfBytes(LIMITS.eventBytes)).ok).toBe(true);
  });

  it(`rejects an event of ${LIMITS.eventBytes + 1} bytes at the empty path`, () => {
    expect(parseEvent(eventOfBytes(LIMITS.eventBytes + 1))).toEqual({
      ok: false,
      errors: [{ path: '', message: 'Event is 32769 bytes; the limit is 32768' }],
    });
  });

  it.each(['é', '€', '😀'] as const)('counts %s by its UTF-8 bytes, not its characters', (char) => {
    const atLimit = eventOfBytes(LIMITS.eventBytes, char);
    const overLimit = eventOfBytes(LIMITS.eventBytes + 1, char);
    // Far fewer UTF-16 units than bytes: a character count would let this through.
    expect(JSON.stringify(overLimit).length).toBeLessThan(LIMITS.eventBytes * 0.6);
    expect(parseEvent(atLimit).ok).toBe(true);
    expect(parseEvent(overLimit)).toEqual({
      ok: false,
      errors: [{ path: '', message: 'Event is 32769 bytes; the limit is 32768' }],
    });
  });

  it('rejects 11,000 euro signs (33,000 bytes in 11,000 characters)', () => {
    const parsed = parseEvent(event(0, { properties: { note: '€'.repeat(11_000) } }));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors).toEqual([
      { path: '', message: expect.stringMatching(/^Event is 33\d{3} bytes; the limit is 32768$/) },
    ]);
  });

  it('checks the size before the shape, so only the size is reported', () => {
    const raw = { ...eventOfBytes(LIMITS.eventBytes + 100), type: 'nope' };
    expect(parseEvent(raw)).toEqual({
      ok: false,
      errors: [{ path: '', message: expect.stringContaining('the limit is 32768') }],
    });
  });

  it('rejects an oversized event inside a batch and keeps the others', () => {
    const parsed = parseCollectBatch(
      batch({ events: [eventOfBytes(LIMITS.eventBytes + 1, '€'), event(1)] }),
    );
    expect(parsed.ok && parsed.batch.events.map((e) => e.id)).toEqual([uuid(1)]);
    expect(parsed.ok && parsed.rejected).toEqual([
      { index: 0, errors: [{ path: '', message: 'Event is 32769 bytes; the limit is 32768' }] },
    ]);
  });
});

describe('prototype pollution through a raw collect body', () => {
  afterEach(() => {
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never writes __proto__ keys onto any object', () => {
    const e = event(0);
    const text = `{
      "__proto__": { "polluted": "envelope" },
      "writeKey": "${WRITE_KEY}",
      "sentAt": "${SENT_AT}",
      "context": { "__proto__": { "polluted": "context" } },
      "events": [
        {
          "__proto__": { "polluted": "event" },
          "id": "${e.id}", "type": "form_submit", "timestamp": "${e.timestamp}",
          "anonymousId": "a", "sessionId": "s",
          "page": { "url": "https://example.com/", "path": "/", "__proto__": { "polluted": "page" } },
          "form": { "fields": { "__proto__": "field", "email": "a@b.co" } }
        },
        {
          "id": "${uuid(1)}", "type": "identify", "timestamp": "${e.timestamp}",
          "anonymousId": "a", "sessionId": "s",
          "page": { "url": "https://example.com/", "path": "/" },
          "traits": { "__proto__": { "polluted": "traits" } }
        }
      ]
    }`;
    const parsed = parseCollectBatch(JSON.parse(text));
    if (!parsed.ok) throw new Error('expected the envelope to pass');
    const [kept] = parsed.batch.events;
    expect(parsed.batch.events).toHaveLength(1);
    expect(Object.getPrototypeOf(parsed.batch)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(kept!.page)).toBe(Object.prototype);
    expect(kept).toMatchObject({ form: { fields: { email: 'a@b.co' } } });
    expect(parsed.rejected).toEqual([
      {
        index: 1,
        errors: [{ path: 'traits.__proto__', message: 'Key "__proto__" is not allowed' }],
      },
    ]);
  });
});
