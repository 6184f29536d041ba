// What the fuzzer sends: hostile values, valid ones damaged at random places, damaged JSON text,
// content types and query strings, and valid-shaped pieces the routes' generators build on.

import fc from 'fast-check';
import { isPlainObject } from './fuzz-harness.ts';

// ---------------------------------------------------------------------------------------------
// Hostile values

const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.oneof(surrogate, fc.constantFrom('a', '\u0000', '\uffff', '\u202e')),
    maxLength: 8,
  }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff',
    '__proto__',
    'constructor',
    'prototype',
    'null',
    'undefined',
    'NaN',
    '-0',
    '1e400',
    '=HYPERLINK("http://evil")',
    "'; DROP TABLE leads; --",
    '%',
    '%zz',
    '%E0%A4%A',
    '../../etc/passwd',
    'http://169.254.169.254/latest/meta-data',
    'test@test.com',
    'a@b.c',
    '+49 30 1234567',
    '2026-02-30',
    '2026-11-23T10:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
    '0000-01-01',
    'javascript:alert(1)',
    '\r\n\r\nx: y',
    // Cursors: base64url JSON of the wrong shape.
    'eyJ9',
    'W10',
    'WzEsMl0',
    'WzEuNSwiYSJd',
    'WyJhIiwiYiIsImMiLCJkIl0',
    'eyJvcmRlciI6InVwZGF0ZWQifQ',
  ),
  // Huge: past every field's limit, still under the bodies' limits.
  fc.integer({ min: 300, max: 20_000 }).map((length) => 'x'.repeat(length)),
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    0.5,
    1e-7,
    Number.MIN_VALUE,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    -Number.MAX_SAFE_INTEGER - 2,
    2 ** 31,
    2 ** 32,
    2 ** 63,
    1e12,
    1e12 + 0.01,
    100_001,
    0.001,
    0.1 + 0.2,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '',
    '\u0000',
    'a.b',
    '0',
    'polluted',
    'isAdmin',
  ),
  fc.string({ maxLength: 12 }),
);

/** Any JSON value, of hostile strings, keys and numbers, a few levels deep. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
    fc.dictionary(
      fc.constantFrom('__proto__', 'constructor'),
      fc.dictionary(hostileKey, tie('value'), { maxKeys: 2 }),
      {
        minKeys: 1,
        maxKeys: 2,
      },
    ),
  ),
})).value;

/** `value` one time in `every`, null otherwise. */
const rarely = <T>(value: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: every - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: value });

// ---------------------------------------------------------------------------------------------
// Mutations: a valid value with a few things wrong at random places

type Mutation = {
  at: number;
  kind: 'replace' | 'delete' | 'add' | 'wrap' | 'array' | 'deep';
  value: unknown;
  key: string;
  depth: number;
};

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'replace', 'delete', 'add', 'add', 'wrap', 'array', 'deep'),
  value: hostileValue,
  key: hostileKey,
  depth: fc.oneof(fc.integer({ min: 9, max: 40 }), fc.integer({ min: 1_000, max: 200_000 })),
});

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

function slotsOf(value: unknown, slots: Slot[] = []): Slot[] {
  if (Array.isArray(value))
    value.forEach((item, index) => {
      slots.push({ parent: value, key: index });
      slotsOf(item, slots);
    });
  else if (isPlainObject(value))
    for (const key of Object.keys(value)) {
      slots.push({ parent: value, key });
      slotsOf(value[key], slots);
    }
  return slots;
}

const DEEP = /"@@deep:(\d+)@@"/g;

function setOwn(target: Record<string, unknown> | unknown[], key: string | number, value: unknown) {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** The value with the mutations applied (on a copy), as JSON text. */
export function mutatedText(valid: unknown, mutations: readonly Mutation[]): string {
  const root = { root: structuredClone(valid) } as Record<string, unknown>;
  for (const change of mutations) {
    const slots = slotsOf(root);
    const { parent, key } = slots[change.at % slots.length]!;
    const current = (parent as Record<string | number, unknown>)[key];
    switch (change.kind) {
      case 'replace':
        setOwn(parent, key, change.value);
        break;
      case 'delete':
        if (parent !== root) {
          if (Array.isArray(parent)) parent.splice(key as number, 1);
          else delete parent[key as string];
        }
        break;
      case 'add':
        if (isPlainObject(current)) setOwn(current, change.key, change.value);
        else if (Array.isArray(current)) current.push(change.value);
        else setOwn(parent, key, change.value);
        break;
      case 'wrap':
        setOwn(parent, key, [current]);
        break;
      case 'array':
        setOwn(parent, key, isPlainObject(current) ? Object.values(current) : { 0: current });
        break;
      case 'deep':
        setOwn(parent, key, `@@deep:${change.depth}@@`);
        break;
    }
  }
  return JSON.stringify(root.root).replace(DEEP, (_, depth: string) => {
    // Arrays, named keys, and index keys (`{"0": …}`: JSON.stringify's recursive path).
    const n = Number(depth);
    const [open, inner, close] = [
      ['[', '', ']'],
      ['{"a":', '1', '}'],
      ['{"0":', '1', '}'],
    ][n % 3]!;
    return open!.repeat(n) + inner + close!.repeat(n);
  });
}

type TextDamage =
  | { kind: 'none' }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate-key'; value: unknown; first: boolean }
  | { kind: 'invalid-utf8'; at: number; bytes: readonly number[] }
  | { kind: 'raw-number'; text: string }
  | { kind: 'junk'; text: string };

const textDamage: fc.Arbitrary<TextDamage> = fc.oneof(
  { weight: 14, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('duplicate-key' as const),
    value: hostileValue,
    first: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('invalid-utf8' as const),
    at: fc.nat(),
    bytes: fc.constantFrom(
      [0xff],
      [0xc3, 0x28],
      [0xed, 0xa0, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0x80],
      [0xe2, 0x82],
    ),
  }),
  fc.record({
    kind: fc.constant('raw-number' as const),
    text: fc.constantFrom(
      '1e400',
      '-1e400',
      '-0',
      '1E-400',
      '123456789012345678901234567890',
      '0.0000000000000000000001',
    ),
  }),
  fc.record({
    kind: fc.constant('junk' as const),
    text: fc.constantFrom(
      '',
      ' ',
      'null',
      '[]',
      '"x"',
      '{',
      '\u0000',
      '\ufeff{}',
      '{}}',
      '{"a":1,}',
      'NaN',
      'true',
    ),
  }),
);

/** Damages JSON text as a broken client or an attacker would: the result may be bytes. */
function damage(text: string, change: TextDamage): string | Uint8Array {
  switch (change.kind) {
    case 'none':
      return text;
    case 'truncate':
      return text.slice(0, change.at % Math.max(1, text.length));
    case 'duplicate-key': {
      // The same top-level key twice: JSON.parse keeps the last one.
      const key = /^\{"((?:[^"\\]|\\.)*)":/.exec(text)?.[1];
      if (key === undefined) return text;
      const pair = `"${key}":${JSON.stringify(change.value)}`;
      return change.first ? `{${pair},${text.slice(1)}` : `${text.slice(0, -1)},${pair}}`;
    }
    case 'invalid-utf8': {
      const bytes = new TextEncoder().encode(text);
      const at = change.at % (bytes.length + 1);
      return new Uint8Array([...bytes.slice(0, at), ...change.bytes, ...bytes.slice(at)]);
    }
    case 'raw-number':
      // A number JSON allows but JavaScript reads oddly (1e400 is Infinity).
      return text.replace(/:-?\d[\d.eE+-]*/, `:${change.text}`);
    case 'junk':
      return change.text;
  }
}

/**
 * A body from valid values of `valid`: mostly as it is or a little wrong, sometimes wholly
 * hostile, sometimes damaged as text.
 */
export function hostileBody<T>(
  valid: fc.Arbitrary<T>,
): fc.Arbitrary<{ body: string | Uint8Array; value: T }> {
  return fc
    .tuple(
      valid,
      fc.oneof(
        { weight: 3, arbitrary: fc.constant([] as Mutation[]) },
        { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
      ),
      textDamage,
      rarely(hostileValue, 10),
    )
    .map(([value, mutations, change, instead]) => {
      const text =
        instead === null ? mutatedText(value, mutations) : (JSON.stringify(instead) ?? 'null');
      return { body: damage(text, change), value };
    });
}

/** Content types a client might send: JSON ones, beacons', and wrong ones (415). */
export const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  fc.constantFrom(
    'text/plain;charset=UTF-8',
    'APPLICATION/JSON; charset=utf-8',
    'application/json; charset=utf-16',
    '',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/problem+json',
    'text/html',
  ),
);

/** Content-Type headers for `type` ('' sends none). */
export const typed = (type: string): Record<string, string> =>
  type === '' ? {} : { 'content-type': type };

// ---------------------------------------------------------------------------------------------
// Queries

/** A query string from valid values, with hostile values, unknown and repeated keys mixed in. */
export function hostileQuery(valid: fc.Arbitrary<Record<string, string>>) {
  const extra = fc.array(
    fc.tuple(fc.oneof(hostileKey, fc.constantFrom('limit', 'cursor', 'from', 'to')), hostileString),
    { maxLength: 2 },
  );
  const rawPiece = fc.constantFrom(
    '%',
    '%zz',
    '%E0%A4%A',
    '%00',
    '%ED%A0%80',
    '&&',
    '=',
    '==x',
    '%2',
    '+',
    '#x',
  );
  return fc
    .tuple(valid, rarely(extra, 3), rarely(rawPiece, 8), fc.boolean())
    .map(([values, extras, raw, replaceOne]) => {
      const pairs = Object.entries(values);
      if (extras) {
        if (replaceOne && pairs.length > 0) pairs[0] = [pairs[0]![0], extras[0]?.[1] ?? ''];
        else pairs.push(...extras);
      }
      const encode = (text: string) => encodeURIComponent(wellFormed(text));
      let search = pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
      if (raw !== null) search += `${search ? '&' : ''}${pairs[0]?.[0] ?? 'from'}=${raw}`;
      // What the app reads: the last value of a repeated key, decoded (undecodable ones kept as sent).
      const read: Record<string, string> = {};
      for (const part of search.split('&')) {
        const [key] = part.split('=');
        if (key) setOwn(read, safeDecode(key), '');
      }
      return { search, query: read };
    });
}

/** `text` with lone surrogates as U+FFFD, as `encodeURIComponent` needs it. */
export const wellFormed = (text: string) =>
  text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------------------------------------
// Valid-shaped pieces

export const DAY = 86_400_000;
/** An ISO instant up to `daysBack` days ago. */
export const recentIso = (daysBack = 60) =>
  fc
    .integer({ min: 0, max: daysBack * DAY })
    .map((ago) => new Date(Date.now() - ago).toISOString());
export const isoDay = (daysBack = 120) => recentIso(daysBack).map((iso) => iso.slice(0, 10));
export const shortText = fc.string({ minLength: 1, maxLength: 24 });
/** Emails that identify someone, and some that must not (junk, placeholders). */
export const email = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'ann@acme-fuzz.com',
      ' Bob@Acme-Fuzz.com ',
      'carol@shop.example.org',
    ),
  },
  fc.emailAddress(),
  fc.constantFrom('Ann@Example.com', 'test@test.com', 'info@fuzz.test', 'null', 'a@b'),
);
export const phone = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '+49 30 1234567',
      '030 1234567',
      '+1 415 555 0100',
      '+4915112345678',
    ),
  },
  fc.constantFrom('0000000', '12', '+999 1'),
  fc.stringMatching(/^\+?[0-9 ()-]{4,20}$/),
);
/** Small JSON objects such as traits and properties carry. */
export const jsonObject = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  ),
  { maxKeys: 5 },
);
