import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { json, PUBLIC } from '../responses.ts';

const cached = {
  'cache-control': {
    description: 'Cached for five minutes: a new version shows within minutes.',
    schema: { type: 'string' as const },
  },
};

const scriptCaching = {
  etag: { description: 'The build’s tag.', schema: { type: 'string' as const } },
  'cache-control': {
    description: 'Cached for an hour, then revalidated.',
    schema: { type: 'string' as const },
  },
};

/** What `/healthz` answers, always: the route is static, so its body lives only here. */
const healthSchema = z.strictObject({ status: z.literal('ok') }).meta({ id: 'Health' });

const text = (description: string, mediaType: string, headers = {}) => ({
  description,
  content: { [mediaType]: { schema: { type: 'string' as const } } },
  headers,
});

/** What needs no key: liveness, the SDK's script and this reference. */
export const publicPaths: ZodOpenApiPathsObject = {
  '/healthz': {
    get: {
      tags: ['Health'],
      operationId: 'getHealth',
      summary: 'Liveness',
      description:
        'Static: touches neither storage nor queues, so it says the Worker runs, no more.',
      ...PUBLIC,
      responses: { 200: json('The collector is up.', healthSchema) },
    },
  },
  '/leadloop.js': {
    get: {
      tags: ['SDK'],
      operationId: 'getSdkScript',
      summary: 'The browser SDK',
      description:
        'The script-tag build: `<script async src="https://COLLECTOR/leadloop.js" data-key="pk_…"></script>`. ' +
        'Cached for an hour and revalidated with its ETag.',
      ...PUBLIC,
      parameters: [
        {
          name: 'if-none-match',
          in: 'header',
          required: false,
          description: 'An ETag from a previous answer.',
          schema: { type: 'string' },
        },
      ],
      responses: {
        200: text('The script.', 'text/javascript', scriptCaching),
        304: { description: 'Not modified: the ETag still matches.', headers: scriptCaching },
      },
    },
  },
  '/v1/openapi.json': {
    get: {
      tags: ['Reference'],
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI document',
      description: 'OpenAPI 3.1, generated from the zod schemas the collector validates with.',
      ...PUBLIC,
      responses: {
        200: {
          description: 'The document.',
          content: { 'application/json': { schema: { type: 'object' } } },
          headers: {
            ...cached,
            'access-control-allow-origin': {
              description: '`*`: API tools may load it from anywhere.',
              schema: { type: 'string' },
            },
          },
        },
      },
    },
  },
  '/docs': {
    get: {
      tags: ['Reference'],
      operationId: 'getReference',
      summary: 'This reference, as a web page',
      description: 'Rendered on the server from the document: no script, works offline.',
      ...PUBLIC,
      responses: {
        200: text('The page.', 'text/html', {
          ...cached,
          'content-security-policy': {
            description: 'Nothing but the page’s own markup and style may load or run.',
            schema: { type: 'string' },
          },
        }),
      },
    },
  },
};
