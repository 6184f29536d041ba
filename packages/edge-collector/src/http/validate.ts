import { toFieldErrors } from '@leadloop/schema';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { storableText } from '../core/storable-text.ts';
import { payloadTooLarge, validationFailed } from './problem.ts';
import { readJsonBody } from './read-json.ts';

// Requests through their zod schemas: every refusal is a 400 naming the fields, or a 413 for a
// body over the route's limit.

export function parseQuery<T extends z.ZodType>(
  schema: T,
  query: Record<string, string>,
): z.output<T> {
  const storable = Object.fromEntries(
    Object.entries(query).map(([name, value]) => [storableText(name), storableText(value)]),
  );
  const parsed = schema.safeParse(storable);
  if (!parsed.success)
    throw validationFailed(toFieldErrors(parsed.error), 'The query parameters are invalid.');
  return parsed.data;
}

export async function parseJsonBody<T extends z.ZodType>(
  schema: T,
  request: Request,
  { emptyIsObject = false } = {},
): Promise<z.output<T>> {
  // Some POSTs need no body (`…/rotate-secret`): for them an empty one reads as `{}`.
  const empty =
    emptyIsObject && (request.body === null || request.headers.get('content-length') === '0');
  const parsed = schema.safeParse(empty ? {} : await readJsonBody(request));
  if (!parsed.success)
    throw validationFailed(toFieldErrors(parsed.error), 'The request body is invalid.');
  return parsed.data;
}

export const badCursor = (message = 'Expected a cursor from a previous page') =>
  validationFailed([{ path: 'cursor', message }], 'The query parameters are invalid.');

/** Refuses a body over `maxBytes` with 413, before anything reads it. */
export const limitBody = (maxBytes: number): MiddlewareHandler =>
  bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw payloadTooLarge(maxBytes);
    },
  });
