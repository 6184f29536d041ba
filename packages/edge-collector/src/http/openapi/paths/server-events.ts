import {
  LIMITS,
  serverEventSchema,
  serverEventsBodySchema,
  serverEventsResponseSchema,
  serverIdentifySchema,
} from '@leadloop/schema';
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { described } from '../described.ts';
import { json, problems, SECRET_KEY_ERRORS } from '../responses.ts';

const tags = ['Events'];

/** Who the event is about and when, as both routes take it. */
const IDENTIFY_FIELDS = {
  id: 'Your own id for the event (a call-tracking system’s call id), unique per site: it is the id answered in `ids`. Left out, one is made.',
  timestamp: 'When it happened (ISO 8601 with an offset); now when left out.',
  anonymousId:
    'The browser’s anonymous id (the `ll_aid` cookie), when your backend has it: ties the event to that browser’s visits.',
  email: 'The person’s email: identifies (or creates) the lead.',
  phone: 'The person’s phone, in any spelling the site’s default country reads.',
  externalId: 'The person’s id in your own systems (kept as a trait).',
  leadId: 'An existing lead’s id (a merged lead’s id reaches the lead it was merged into).',
  traits: 'What the person declared; `email` and `phone` go in their own fields.',
};

const identifyBody = described(serverIdentifySchema, IDENTIFY_FIELDS).meta({
  id: 'ServerIdentify',
  description: 'Say who it is about: at least one of `anonymousId`, `email`, `phone`, `leadId`.',
});

// The route checks the envelope first and each event on its own afterwards (a bad event is listed
// in `rejected`, not fatal), so the envelope's `events` is `unknown[]` there; here it says what
// each event must be.
const [trackEvent, identifyEvent] = serverEventSchema.options;
const serverEvent = z
  .discriminatedUnion('type', [
    described(trackEvent, {
      ...IDENTIFY_FIELDS,
      name: 'The event’s name (`call_completed`).',
      properties: 'What happened (`{"duration": 312, "outcome": "answered"}`).',
    }).meta({ id: 'ServerTrackEvent' }),
    described(identifyEvent, IDENTIFY_FIELDS).meta({ id: 'ServerIdentifyEvent' }),
  ])
  .meta({
    id: 'ServerEvent',
    description:
      'A named event (`track`) or an `identify`, each about someone: see `ServerIdentify`.',
  });

const eventsBody = serverEventsBodySchema
  .safeExtend({ events: z.array(serverEvent).min(1).max(LIMITS.batchEvents) })
  .meta({ id: 'ServerEvents' });

const accepted = (description: string) => json(description, serverEventsResponseSchema);

/** `/v1/identify` and `/v1/events`: what a backend knows, through the browser events' pipeline. */
export const serverEventPaths: ZodOpenApiPathsObject = {
  '/v1/identify': {
    post: {
      tags,
      operationId: 'identify',
      summary: 'Identify a person',
      description:
        'Who someone is and what they declared, from your backend: stitched, scored and announced ' +
        'like a browser’s identify. Say who with at least one of `anonymousId`, `email`, `phone` ' +
        'or `leadId`. A `2xx` means the event was durably handed over; the lead appears or ' +
        'changes moments later.',
      requestBody: { required: true, content: { 'application/json': { schema: identifyBody } } },
      responses: {
        202: accepted('Accepted: the event’s id in `ids`.'),
        ...problems(400, ...SECRET_KEY_ERRORS, 404, 413, 415, 503),
      },
    },
  },
  '/v1/events': {
    post: {
      tags,
      operationId: 'sendEvents',
      summary: 'Send server-side events',
      description:
        'Events your backend knows of (a call from a call-tracking system: `call_completed` with its ' +
        'duration and outcome), attributed to the person’s touches like any other. Each event is ' +
        'checked on its own: valid ones are kept even when others are rejected. ' +
        `At most ${LIMITS.batchEvents} events and ${LIMITS.batchBytes / 1024} KB per request, ${LIMITS.eventBytes / 1024} KB per event.`,
      requestBody: { required: true, content: { 'application/json': { schema: eventsBody } } },
      responses: {
        202: accepted('Accepted: the ids of the kept events, and which were refused and why.'),
        ...problems(400, ...SECRET_KEY_ERRORS, 413, 415, 503),
      },
    },
  },
};
