import { afterEach, describe, expect, it } from 'vitest';
import { jsonObject } from './json-value.ts';
import { LIMITS } from './limits.ts';
import { type FieldError, toFieldErrors } from './problem.ts';

function errorsOf(value: unknown): FieldError[] {
  const result = jsonObject.safeParse(value);
  return result.success ? [] : toFieldErrors(result.error);
}

const pathsOf = (value: unknown) => errorsOf(value).map((error) => error.path);

/** An object `levels` deep: `nested(1)` is `{ leaf: true }`, `nested(2)` is `{ a: { leaf: true } }`. */
const nested = (levels: number): Record<string, unknown> =>
  levels === 1 ? { leaf: true } : { a: nested(levels - 1) };

const objectWithKeys = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${index}`, index]));

describe('jsonObject', () => {
  it('accepts every JSON value type and passes the object through uncopied', () => {
    const value = {
      text: 'hi',
      count: 3,
      ratio: -0.5,
      yes: true,
      no: false,
      none: null,
      list: [1, 'two', { three: [3] }],
      child: { grandchild: {} },
    };
    const result = jsonObject.safeParse(value);
    expect(result.success).toBe(true);
    expect(result.data).toBe(value);
  });

  it('accepts an object without a prototype', () => {
    const value = Object.create(null) as Record<string, unknown>;
    value.plan = 'pro';
    expect(pathsOf(value)).toEqual([]);
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a string', '{}'],
    ['a number', 1],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
  ])('rejects %s at the root with "Expected an object"', (_label, value) => {
    expect(errorsOf(value)).toEqual([{ path: '', message: 'Expected an object' }]);
  });

  it.each([
    ['a Date', new Date(0)],
    ['a Map', new Map([['a', 1]])],
    ['a class instance', new (class Point {})()],
    ['a function', () => 1],
    ['undefined', undefined],
    ['a bigint', 1n],
  ])('rejects %s nested inside', (_label, value) => {
    expect(errorsOf({ ok: 1, bad: value })).toEqual([
      { path: 'bad', message: 'Expected a JSON value' },
    ]);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects the number %d',
    (value) => {
      expect(errorsOf({ list: [1, value] })).toEqual([
        { path: 'list.1', message: 'Number must be finite' },
      ]);
    },
  );
});

describe('depth limit', () => {
  it(`accepts objects nested ${LIMITS.jsonDepth} levels deep (the root is level 1)`, () => {
    expect(pathsOf(nested(LIMITS.jsonDepth))).toEqual([]);
  });

  it(`rejects objects nested ${LIMITS.jsonDepth + 1} levels deep at the 9th object`, () => {
    expect(errorsOf(nested(LIMITS.jsonDepth + 1))).toEqual([
      { path: 'a.a.a.a.a.a.a.a', message: 'Nested deeper than 8 levels' },
    ]);
  });

  it('counts arrays as levels', () => {
    const eight = { a: [[[[[[['deep']]]]]]] }; // root + 7 arrays
    expect(pathsOf(eight)).toEqual([]);
    const nine = { a: [[[[[[[['deep']]]]]]]] }; // root + 8 arrays
    expect(pathsOf(nine)).toEqual(['a.0.0.0.0.0.0.0']);
  });

  it('counts mixed objects and arrays', () => {
    const value = { a: [{ b: [{ c: [{ d: [{ e: 1 }] }] }] }] }; // 9 levels
    expect(pathsOf(value)).toEqual(['a.0.b.0.c.0.d.0']);
  });
});

describe('width limits', () => {
  it(`accepts ${LIMITS.jsonKeys} keys in one object`, () => {
    expect(pathsOf(objectWithKeys(LIMITS.jsonKeys))).toEqual([]);
  });

  it(`rejects ${LIMITS.jsonKeys + 1} keys at the root`, () => {
    expect(errorsOf(objectWithKeys(LIMITS.jsonKeys + 1))).toEqual([
      { path: '', message: 'Object has more than 100 keys' },
    ]);
  });

  it(`rejects ${LIMITS.jsonKeys + 1} keys in a nested object at its path`, () => {
    expect(pathsOf({ profile: { extra: objectWithKeys(LIMITS.jsonKeys + 1) } })).toEqual([
      'profile.extra',
    ]);
  });

  it(`accepts an array of ${LIMITS.jsonArrayItems} items`, () => {
    expect(pathsOf({ tags: Array.from({ length: LIMITS.jsonArrayItems }, () => 'x') })).toEqual([]);
  });

  it(`rejects an array of ${LIMITS.jsonArrayItems + 1} items at its path`, () => {
    const tags = Array.from({ length: LIMITS.jsonArrayItems + 1 }, () => 'x');
    expect(errorsOf({ nested: [{ tags }] })).toEqual([
      { path: 'nested.0.tags', message: 'Array longer than 100 items' },
    ]);
  });
});

describe('key and string lengths', () => {
  it(`accepts a key of ${LIMITS.jsonKeyLength} characters`, () => {
    expect(pathsOf({ ['k'.repeat(LIMITS.jsonKeyLength)]: 1 })).toEqual([]);
  });

  it(`rejects a key of ${LIMITS.jsonKeyLength + 1} characters at the path of its object`, () => {
    expect(errorsOf({ ['k'.repeat(LIMITS.jsonKeyLength + 1)]: 1 })).toEqual([
      { path: '', message: 'Key longer than 256 characters' },
    ]);
    expect(pathsOf({ profile: { ['k'.repeat(LIMITS.jsonKeyLength + 1)]: 1 } })).toEqual([
      'profile',
    ]);
  });

  it(`accepts a string of ${LIMITS.stringLength} characters`, () => {
    expect(pathsOf({ bio: 's'.repeat(LIMITS.stringLength) })).toEqual([]);
  });

  it(`rejects a string of ${LIMITS.stringLength + 1} characters at its path`, () => {
    expect(errorsOf({ bio: 's'.repeat(LIMITS.stringLength + 1) })).toEqual([
      { path: 'bio', message: 'String longer than 4096 characters' },
    ]);
    expect(pathsOf({ tags: ['a', 'b', 's'.repeat(LIMITS.stringLength + 1)] })).toEqual(['tags.2']);
  });

  it('reports at most 10 problems', () => {
    const value = Object.fromEntries(
      Array.from({ length: 20 }, (_, index) => [`s${index}`, 's'.repeat(LIMITS.stringLength + 1)]),
    );
    expect(errorsOf(value)).toHaveLength(10);
  });
});

describe('prototype keys', () => {
  afterEach(() => {
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('gets an own __proto__ key from JSON.parse (the case under test)', () => {
    const value = JSON.parse('{"__proto__":{"polluted":true}}') as object;
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('rejects an own %s key', (key) => {
    const value = JSON.parse(`{"ok":1,"${key}":{"polluted":true}}`) as unknown;
    expect(errorsOf(value)).toEqual([{ path: key, message: `Key "${key}" is not allowed` }]);
  });

  it('rejects a prototype key at any depth, with its path', () => {
    const value = JSON.parse(
      '{"profile":{"address":{"constructor":{"prototype":{"polluted":true}}}},"list":[{"__proto__":{"polluted":true}}]}',
    ) as unknown;
    expect(pathsOf(value).sort()).toEqual(['list.0.__proto__', 'profile.address.constructor']);
  });

  it('leaves the parsed value untouched after a rejection', () => {
    const text = '{"__proto__":{"polluted":true},"plan":"pro"}';
    const value = JSON.parse(text) as unknown;
    expect(jsonObject.safeParse(value).success).toBe(false);
    expect(JSON.stringify(value)).toBe(text);
  });

  it('accepts keys that only contain a prototype word', () => {
    expect(pathsOf({ proto: 1, __proto: 2, constructorName: 3, prototypes: 4 })).toEqual([]);
  });
});
