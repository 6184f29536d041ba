import {
  CHANNELS,
  leadListSchema,
  leadSchema,
  leadStatuses,
  leadTimelineQuerySchema,
  leadTimelineSchema,
  listLeadsQuerySchema,
  patchLeadSchema,
} from '@leadloop/schema';
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { described } from '../described.ts';
import { json, noContent, problems, SECRET_KEY_ERRORS, survivorLocation } from '../responses.ts';

const tags = ['Leads'];
const leadId = z.object({
  id: z.string().meta({
    description:
      'The lead’s id (`lead_…`); a merged lead’s id reaches the lead it was merged into.',
  }),
});

const listQuery = described(listLeadsQuerySchema, {
  status: `A status, or a comma list of them (\`mql,sql\`): ${leadStatuses.join(', ')}.`,
  minScore: 'Leads whose score is at least this.',
  email: 'Any of the lead’s emails, in any spelling (case does not matter).',
  phone: 'Any of the lead’s phones, in any spelling the site’s default country reads.',
  channel: `The channel of the lead’s first touch, or a comma list of them: ${CHANNELS.join(', ')}.`,
  updatedSince:
    'Leads changed at or after this instant (ISO 8601 with an offset), oldest change first: ' +
    'poll with the last `updatedAt` seen.',
  limit: 'Leads per page.',
  cursor: '`nextCursor` of the previous page; keep the other parameters as they were.',
});

const timelineQuery = described(leadTimelineQuerySchema, {
  limit: 'Items per page.',
  cursor: '`nextCursor` of the previous page.',
});

const patchBody = described(patchLeadSchema, {
  traits:
    'Traits to set; they win over what forms and identify calls said. A trait set to `null` is ' +
    'removed. `email` and `phone` identify a lead: send them to `POST /v1/identify`.',
  status:
    '`opportunity`, `customer` and `lost` stand until the next stage is set; `lead`, `mql` and ' +
    '`sql` are a floor the score can still raise.',
  owner: 'Who works the lead (a CRM user’s id or email); `null` clears it.',
}).meta({ id: 'PatchLead', description: 'What is given changes; at least one field.' });

/** `/v1/leads`: identified people, their timelines and erasure. */
export const leadPaths: ZodOpenApiPathsObject = {
  '/v1/leads': {
    get: {
      tags,
      operationId: 'listLeads',
      summary: 'List leads',
      description:
        'Live leads a page at a time, filters combined with AND: in id order, or in change order ' +
        'with `updatedSince`. `email` or `phone` find one person.',
      requestParams: { query: listQuery },
      responses: {
        200: json('A page of leads.', leadListSchema),
        ...problems(400, ...SECRET_KEY_ERRORS),
      },
    },
  },
  '/v1/leads/{id}': {
    get: {
      tags,
      operationId: 'getLead',
      summary: 'Retrieve a lead',
      description: 'A merged lead’s id answers with the lead it was merged into.',
      requestParams: { path: leadId },
      responses: {
        200: json('The lead.', leadSchema, survivorLocation),
        ...problems(...SECRET_KEY_ERRORS, 404),
      },
    },
    patch: {
      tags,
      operationId: 'updateLead',
      summary: 'Update a lead',
      description:
        'Sets traits, status or owner; the score and status are recomputed in the same write, and ' +
        'a change of either is announced (`lead.status_changed`, `lead.score_changed`). A merged ' +
        'lead’s id updates the lead it was merged into.',
      requestParams: { path: leadId },
      requestBody: { required: true, content: { 'application/json': { schema: patchBody } } },
      responses: {
        200: json('The lead as updated.', leadSchema, survivorLocation),
        ...problems(400, ...SECRET_KEY_ERRORS, 404, 413, 415),
      },
    },
    delete: {
      tags,
      operationId: 'eraseLead',
      summary: 'Erase a lead',
      description:
        'Removes the lead, its identifiers, events, sessions, visitor links and conversions. ' +
        'Idempotent: an unknown or already erased id answers 204 too.',
      requestParams: { path: leadId },
      responses: {
        204: noContent('Erased (or nothing to erase).'),
        ...problems(...SECRET_KEY_ERRORS),
      },
    },
  },
  '/v1/leads/{id}/timeline': {
    get: {
      tags,
      operationId: 'getLeadTimeline',
      summary: 'A lead’s timeline',
      description:
        'Touches, events, score and status changes and conversions, oldest first, each with its ' +
        '`kind` and `occurredAt`.',
      requestParams: { path: leadId, query: timelineQuery },
      responses: {
        200: json('A page of the timeline.', leadTimelineSchema, survivorLocation),
        ...problems(400, ...SECRET_KEY_ERRORS, 404),
      },
    },
  },
};
