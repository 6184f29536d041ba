import { z } from 'zod';
import { LIMITS } from './limits.ts';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Whether a stored JSON value is an object (not an array, not null). */
export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Keys that would reach an object's prototype if ever assigned with `obj[key] = …`.
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_ISSUES = 10;

type PathItem = string | number;
type Problem = { path: PathItem[]; message: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function collectProblems(root: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const stack: { value: unknown; path: PathItem[]; depth: number }[] = [
    { value: root, path: [], depth: 1 },
  ];
  while (stack.length > 0 && problems.length < MAX_ISSUES) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.length > LIMITS.stringLength)
        problems.push({ path, message: `String longer than ${LIMITS.stringLength} characters` });
      continue;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) problems.push({ path, message: 'Number must be finite' });
      continue;
    }
    if (value === null || typeof value === 'boolean') continue;
    const isArray = Array.isArray(value);
    if (!isArray && !isPlainObject(value)) {
      problems.push({ path, message: 'Expected a JSON value' });
      continue;
    }
    if (depth > LIMITS.jsonDepth) {
      problems.push({ path, message: `Nested deeper than ${LIMITS.jsonDepth} levels` });
      continue;
    }
    if (isArray) {
      if (value.length > LIMITS.jsonArrayItems)
        problems.push({ path, message: `Array longer than ${LIMITS.jsonArrayItems} items` });
      value.forEach((item, index) => {
        stack.push({ value: item, path: [...path, index], depth: depth + 1 });
      });
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > LIMITS.jsonKeys)
      problems.push({ path, message: `Object has more than ${LIMITS.jsonKeys} keys` });
    for (const key of keys) {
      if (PROTOTYPE_KEYS.has(key)) {
        problems.push({ path: [...path, key], message: `Key "${key}" is not allowed` });
      } else if (key.length > LIMITS.jsonKeyLength) {
        problems.push({ path, message: `Key longer than ${LIMITS.jsonKeyLength} characters` });
      } else {
        stack.push({ value: value[key], path: [...path, key], depth: depth + 1 });
      }
    }
  }
  return problems;
}

/**
 * A JSON object with bounded depth, width and string lengths, validated in place: the parsed value
 * is passed through uncopied, so no key is ever assigned onto a fresh object (no prototype writes).
 */
export const jsonObject = z
  .custom<JsonObject>(isPlainObject, { message: 'Expected an object' })
  .superRefine((value, ctx) => {
    for (const problem of collectProblems(value)) {
      ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    }
  });

/** Any JSON value, in an answer (a score change's `previous` and `current`). */
export const jsonValueSchema: z.ZodType<JsonValue> = z
  .lazy(() =>
    z.union([
      z.string(),
      z.number(),
      z.boolean(),
      z.null(),
      z.array(jsonValueSchema),
      z.record(z.string(), jsonValueSchema),
    ]),
  )
  .meta({ id: 'JsonValue', description: 'Any JSON value.' });
