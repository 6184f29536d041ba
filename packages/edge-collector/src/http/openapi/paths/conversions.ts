import {
  conversionListSchema,
  conversionSchema,
  conversionStages,
  createConversionSchema,
  listConversionsQuerySchema,
} from '@leadloop/schema';
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { described } from '../described.ts';
import {
  IDEMPOTENCY_KEY_PARAMETER,
  json,
  location,
  problems,
  replayed,
  SECRET_KEY_ERRORS,
} from '../responses.ts';

const tags = ['Conversions'];
const conversionId = z.object({
  id: z.string().meta({ description: 'The conversion’s id (`conv_…`).' }),
});

const createBody = described(createConversionSchema, {
  leadId: 'The lead’s id; a merged lead’s id reaches the lead it was merged into.',
  email: 'Or any email of the lead.',
  phone: 'Or any phone of the lead, in any spelling the site’s default country reads.',
  stage: `The stage the lead reached: ${conversionStages.join(', ')}. It becomes the lead’s status unless a later stage is already set.`,
  value: 'The deal’s value in major units of `currency` (5000 = 5,000.00), within its decimals.',
  currency: 'ISO 4217 (`EUR`); required with `value`.',
  occurredAt: 'When it happened (ISO 8601 with an offset); now when left out, never in the future.',
  externalId:
    'The CRM’s id for this outcome (a deal id and stage, say). Sending it again with the same ' +
    'body answers 200 with the stored conversion; with another body, 409.',
  properties: 'A few CRM fields to keep with it (at most 4 KB of JSON).',
}).meta({
  id: 'CreateConversion',
  description: 'Exactly one of `leadId`, `email` or `phone` names the lead.',
});

const listQuery = described(listConversionsQuerySchema, {
  leadId: 'Only this lead’s conversions (a merged lead’s id lists the survivor’s).',
  stage: 'Only this stage.',
  from: 'Occurred at or after this instant (ISO 8601 with an offset).',
  to: 'Occurred at or before this instant; not before `from`.',
  limit: 'Conversions per page.',
  cursor: '`nextCursor` of the previous page; keep the other parameters as they were.',
});

const stored = { ...location('the conversion'), ...replayed };

/** `/v1/conversions`: CRM outcomes pushed back against leads. */
export const conversionPaths: ZodOpenApiPathsObject = {
  '/v1/conversions': {
    post: {
      tags,
      operationId: 'createConversion',
      summary: 'Record a conversion',
      description:
        'Records what a lead became in the CRM, moves the lead’s status to that stage (unless a ' +
        'stage set later already stands) and announces `conversion.recorded` to webhooks. Name ' +
        'the lead by exactly one of `leadId`, `email` or `phone`. Idempotent on `externalId`, and ' +
        'on the `Idempotency-Key` header.',
      parameters: [IDEMPOTENCY_KEY_PARAMETER],
      requestBody: { required: true, content: { 'application/json': { schema: createBody } } },
      responses: {
        201: json('Recorded.', conversionSchema, stored),
        200: json(
          'Already recorded under this `externalId`: the stored conversion.',
          conversionSchema,
          stored,
        ),
        ...problems(400, ...SECRET_KEY_ERRORS, 404, 409, 413, 415),
      },
    },
    get: {
      tags,
      operationId: 'listConversions',
      summary: 'List conversions',
      description: 'Newest `occurredAt` first, a page at a time; filters combined with AND.',
      requestParams: { query: listQuery },
      responses: {
        200: json('A page of conversions.', conversionListSchema),
        ...problems(400, ...SECRET_KEY_ERRORS),
      },
    },
  },
  '/v1/conversions/{id}': {
    get: {
      tags,
      operationId: 'getConversion',
      summary: 'Retrieve a conversion',
      requestParams: { path: conversionId },
      responses: {
        200: json('The conversion.', conversionSchema),
        ...problems(...SECRET_KEY_ERRORS, 404),
      },
    },
  },
};
