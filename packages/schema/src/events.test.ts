import { describe, expect, it } from 'vitest';
import { parseEvent } from './collect.ts';
import { eventSchema, eventTypes } from './events.ts';
import { LIMITS } from './limits.ts';

const ID = '0190d5c3-7b8a-7c4e-9f1a-2b3c4d5e6f70';

/** A valid pageview; `overrides` replace top-level keys. */
function pageview(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: ID,
    type: 'pageview',
    timestamp: '2024-05-01T12:00:00.000Z',
    anonymousId: 'anon-1',
    sessionId: 'sess-1',
    page: { url: 'https://example.com/pricing', path: '/pricing' },
    ...overrides,
  };
}

const withPage = (page: Record<string, unknown>) =>
  pageview({ page: { url: 'https://example.com/', path: '/', ...page } });
const withTouch = (touch: Record<string, unknown>) => pageview({ attribution: { first: touch } });
const formSubmit = (form: Record<string, unknown>) =>
  pageview({ type: 'form_submit', form: { fields: {}, ...form } });
const callClick = (call: Record<string, unknown>) =>
  pageview({ type: 'call_click', call: { number: '+15550100', ...call } });

/** Dotted paths of every error, or [] when the event is valid. */
function errorPaths(raw: unknown): string[] {
  const parsed = parseEvent(raw);
  return parsed.ok ? [] : parsed.errors.map((error) => error.path);
}

const str = (length: number, char = 'a') => char.repeat(length);
const httpsUrl = (length: number) => `https://example.com/${str(length - 20)}`;

describe('event types', () => {
  it('lists exactly the five event types', () => {
    expect(eventTypes).toEqual(['pageview', 'form_submit', 'call_click', 'identify', 'track']);
  });

  it('accepts a pageview and returns it unchanged', () => {
    const parsed = parseEvent(pageview());
    expect(parsed).toEqual({ ok: true, event: pageview() });
  });

  it('accepts a form_submit with its form', () => {
    const event = formSubmit({ id: 'contact', name: 'Contact', fields: { email: 'a@b.co' } });
    const parsed = eventSchema.parse(event);
    expect(parsed.type).toBe('form_submit');
    expect(parsed).toMatchObject({
      form: { id: 'contact', name: 'Contact', fields: { email: 'a@b.co' } },
    });
  });

  it('rejects a form_submit without form', () => {
    expect(errorPaths(pageview({ type: 'form_submit' }))).toEqual(['form']);
  });

  it('rejects a form_submit without form.fields', () => {
    expect(errorPaths(pageview({ type: 'form_submit', form: { id: 'f' } }))).toEqual([
      'form.fields',
    ]);
  });

  it('accepts a call_click with its call', () => {
    const parsed = eventSchema.parse(callClick({ text: 'Call us' }));
    expect(parsed).toMatchObject({
      type: 'call_click',
      call: { number: '+15550100', text: 'Call us' },
    });
  });

  it('rejects a call_click without call, or with an empty number', () => {
    expect(errorPaths(pageview({ type: 'call_click' }))).toEqual(['call']);
    expect(errorPaths(callClick({ number: '' }))).toEqual(['call.number']);
  });

  it('accepts an identify with traits', () => {
    const parsed = eventSchema.parse(pageview({ type: 'identify', traits: { email: 'a@b.co' } }));
    expect(parsed).toMatchObject({ type: 'identify', traits: { email: 'a@b.co' } });
  });

  it('rejects an identify without traits', () => {
    expect(errorPaths(pageview({ type: 'identify' }))).toEqual(['traits']);
  });

  it('accepts a track with a name', () => {
    const parsed = eventSchema.parse(
      pageview({ type: 'track', name: 'signup', properties: { plan: 'pro' } }),
    );
    expect(parsed).toMatchObject({ type: 'track', name: 'signup', properties: { plan: 'pro' } });
  });

  it('rejects a track without a name, or with an empty one', () => {
    expect(errorPaths(pageview({ type: 'track' }))).toEqual(['name']);
    expect(errorPaths(pageview({ type: 'track', name: '' }))).toEqual(['name']);
  });

  it.each([
    ['an unknown type', 'page'],
    ['an unknown type', 'call_completed'],
    ['a non-string type', 42],
    ['a missing type', undefined],
  ])('rejects %s (%s) at path type', (_label, type) => {
    const parsed = parseEvent(pageview({ type }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]!.path).toBe('type');
    expect(parsed.errors[0]!.message).toContain("'pageview'");
  });

  it('rejects a value that is not an object at the empty path', () => {
    expect(errorPaths('pageview')).toEqual(['']);
    expect(errorPaths(null)).toEqual(['']);
    expect(errorPaths([pageview()])).toEqual(['']);
  });
});

describe('unknown keys are stripped, so a newer SDK stays compatible', () => {
  it('drops unknown keys on the event and on every nested object', () => {
    const raw = {
      ...formSubmit({ fields: { email: 'a@b.co' }, schemaVersion: 3 }),
      futureField: { anything: true },
      page: { url: 'https://example.com/', path: '/', hash: '#top' },
      attribution: { first: { source: 'google', channelHint: 'x' }, middle: {} },
    };
    const parsed = parseEvent(raw);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.event).not.toHaveProperty('futureField');
    expect(parsed.event.page).toEqual({ url: 'https://example.com/', path: '/' });
    expect(parsed.event.attribution).toEqual({ first: { source: 'google' } });
    expect(parsed.event).toMatchObject({ form: { fields: { email: 'a@b.co' } } });
    expect(parsed.event).not.toHaveProperty('form.schemaVersion');
  });

  it('drops a call field it does not know', () => {
    const parsed = eventSchema.parse(callClick({ extension: '12' }));
    expect(parsed).toMatchObject({ call: { number: '+15550100' } });
    expect(parsed).not.toHaveProperty('call.extension');
  });

  it('keeps known click ids and drops one it does not know', () => {
    const parsed = eventSchema.parse(withTouch({ clickIds: { gclid: 'G-1', newclid: 'N-1' } }));
    expect(parsed.attribution?.first?.clickIds).toEqual({ gclid: 'G-1' });
  });

  it('does not keep a key that only belongs to another event type', () => {
    const parsed = eventSchema.parse(pageview({ name: 'signup', form: { fields: {} } }));
    expect(parsed).not.toHaveProperty('name');
    expect(parsed).not.toHaveProperty('form');
  });
});

describe('id, timestamp and page.url formats', () => {
  it.each([ID, '9b2f6f3e-4c1a-4d3b-8e5f-0a1b2c3d4e5f'])('accepts the UUID %s', (id) => {
    expect(errorPaths(pageview({ id }))).toEqual([]);
  });

  it.each([
    'not-a-uuid',
    '',
    '0190d5c37b8a7c4e9f1a2b3c4d5e6f70',
    '0190d5c3-7b8a-7c4e-9f1a-2b3c4d5e6f7',
    '0190d5c3-7b8a-7c4e-9f1a-2b3c4d5e6f70-1',
  ])('rejects the id %j at path id', (id) => {
    expect(errorPaths(pageview({ id }))).toEqual(['id']);
  });

  it.each([
    '2024-05-01T12:00:00.000Z',
    '2024-05-01T12:00:00Z',
    '2024-05-01T14:00:00.000+02:00',
    '2024-05-01T07:00:00-05:00',
  ])('accepts the timestamp %s', (timestamp) => {
    expect(errorPaths(pageview({ timestamp }))).toEqual([]);
  });

  it.each([
    '2024-05-01T12:00:00',
    '2024-05-01',
    'yesterday',
    '2024-13-01T12:00:00Z',
    1714564800000,
  ])('rejects the timestamp %j at path timestamp', (timestamp) => {
    expect(errorPaths(pageview({ timestamp }))).toEqual(['timestamp']);
  });

  it.each(['https://example.com/', 'http://localhost:8787/a?b=c#d'])(
    'accepts the page url %s',
    (url) => {
      expect(errorPaths(withPage({ url }))).toEqual([]);
    },
  );

  it.each([
    'javascript:alert(1)',
    'ftp://example.com/file',
    'data:text/html,hi',
    '/pricing',
    'example.com',
    '',
  ])('rejects the page url %j at path page.url', (url) => {
    expect(errorPaths(withPage({ url }))).toEqual(['page.url']);
  });

  it('requires page.url and page.path', () => {
    expect(errorPaths(pageview({ page: { path: '/' } }))).toEqual(['page.url']);
    expect(errorPaths(pageview({ page: { url: 'https://example.com/' } }))).toEqual(['page.path']);
    expect(errorPaths(pageview({ page: undefined }))).toEqual(['page']);
  });

  it('requires anonymousId and sessionId to be non-empty', () => {
    expect(errorPaths(pageview({ anonymousId: '' }))).toEqual(['anonymousId']);
    expect(errorPaths(pageview({ sessionId: '' }))).toEqual(['sessionId']);
  });

  it('accepts a touch timestamp with an offset and rejects one without', () => {
    expect(errorPaths(withTouch({ timestamp: '2024-05-01T12:00:00+01:00' }))).toEqual([]);
    expect(errorPaths(withTouch({ timestamp: '2024-05-01 12:00' }))).toEqual([
      'attribution.first.timestamp',
    ]);
  });
});

type LimitCase = [field: string, limit: number, build: (length: number) => unknown];

const lengthLimits: LimitCase[] = [
  ['anonymousId', LIMITS.idLength, (n) => pageview({ anonymousId: str(n) })],
  ['sessionId', LIMITS.idLength, (n) => pageview({ sessionId: str(n) })],
  ['name', LIMITS.idLength, (n) => pageview({ type: 'track', name: str(n) })],
  ['call.number', LIMITS.idLength, (n) => callClick({ number: str(n, '1') })],
  ['call.text', LIMITS.textLength, (n) => callClick({ text: str(n) })],
  ['page.url', LIMITS.urlLength, (n) => withPage({ url: httpsUrl(n) })],
  ['page.path', LIMITS.urlLength, (n) => withPage({ path: `/${str(n - 1)}` })],
  ['page.referrer', LIMITS.urlLength, (n) => withPage({ referrer: httpsUrl(n) })],
  ['page.title', LIMITS.textLength, (n) => withPage({ title: str(n) })],
  ['form.id', LIMITS.textLength, (n) => formSubmit({ id: str(n) })],
  ['form.name', LIMITS.textLength, (n) => formSubmit({ name: str(n) })],
  ['form.fields.message', LIMITS.stringLength, (n) => formSubmit({ fields: { message: str(n) } })],
  ...(['source', 'medium', 'campaign', 'term', 'content', 'utmId'] as const).map(
    (key): LimitCase => [
      `attribution.first.${key}`,
      LIMITS.textLength,
      (n) => withTouch({ [key]: str(n) }),
    ],
  ),
  ['attribution.first.referrer', LIMITS.urlLength, (n) => withTouch({ referrer: httpsUrl(n) })],
  [
    'attribution.first.landingPage',
    LIMITS.urlLength,
    (n) => withTouch({ landingPage: httpsUrl(n) }),
  ],
  [
    'attribution.last.clickIds.gclid',
    LIMITS.textLength,
    (n) => pageview({ attribution: { last: { clickIds: { gclid: str(n) } } } }),
  ],
];

describe('length limits', () => {
  it.each(lengthLimits)('accepts %s at %i characters', (_path, limit, build) => {
    expect(errorPaths(build(limit))).toEqual([]);
  });

  it.each(lengthLimits)('rejects %s over %i characters', (path, limit, build) => {
    expect(errorPaths(build(limit + 1))).toEqual([path]);
  });

  it('uses the documented limit values', () => {
    expect([LIMITS.idLength, LIMITS.textLength, LIMITS.urlLength, LIMITS.stringLength]).toEqual([
      128, 1024, 8192, 4096,
    ]);
  });
});

describe('form fields', () => {
  const fields = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, index) => [`field${index}`, 'v']));

  it(`accepts ${LIMITS.formFields} fields`, () => {
    const parsed = eventSchema.parse(formSubmit({ fields: fields(LIMITS.formFields) }));
    expect(parsed).toHaveProperty('form.fields.field99', 'v');
  });

  it(`rejects ${LIMITS.formFields + 1} fields at path form.fields`, () => {
    const parsed = parseEvent(formSubmit({ fields: fields(LIMITS.formFields + 1) }));
    expect(parsed).toEqual({
      ok: false,
      errors: [{ path: 'form.fields', message: 'At most 100 fields' }],
    });
  });

  it('accepts a field name of 1024 characters and rejects 1025 or an empty one', () => {
    expect(errorPaths(formSubmit({ fields: { [str(LIMITS.textLength)]: 'v' } }))).toEqual([]);
    const tooLong = str(LIMITS.textLength + 1);
    expect(errorPaths(formSubmit({ fields: { [tooLong]: 'v' } }))).toEqual([
      `form.fields.${tooLong}`,
    ]);
    expect(errorPaths(formSubmit({ fields: { '': 'v' } }))).toEqual(['form.fields.']);
  });

  it('rejects a field value that is not a string', () => {
    expect(errorPaths(formSubmit({ fields: { age: 42 } }))).toEqual(['form.fields.age']);
  });

  it('never lets a __proto__ field reach Object.prototype', () => {
    const raw = JSON.parse(
      '{"type":"form_submit","form":{"fields":{"__proto__":"x","email":"a@b.co"}}}',
    ) as Record<string, unknown>;
    const parsed = eventSchema.parse({ ...pageview(), ...raw });
    expect(parsed).toMatchObject({ form: { fields: { email: 'a@b.co' } } });
    if (parsed.type !== 'form_submit') throw new Error('expected a form_submit');
    expect(Object.getPrototypeOf(parsed.form.fields)).toBe(Object.prototype);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});

describe('traits and properties inside an event', () => {
  const nested = (levels: number): Record<string, unknown> =>
    levels === 1 ? { leaf: true } : { a: nested(levels - 1) };

  it(`accepts properties nested ${LIMITS.jsonDepth} levels deep`, () => {
    expect(errorPaths(pageview({ properties: nested(LIMITS.jsonDepth) }))).toEqual([]);
  });

  it('rejects properties nested 9 levels deep, at the path of the 9th object', () => {
    expect(errorPaths(pageview({ properties: nested(LIMITS.jsonDepth + 1) }))).toEqual([
      'properties.a.a.a.a.a.a.a.a',
    ]);
  });

  it('rejects traits nested 9 levels deep on an identify', () => {
    const event = pageview({ type: 'identify', traits: nested(LIMITS.jsonDepth + 1) });
    expect(errorPaths(event)).toEqual(['traits.a.a.a.a.a.a.a.a']);
  });

  it('rejects traits or properties that are not objects', () => {
    expect(errorPaths(pageview({ traits: ['a'] }))).toEqual(['traits']);
    expect(errorPaths(pageview({ properties: 'plan=pro' }))).toEqual(['properties']);
  });

  it('passes traits through uncopied', () => {
    const traits = { email: 'a@b.co', tags: ['x'] };
    const parsed = eventSchema.parse(pageview({ type: 'identify', traits }));
    expect(parsed.traits).toBe(traits);
  });

  it('rejects an own __proto__ key in traits without polluting Object.prototype', () => {
    const traits = JSON.parse('{"__proto__":{"isAdmin":true},"email":"a@b.co"}') as unknown;
    expect(errorPaths(pageview({ type: 'identify', traits }))).toEqual(['traits.__proto__']);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});

describe('what the SDK adds for calls and ad platforms', () => {
  it('accepts a call kind and refuses an unknown one at call.kind', () => {
    expect(errorPaths(callClick({ number: '+1 512 555 0123', kind: 'whatsapp' }))).toEqual([]);
    expect(errorPaths(callClick({ number: '+1 512 555 0123', kind: 'fax' }))).toEqual([
      'call.kind',
    ]);
  });

  it("keeps the ad platforms' browser ids beside the touches", () => {
    const ids = { fbc: 'fb.1.1700000000000.abc', fbp: 'fb.1.1700000000000.123', gclAw: 'GCL.1.x' };
    const parsed = eventSchema.parse(pageview({ attribution: { adIds: ids } }));
    expect(parsed.attribution?.adIds).toEqual(ids);
  });
});
