import { z } from 'zod';
import { type RejectedEvent, rejectedEventSchema } from './collect.ts';
import { timestamp } from './events.ts';
import { jsonObject } from './json-value.ts';
import { LIMITS } from './limits.ts';
import type { Pinned, Same } from './same-type.ts';

// Server-side identify and events (`POST /v1/identify`, `POST /v1/events`): the browser's event
// shapes, for a backend that knows who the person is rather than which page they are on. Every
// event says who it is about — the browser's `anonymousId` (the `ll_aid` cookie), an `email`, a
// `phone` or a `leadId` — and goes through the same pipeline as the browser's events.

/** A caller's own event id (a call-tracking system's call id): unique per site, forever. */
const eventId = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, { message: 'Expected 1 to 128 visible ASCII characters' });

// Identifiers go as the top-level fields, so there is one way to say who the event is about.
const withoutIdentifiers = jsonObject.refine(
  (traits) => !['email', 'phone'].some((key) => Object.hasOwn(traits, key)),
  { message: 'Send email and phone as the top-level fields' },
);

const who = {
  /** The browser's anonymous id (`ll_aid`), when the backend has it: ties the event to its visits. */
  anonymousId: z.string().min(1).max(LIMITS.idLength).optional(),
  email: z.string().trim().min(1).max(320).optional(),
  phone: z.string().trim().min(1).max(64).optional(),
  /** The person's id in the caller's own systems (kept as a trait). */
  externalId: z.string().trim().min(1).max(200).optional(),
  /** An existing lead (a merged lead's id reaches the lead it was merged into). */
  leadId: z.string().min(1).max(LIMITS.idLength).optional(),
};

const identified = (event: {
  anonymousId?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  leadId?: string | undefined;
}) => [event.anonymousId, event.email, event.phone, event.leadId].some((value) => value);
const WHO_MESSAGE = 'Say who the event is about: anonymousId, email, phone or leadId';

const identifyFields = {
  id: eventId.optional(),
  /** When it happened (ISO 8601); now when absent. */
  timestamp: timestamp.optional(),
  ...who,
  traits: withoutIdentifiers.optional(),
};

/** `POST /v1/identify`: who a person is and what they declared. */
export const serverIdentifySchema = z
  .strictObject(identifyFields)
  .refine(identified, { message: WHO_MESSAGE });
export type ServerIdentifyInput = z.input<typeof serverIdentifySchema>;

/** One item of `POST /v1/events`: a named event (`call_completed`) or an identify. */
export const serverEventSchema = z.discriminatedUnion('type', [
  z
    .strictObject({
      ...identifyFields,
      type: z.literal('track'),
      name: z.string().min(1).max(LIMITS.idLength),
      properties: jsonObject.optional(),
    })
    .refine(identified, { message: WHO_MESSAGE }),
  z
    .strictObject({ ...identifyFields, type: z.literal('identify') })
    .refine(identified, { message: WHO_MESSAGE }),
]);
export type ServerEvent = z.infer<typeof serverEventSchema>;
export type ServerEventInput = z.input<typeof serverEventSchema>;

/** The envelope of `POST /v1/events`; its events are checked one by one, like collect's. */
export const serverEventsBodySchema = z.strictObject({
  events: z.array(z.unknown()).min(1).max(LIMITS.batchEvents),
});

/** `202` of both routes: the ids of the accepted events in request order, and what was refused. */
export type ServerEventsResponse = {
  accepted: number;
  ids: string[];
  rejected: RejectedEvent[];
};

export const serverEventsResponseSchema = z
  .strictObject({
    accepted: z.int().min(0).meta({ description: 'Events handed over for storage.' }),
    ids: z.array(z.string()).meta({
      description:
        'The ids of the accepted events, in request order (the caller’s own `id` when it sent one).',
    }),
    rejected: z.array(rejectedEventSchema).meta({
      description: 'Events refused, with why; they are kept in quarantine, never silently lost.',
    }),
  })
  .meta({ id: 'ServerEventsAccepted' });

export type ServerEventSchemasMatchTypes = Pinned<{
  response: Same<z.infer<typeof serverEventsResponseSchema>, ServerEventsResponse>;
}>;
