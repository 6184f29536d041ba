import { collectAcceptedSchema, collectBatchSchema, eventSchema, LIMITS } from '@leadloop/schema';
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { json, PUBLIC, problems } from '../responses.ts';

// The route checks the envelope first and each event on its own afterwards (a bad event is
// listed in `rejected`, not fatal), so the envelope's `events` is `unknown[]` there; here it says
// what each event must be.
const collectBody = collectBatchSchema
  .extend({
    writeKey: collectBatchSchema.shape.writeKey.meta({
      description: "The site's public write key `pk_…`: what authenticates this route.",
      examples: ['pk_…'],
    }),
    events: z
      .array(eventSchema.meta({ id: 'Event' }))
      .min(1)
      .max(LIMITS.batchEvents),
  })
  .meta({ id: 'CollectBatch' });

const origin = { schema: { type: 'string' as const } };

/** `/v1/collect`: the browser SDK's batches. */
export const collectPaths: ZodOpenApiPathsObject = {
  '/v1/collect': {
    post: {
      tags: ['Collect'],
      operationId: 'collectEvents',
      summary: 'Send a batch of browser events',
      description:
        "The SDK's endpoint, authenticated by `writeKey` in the body (public, safe in page source). " +
        '`text/plain` is accepted so `sendBeacon` needs no CORS preflight. A 2xx means every accepted ' +
        'event was durably handed over; valid events are kept even when others are rejected. ' +
        `At most ${LIMITS.batchEvents} events and ${LIMITS.batchBytes / 1024} KB per batch, ${LIMITS.eventBytes / 1024} KB per event.`,
      ...PUBLIC,
      'x-credentials': 'the public write key `pk_…`, as `writeKey` in the body.',
      requestBody: {
        required: true,
        content: {
          'text/plain': { schema: collectBody },
          'application/json': { schema: collectBody },
        },
      },
      responses: {
        202: json(
          'Accepted: how many events were kept, and which were refused and why.',
          collectAcceptedSchema,
          {
            'access-control-allow-origin': {
              description: 'The request’s `Origin`, when the site allows it.',
              ...origin,
            },
          },
        ),
        ...problems(400, 401, 403, 413, 415, 503),
      },
    },
    options: {
      tags: ['Collect'],
      operationId: 'collectPreflight',
      summary: 'CORS preflight',
      description: "Granted when any site's `allowedOrigins` includes the requesting origin.",
      ...PUBLIC,
      responses: {
        204: {
          description: 'The preflight answer.',
          headers: {
            'access-control-allow-origin': origin,
            'access-control-allow-methods': origin,
          },
        },
      },
    },
  },
};
