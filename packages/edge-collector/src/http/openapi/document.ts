import { webhookEventTypes } from '@leadloop/schema';
import {
  createDocument,
  type ZodOpenApiOverrideContext,
  type ZodOpenApiPathsObject,
} from 'zod-openapi';
import { adminPaths } from './paths/admin.ts';
import { attributionPaths } from './paths/attribution.ts';
import { collectPaths } from './paths/collect.ts';
import { conversionPaths } from './paths/conversions.ts';
import { costPaths } from './paths/costs.ts';
import { exportPaths } from './paths/exports.ts';
import { leadPaths } from './paths/leads.ts';
import { publicPaths } from './paths/public.ts';
import { reportPagePaths } from './paths/report-page.ts';
import { reportPaths } from './paths/reports.ts';
import { scoringPaths } from './paths/scoring.ts';
import { serverEventPaths } from './paths/server-events.ts';
import { webhookPaths } from './paths/webhooks.ts';
import { SECURITY_SCHEMES } from './responses.ts';

/** The API's version in the document; bump it with the API, not with each deploy. */
export const API_VERSION = '1.0.0';

/**
 * Every documented route, one group per resource (see paths/). A new route is one entry in its
 * group; a new group is one line here plus its tag below.
 */
const PATH_GROUPS: ZodOpenApiPathsObject[] = [
  publicPaths,
  collectPaths,
  adminPaths,
  leadPaths,
  serverEventPaths,
  conversionPaths,
  costPaths,
  attributionPaths,
  reportPaths,
  exportPaths,
  reportPagePaths,
  scoringPaths,
  webhookPaths,
];

/** Sections of the reference, in reading order. */
const TAGS = [
  {
    name: 'Leads',
    description: 'Identified people: their identifiers, score, status and touches.',
  },
  {
    name: 'Events',
    description:
      'What your backend knows: who someone is, and events such as a logged call. They go through ' +
      'the same pipeline as the browser’s events.',
  },
  {
    name: 'Conversions',
    description: 'CRM outcomes (opportunity, customer, lost) pushed back against leads.',
  },
  {
    name: 'Costs',
    description: 'Daily ad spend by source, medium and campaign, beside what it brought in.',
  },
  {
    name: 'Attribution',
    description:
      'Which channels, campaigns, pages and places produced leads, customers and revenue, under ' +
      'the attribution model you choose; as JSON, CSV or NDJSON.',
  },
  {
    name: 'Reports',
    description:
      'The funnel, inquiries by hour of week, places that produce customers, and speed to lead.',
  },
  {
    name: 'Exports',
    description: 'Customer conversions in ad platforms’ offline conversion import shape.',
  },
  {
    name: 'Scoring',
    description: 'How leads are scored: fit from traits, engagement from events.',
  },
  {
    name: 'Webhooks',
    description:
      'Lead events pushed to your endpoints, signed as Standard Webhooks (`webhook-id`, ' +
      '`webhook-timestamp`, `webhook-signature`), retried for about a day, every attempt logged. ' +
      'Each body is `{type, timestamp, data}`: `data` holds what the change says (for ' +
      '`conversion.recorded`, the conversion as `GET /v1/conversions/{id}` shows it) and `lead`, ' +
      'the lead as `GET /v1/leads/{id}` shows it (null for an anonymous visitor).\n\n' +
      `Event types: ${webhookEventTypes.map((type) => `\`${type}\``).join(', ')}.`,
  },
  {
    name: 'Collect',
    description: 'What the browser SDK sends. Authenticated by the public write key.',
  },
  { name: 'Admin', description: "The operator's routes: sites and their keys." },
  { name: 'SDK', description: 'The script tag.' },
  { name: 'Reference', description: 'This document and its page.' },
  { name: 'Report', description: 'The report page for marketers.' },
  { name: 'Health', description: 'Liveness.' },
];

const DESCRIPTION = `Closed-loop lead tracking at the edge: read leads into your systems, push back what happened offline, erase people on request.

**Authentication.** REST routes take a secret key of the site: \`Authorization: Bearer sk_…\`. The public write key \`pk_…\` only opens \`POST /v1/collect\`, where it travels in the body. \`/v1/admin/*\` takes the operator token. \`/healthz\`, \`/leadloop.js\`, \`/v1/openapi.json\` and \`/docs\` are public.

**Errors** are \`application/problem+json\` (RFC 9457): \`type\`, \`title\`, \`status\`, \`detail\`, and for validation an \`errors\` list of \`{path, message}\`. Unknown body fields and query parameters are refused by name.

**Lists** answer \`{data, nextCursor}\`: pass \`nextCursor\` back as \`cursor\` until it is null.

**Retries.** \`POST /v1/conversions\` and \`POST /v1/costs\` take an \`Idempotency-Key\` header: a retry with the same key and body gets the first answer again, marked \`Idempotent-Replayed: true\`. Conversions are idempotent on their \`externalId\` too.

**Rate limits** are per key: over the limit, 429 with \`Retry-After\`.

**Times** are ISO 8601 in UTC. **Money** is in major units of its currency (5000 = 5,000.00).`;

/** Standard JSON Schema formats; zod names some checks as formats that no validator knows. */
const KNOWN_FORMATS = new Set([
  'date-time',
  'date',
  'time',
  'duration',
  'email',
  'uri',
  'uuid',
  'ipv4',
  'ipv6',
  'hostname',
]);

function override({ jsonSchema, zodSchema }: ZodOpenApiOverrideContext): void {
  // `jsonObject` (traits, properties) is a refined custom type: a JSON object with bounded depth.
  if (zodSchema._zod.def.type === 'custom') {
    jsonSchema.type = 'object';
    jsonSchema.description ??= 'A JSON object (at most 8 levels deep, 100 keys per object).';
  }
  // `startsWith('pk_')` renders as format `starts_with` beside a pattern that says the same.
  if (typeof jsonSchema.format === 'string' && !KNOWN_FORMATS.has(jsonSchema.format))
    delete jsonSchema.format;
}

/** One paths object; a path in two groups would silently lose one of them, so it is refused. */
function mergePaths(groups: ZodOpenApiPathsObject[]): ZodOpenApiPathsObject {
  const merged: ZodOpenApiPathsObject = {};
  for (const group of groups)
    for (const [path, item] of Object.entries(group)) {
      if (merged[path]) throw new Error(`${path} is documented in two path groups.`);
      merged[path] = item;
    }
  return merged;
}

function build() {
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Leadloop',
        version: API_VERSION,
        description: DESCRIPTION,
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: '/' }],
      security: [{ secretKey: [] }],
      tags: TAGS,
      paths: mergePaths(PATH_GROUPS),
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    { override },
  );
}

export type OpenApiDocument = ReturnType<typeof createDocument>;

let built: OpenApiDocument | undefined;

/**
 * The document, built once per isolate. `serverUrl` is where the API is served from: `/`, or the
 * base path (`/ll`) when the collector runs under one.
 */
export function openApiDocument(serverUrl = '/'): OpenApiDocument {
  built ??= build();
  return serverUrl === '/' ? built : { ...built, servers: [{ url: serverUrl }] };
}
