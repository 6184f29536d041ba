import { problemSchema } from '@leadloop/schema';
import type { z } from 'zod';
import type { ZodOpenApiResponseObject, ZodOpenApiResponsesObject } from 'zod-openapi';

// Building blocks for the path entries: a JSON success, the shared problem+json errors, and who
// may call what. Each error status is one component response, referenced from every operation.

/** A JSON body with a status; `headers` as OpenAPI header objects. */
export function json(
  description: string,
  schema: z.ZodType,
  headers?: ZodOpenApiResponseObject['headers'],
): ZodOpenApiResponseObject {
  return {
    description,
    content: { 'application/json': { schema } },
    ...(headers ? { headers } : {}),
  };
}

export const noContent = (description: string): ZodOpenApiResponseObject => ({ description });

const problem = (
  id: string,
  description: string,
  headers?: ZodOpenApiResponseObject['headers'],
) => ({
  id,
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
  ...(headers ? { headers } : {}),
});

const retryAfter = {
  'retry-after': {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'string' as const },
  },
};

/** Every error status an operation can answer, as the shared response it references. */
const PROBLEMS = {
  400: problem(
    'ValidationFailed',
    'The body or query is invalid (`errors` lists each field by path), or the body is not JSON.',
  ),
  401: problem('Unauthorized', 'The key or token is missing, unknown or revoked.', {
    'www-authenticate': { description: '`Bearer`.', schema: { type: 'string' } },
  }),
  403: problem('Forbidden', 'The credentials are valid but do not allow this.'),
  404: problem('NotFound', 'No such resource on this site.'),
  409: problem(
    'Conflict',
    'The request conflicts with what is stored: an `Idempotency-Key` or `externalId` already used ' +
      'with another body, or a request with the same `Idempotency-Key` still running.',
    {
      'retry-after': {
        description: 'Seconds to wait, when the same `Idempotency-Key` is still being processed.',
        schema: { type: 'string' as const },
      },
    },
  ),
  413: problem('PayloadTooLarge', 'The body is over the size limit.'),
  415: problem('UnsupportedMediaType', 'Send `application/json` (or `text/plain` holding JSON).'),
  429: problem('TooManyRequests', 'Over the rate limit.', retryAfter),
  503: problem('ServiceUnavailable', 'Could not be stored or queued right now; retry.', retryAfter),
} satisfies Record<number, ZodOpenApiResponseObject>;

export type ProblemStatus = keyof typeof PROBLEMS;

/** The problem+json responses for these statuses. */
export function problems(...statuses: ProblemStatus[]): ZodOpenApiResponsesObject {
  return Object.fromEntries(statuses.map((status) => [String(status), PROBLEMS[status]]));
}

/** What any route behind a secret key can answer: no valid key, a key without the scope, over the limit. */
export const SECRET_KEY_ERRORS = [401, 403, 429] as const satisfies ProblemStatus[];

/** Names of `components.securitySchemes`. */
export const SECURITY_SCHEMES = {
  secretKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'sk_…',
    description:
      'A secret key `sk_…` of the site: `Authorization: Bearer sk_…`. Shown once when created; keep it on servers.',
  },
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description: "The operator's token: `Authorization: Bearer $LEADLOOP_ADMIN_TOKEN`.",
  },
} as const;

/** Operation-level `security`: none (public), the operator token, or the default secret key. */
export const PUBLIC: { security: [] } = { security: [] };
export const ADMIN = { security: [{ adminToken: [] }] };

type Headers = NonNullable<ZodOpenApiResponseObject['headers']>;

const stringHeader = (description: string) => ({
  description,
  schema: { type: 'string' as const },
});

/** `Location` of a resource a POST created. */
export const location = (what: string): Headers => ({
  location: stringHeader(`The path of ${what}.`),
});

/** `Content-Location` when a merged lead's id was asked for. */
export const survivorLocation: Headers = {
  'content-location': stringHeader(
    'The survivor’s path, when the id asked for was merged into another lead.',
  ),
};

/** On the answer to a retried POST that carried the same `Idempotency-Key`. */
export const replayed: Headers = {
  'idempotent-replayed': stringHeader(
    '`true` when this is the kept answer to an earlier request with the same `Idempotency-Key`.',
  ),
};

/** The keys appear once: nothing may keep the answer. */
export const noStore: Headers = { 'cache-control': stringHeader('`no-store`.') };

/** The `Idempotency-Key` request header of a POST that may be retried safely. */
export const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'idempotency-key',
  in: 'header' as const,
  required: false,
  description:
    'Any unique string (1 to 255 printable ASCII characters; a UUID will do). The first answer, ' +
    '2xx or 4xx, is kept for 24 hours and replayed with `Idempotent-Replayed: true` to a retry ' +
    'with the same key and the same request; the same key with another method, path or body is ' +
    'a 409, and so is a retry while the first request still runs. A 5xx is not kept.',
  schema: { type: 'string' as const, pattern: '^[ -~]{1,255}$' },
};
