import { z } from 'zod';
import { type Conversion, conversionSchema } from './conversions.ts';
import { eventTypes, timestamp } from './events.ts';
import { type JsonObject, type JsonValue, jsonObject, jsonValueSchema } from './json-value.ts';
import { pageOf, responseTime } from './list-page.ts';
import type { Pinned, Same } from './same-type.ts';

// Leads as the REST API and the webhooks show them.

export const leadStatuses = ['lead', 'mql', 'sql', 'opportunity', 'customer', 'lost'] as const;
export type LeadStatus = (typeof leadStatuses)[number];

/** The channels a touch is sorted into (GA4's default channel group; see the collector's channel.ts). */
export const CHANNELS = [
  'Direct',
  'Organic Search',
  'Paid Search',
  'Organic Social',
  'Paid Social',
  'Email',
  'Affiliates',
  'Referral',
  'Display',
  'Organic Video',
  'Paid Video',
  'SMS',
  'Paid Other',
  'Cross-network',
  'Unassigned',
] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** Where a session came from (DESIGN.md "Attribution"): what attribution groups by. */
export type TouchFields = {
  channel: string;
  source: string;
  medium: string;
  campaign: string | null;
  term: string | null;
  content: string | null;
  clickIdType: string | null;
  clickId: string | null;
  referrerDomain: string | null;
  landingPage: string;
  country: string | null;
  region: string | null;
  city: string | null;
  deviceType: string | null;
};

/** One of a lead's touches: its session's source, which session, and when. */
export type LeadTouch = TouchFields & {
  sessionId: string;
  /** ISO 8601: when the session's first pageview happened. */
  at: string;
};

export type ScoreReason = { group: string; points: number };

export type Lead = {
  id: string;
  /** The first email the lead gave; every one is under `identifiers`. */
  email: string | null;
  /** The first phone (E.164) the lead gave. */
  phone: string | null;
  name: string | null;
  traits: Record<string, unknown>;
  identifiers: { emails: string[]; phones: string[]; externalIds: string[] };
  status: LeadStatus;
  score: number;
  /** What the score is made of, largest first. */
  scoreReasons: ScoreReason[];
  /** The earliest session's touch (possibly Direct). */
  firstTouch: LeadTouch | null;
  /** The latest touch that came from somewhere: never Direct. */
  lastTouch: LeadTouch | null;
  visitorIds: string[];
  createdAt: string;
  updatedAt: string;
  /** Set on a lead merged into another; reading its id answers with that survivor. */
  mergedInto: string | null;
  /** Who works the lead in sales, set through `PATCH /v1/leads/{id}`. */
  owner: string | null;
};

export type LeadList = { data: Lead[]; nextCursor: string | null };

const touchFields = {
  channel: z
    .string()
    .meta({ examples: ['Paid Search'], description: `One of: ${CHANNELS.join(', ')}.` }),
  source: z.string(),
  medium: z.string(),
  campaign: z.string().nullable(),
  term: z.string().nullable(),
  content: z.string().nullable(),
  clickIdType: z
    .string()
    .nullable()
    .meta({ examples: ['gclid'] }),
  clickId: z.string().nullable(),
  referrerDomain: z.string().nullable(),
  landingPage: z.string(),
  country: z.string().nullable(),
  region: z.string().nullable(),
  city: z.string().nullable(),
  deviceType: z.string().nullable(),
};

export const leadTouchSchema = z
  .strictObject({
    ...touchFields,
    sessionId: z.string(),
    at: responseTime.meta({ description: "When the session's first pageview happened." }),
  })
  .meta({ id: 'LeadTouch', description: 'Where one of the lead’s sessions came from.' });

export const leadSchema = z
  .strictObject({
    id: z.string().meta({ description: 'The lead’s id (`lead_…`).' }),
    email: z.string().nullable().meta({ description: 'The first email the lead gave.' }),
    phone: z.string().nullable().meta({ description: 'The first phone the lead gave, in E.164.' }),
    name: z.string().nullable(),
    traits: z.record(z.string(), z.unknown()),
    identifiers: z.strictObject({
      emails: z.array(z.string()),
      phones: z.array(z.string()),
      externalIds: z.array(z.string()),
    }),
    status: z.enum(leadStatuses).meta({
      description:
        '`lead`, `mql`, `sql` follow the score; `opportunity`, `customer`, `lost` are CRM stages.',
    }),
    score: z.number(),
    scoreReasons: z
      .array(z.strictObject({ group: z.string(), points: z.number() }))
      .meta({ description: 'What the score is made of, largest first.' }),
    firstTouch: leadTouchSchema.nullable().meta({ description: "The earliest session's touch." }),
    lastTouch: leadTouchSchema
      .nullable()
      .meta({ description: 'The latest touch that came from somewhere: never Direct.' }),
    visitorIds: z.array(z.string()),
    createdAt: responseTime,
    updatedAt: responseTime,
    mergedInto: z
      .string()
      .nullable()
      .meta({ description: 'Set on a lead merged into another; its id then reads the survivor.' }),
    owner: z
      .string()
      .nullable()
      .meta({
        description:
          'Who works the lead in sales (a CRM user’s id or email), set by `PATCH /v1/leads/{id}`; ' +
          'null when nobody does.',
      }),
  })
  .meta({ id: 'Lead' });

export const leadListSchema = pageOf(leadSchema).meta({ id: 'LeadList' });

export type LeadSchemasMatchTypes = Pinned<{
  touch: Same<z.infer<typeof leadTouchSchema>, LeadTouch>;
  lead: Same<z.infer<typeof leadSchema>, Lead>;
  leadList: Same<z.infer<typeof leadListSchema>, LeadList>;
}>;

/**
 * A comma list of values from `allowed` (`status=mql,sql`), matched without regard to case and
 * answered in their canonical spelling; an unknown one is refused by name.
 */
function commaList<T extends string>(allowed: readonly T[], what: string) {
  const byLowerCase = new Map(allowed.map((value) => [value.toLowerCase(), value]));
  return z
    .string()
    .max(1000)
    .transform((text, ctx) => {
      const values = new Set<T>();
      for (const part of text.split(',')) {
        const value = byLowerCase.get(part.trim().toLowerCase());
        if (value === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `Unknown ${what} "${part.trim()}": expected one of ${allowed.join(', ')}`,
          });
          return z.NEVER;
        }
        values.add(value);
      }
      return [...values];
    });
}

/** A number in a query string; `z.coerce` would read an empty value as 0. */
const queryNumber = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, { message: 'Expected a number' })
  .transform(Number);

/** `GET /v1/leads`: the filters this version serves, combined with AND; anything else is refused by name. */
export const listLeadsQuerySchema = z.strictObject({
  /** Any of the lead's emails, in any spelling. */
  email: z.string().trim().min(1).max(320).optional(),
  /** Any of the lead's phones, in any spelling the site's default country reads. */
  phone: z.string().trim().min(1).max(64).optional(),
  /** One status or a comma list (`mql,sql`). */
  status: commaList(leadStatuses, 'status').optional(),
  /** The score is at least this. */
  minScore: queryNumber.optional(),
  /** The channel of the lead's first touch (`Paid Search`), or a comma list of them. */
  channel: commaList(CHANNELS, 'channel').optional(),
  /** Leads changed at or after this instant, oldest change first: poll with the last `updatedAt` seen. */
  updatedSince: timestamp.transform((value) => Date.parse(value)).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  /** `nextCursor` of the previous page, with the same filters. */
  cursor: z.string().min(1).max(500).optional(),
});
export type ListLeadsQuery = z.infer<typeof listLeadsQuerySchema>;

// Identifiers are not traits: they identify through POST /v1/identify, never by a PATCH.
const IDENTIFIER_TRAITS = ['email', 'phone'];

/** `PATCH /v1/leads/{id}`: what is given changes; a trait set to null is removed. */
export const patchLeadSchema = z
  .strictObject({
    /** Traits set here win over what forms and identify calls said. */
    traits: jsonObject
      .refine((traits) => !IDENTIFIER_TRAITS.some((key) => Object.hasOwn(traits, key)), {
        message: 'email and phone identify a lead: send them to POST /v1/identify',
      })
      .optional(),
    /**
     * `opportunity`, `customer` and `lost` stand until the next one; `lead`, `mql` and `sql` are a
     * floor the score can still raise.
     */
    status: z.enum(leadStatuses).optional(),
    /** Who works the lead (a CRM user's id or email); null clears it. */
    owner: z.string().trim().min(1).max(200).nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'Nothing to change: send traits, status or owner',
    // An unknown key is reported as such, not as an empty change.
    when: (payload) => payload.issues.length === 0,
  });
export type PatchLeadInput = z.input<typeof patchLeadSchema>;

/** `GET /v1/leads/{id}/timeline`. */
export const leadTimelineQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(500).optional(),
});

// The timeline's items as the API shows them (their types follow).

export const timelineTouchSchema = z
  .strictObject({
    kind: z.literal('touch'),
    id: z.string().meta({ description: 'The session’s id: a touch is one session’s.' }),
    occurredAt: responseTime,
    anonymousId: z.string(),
    ...touchFields,
  })
  .meta({ id: 'TimelineTouch', description: 'A session’s source, when it began with a pageview.' });

const pageSeen = z.strictObject({
  url: z.string(),
  path: z.string(),
  title: z.string().nullable(),
  referrer: z.string().nullable(),
});

export const timelineEventSchema = z
  .strictObject({
    kind: z.literal('event'),
    id: z.string(),
    occurredAt: responseTime,
    type: z.enum(eventTypes),
    name: z.string().nullable().meta({ description: 'A track event’s name (`call_completed`).' }),
    origin: z.enum(['browser', 'server']).meta({
      description: '`server` for what came through `POST /v1/events` or `POST /v1/identify`.',
    }),
    anonymousId: z.string(),
    sessionId: z.string(),
    page: pageSeen.nullable().meta({ description: 'Where it happened; null for a server event.' }),
    traits: jsonObject.optional(),
    properties: jsonObject.optional(),
    form: jsonObject.optional().meta({ description: 'A `form_submit`’s form.' }),
    call: jsonObject.optional().meta({ description: 'A `call_click`’s number and link text.' }),
  })
  .meta({
    id: 'TimelineEvent',
    description: 'Something the lead did: a pageview, a form, a call click, an identify or track.',
  });

export const timelineScoreSchema = z
  .strictObject({
    kind: z.literal('score'),
    id: z.string(),
    occurredAt: responseTime,
    leadId: z.string().meta({
      description: 'The lead the change was announced for: this one, or one merged into it since.',
    }),
    type: z.enum(['lead.score_changed', 'lead.status_changed']),
    previous: jsonValueSchema,
    current: jsonValueSchema,
    reasons: jsonValueSchema.optional(),
  })
  .meta({ id: 'TimelineScore', description: 'A change of the lead’s score or status.' });

export const timelineConversionSchema = conversionSchema
  .extend({ kind: z.literal('conversion') })
  .meta({ id: 'TimelineConversion', description: 'A CRM outcome: `POST /v1/conversions`.' });

export const timelineItemSchema = z.discriminatedUnion('kind', [
  timelineTouchSchema,
  timelineEventSchema,
  timelineScoreSchema,
  timelineConversionSchema,
]);

export const leadTimelineSchema = pageOf(timelineItemSchema).meta({
  id: 'LeadTimeline',
  description: 'Oldest first; at one instant, touch before event before score before conversion.',
});

export type TimelineSchemasMatchTypes = Pinned<{
  touch: Same<z.infer<typeof timelineTouchSchema>, TimelineTouch>;
  event: Same<z.infer<typeof timelineEventSchema>, TimelineEvent>;
  score: Same<z.infer<typeof timelineScoreSchema>, TimelineScore>;
  conversion: Same<z.infer<typeof timelineConversionSchema>, TimelineConversion>;
  timeline: Same<z.infer<typeof leadTimelineSchema>, LeadTimeline>;
}>;

/** A session's source, when the session started with a pageview. */
export type TimelineTouch = TouchFields & {
  kind: 'touch';
  /** The session's id: a touch is one session's. */
  id: string;
  occurredAt: string;
  anonymousId: string;
};

/** Something the lead did: a pageview, a form, a call click, an identify or track call. */
export type TimelineEvent = {
  kind: 'event';
  id: string;
  occurredAt: string;
  type: 'pageview' | 'form_submit' | 'call_click' | 'identify' | 'track';
  /** A track event's name (`call_completed`). */
  name: string | null;
  /** `server` for what came through `POST /v1/events` or `/v1/identify`. */
  origin: 'browser' | 'server';
  anonymousId: string;
  sessionId: string;
  /** Where it happened; null for a server event. */
  page: { url: string; path: string; title: string | null; referrer: string | null } | null;
  traits?: JsonObject;
  properties?: JsonObject;
  form?: JsonObject;
  call?: JsonObject;
};

/** A change of the lead's score or status, as it was announced. */
export type TimelineScore = {
  kind: 'score';
  id: string;
  occurredAt: string;
  /** The lead the change was announced for: this one, or one merged into it since. */
  leadId: string;
  type: 'lead.score_changed' | 'lead.status_changed';
  previous: JsonValue;
  current: JsonValue;
  reasons?: JsonValue;
};

/** A CRM outcome pushed through `POST /v1/conversions`, as `GET /v1/conversions/{id}` shows it. */
export type TimelineConversion = { kind: 'conversion' } & Conversion;

export type TimelineItem = TimelineTouch | TimelineEvent | TimelineScore | TimelineConversion;

/** Oldest first; ties in the order touch, event, score, conversion. */
export type LeadTimeline = { data: TimelineItem[]; nextCursor: string | null };

export const domainChangeTypes = [
  'lead.created',
  'lead.identified',
  'lead.merged',
  'lead.score_changed',
  'lead.status_changed',
  'form.submitted',
  'call.clicked',
  'conversion.recorded',
] as const;
export type DomainChangeType = (typeof domainChangeTypes)[number];
