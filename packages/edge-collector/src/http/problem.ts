import type { FieldError, Problem } from '@leadloop/schema';
import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { errorForLog } from './after-response.ts';

/** One error base: every failure a client can cause or see is answered as problem+json from here. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }

  toJSON(): Problem {
    return {
      type: `urn:leadloop:problem:${this.slug}`,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }

  toResponse(): Response {
    return new Response(JSON.stringify(this.toJSON()), {
      status: this.status,
      headers: { 'content-type': 'application/problem+json', ...this.headers },
    });
  }
}

export const validationFailed = (errors: FieldError[], detail = 'The request body is invalid.') =>
  new HttpProblem(400, 'validation-failed', 'Validation failed', detail, errors);

export const malformedJson = (detail: string) =>
  new HttpProblem(400, 'malformed-json', 'Malformed JSON', detail);

export const unauthorized = (detail: string) =>
  new HttpProblem(401, 'unauthorized', 'Unauthorized', detail, undefined, {
    'www-authenticate': 'Bearer',
  });

export const forbidden = (detail: string) => new HttpProblem(403, 'forbidden', 'Forbidden', detail);

export const payloadTooLarge = (limit: number) =>
  new HttpProblem(
    413,
    'payload-too-large',
    'Payload too large',
    `The body exceeds ${limit} bytes.`,
  );

export const unsupportedMediaType = (detail: string) =>
  new HttpProblem(415, 'unsupported-media-type', 'Unsupported media type', detail);

export const serviceUnavailable = (detail: string, retryAfterSeconds: number) =>
  new HttpProblem(503, 'unavailable', 'Service unavailable', detail, undefined, {
    'retry-after': String(retryAfterSeconds),
  });

export const notFound = () =>
  new HttpProblem(404, 'not-found', 'Not found', 'No route matches this method and path.');

export const onError: ErrorHandler = (error) => {
  if (error instanceof HttpProblem) return error.toResponse();
  if (error instanceof HTTPException) {
    return new HttpProblem(error.status, 'http-error', error.message || 'HTTP error').toResponse();
  }
  console.error('unhandled error', errorForLog(error));
  return new HttpProblem(
    500,
    'internal',
    'Internal error',
    'Something failed on our side.',
  ).toResponse();
};

export const resourceNotFound = (detail: string) =>
  new HttpProblem(404, 'not-found', 'Not found', detail);
