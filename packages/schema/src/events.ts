import { z } from 'zod';
import { CLICK_ID_PARAMS, type ClickIdParam } from './attribution-params.ts';
import { jsonObject } from './json-value.ts';
import { LIMITS } from './limits.ts';

const id = z.string().min(1).max(LIMITS.idLength);
const text = z.string().max(LIMITS.textLength);
const url = z.string().max(LIMITS.urlLength);
/** ISO 8601 date-time with `Z` or an offset, as `Date.prototype.toISOString()` writes it. */
export const timestamp = z.iso.datetime({ offset: true });

export const eventTypes = ['pageview', 'form_submit', 'call_click', 'identify', 'track'] as const;
export type EventType = (typeof eventTypes)[number];

export const pageSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).max(LIMITS.urlLength),
  path: z.string().max(LIMITS.urlLength),
  title: text.optional(),
  referrer: url.optional(),
});

/** Known click ids; one this version does not know is dropped, like any unknown key. */
const clickIdsSchema = z.object(
  Object.fromEntries(CLICK_ID_PARAMS.map((param) => [param, text.optional()])) as Record<
    ClickIdParam,
    z.ZodOptional<typeof text>
  >,
);

/** Where a visit came from: campaign parameters, click id, referrer and landing page. */
export const touchSchema = z.object({
  source: text.optional(),
  medium: text.optional(),
  campaign: text.optional(),
  term: text.optional(),
  content: text.optional(),
  utmId: text.optional(),
  clickIds: clickIdsSchema.optional(),
  referrer: url.optional(),
  landingPage: url.optional(),
  timestamp: timestamp.optional(),
});

/** Ad platforms' own browser ids, kept so conversions can be sent back to them later. */
export const adIdsSchema = z.object({
  /** Meta's click id cookie value, `fb.1.<ms>.<fbclid>`. */
  fbc: text.optional(),
  /** Meta's browser id cookie `_fbp`. */
  fbp: text.optional(),
  /** Google Ads' click cookie `_gcl_aw` (`GCL.<s>.<gclid>`). */
  gclAw: text.optional(),
});

export const attributionSchema = z.object({
  /** The first visit ever seen from this browser (a direct visit has only `landingPage`). */
  first: touchSchema.optional(),
  /** The latest visit that came from somewhere (campaign, click id or external referrer). */
  last: touchSchema.optional(),
  adIds: adIdsSchema.optional(),
});

const formFieldValue = z.string().max(LIMITS.stringLength);

export const formSchema = z.object({
  id: text.optional(),
  name: text.optional(),
  fields: z
    .record(z.string().min(1).max(LIMITS.textLength), formFieldValue)
    .refine((fields) => Object.keys(fields).length <= LIMITS.formFields, {
      message: `At most ${LIMITS.formFields} fields`,
    }),
});

export const callKinds = ['tel', 'sms', 'whatsapp'] as const;

export const callSchema = z.object({
  /** The number as the link wrote it. */
  number: z.string().min(1).max(LIMITS.idLength),
  kind: z.enum(callKinds).optional(),
  /** `+` and digits only; the collector derives E.164 with the site's default country. */
  digits: z.string().max(LIMITS.idLength).optional(),
  /** The link's visible text. */
  text: text.optional(),
});

/** Fields every event carries, whatever its type. */
const eventBase = {
  id: z.uuid(),
  timestamp,
  anonymousId: id,
  sessionId: id,
  page: pageSchema,
  attribution: attributionSchema.optional(),
  traits: jsonObject.optional(),
  properties: jsonObject.optional(),
};

export const pageviewEventSchema = z.object({ ...eventBase, type: z.literal('pageview') });
export const formSubmitEventSchema = z.object({
  ...eventBase,
  type: z.literal('form_submit'),
  form: formSchema,
});
export const callClickEventSchema = z.object({
  ...eventBase,
  type: z.literal('call_click'),
  call: callSchema,
});
export const identifyEventSchema = z.object({
  ...eventBase,
  type: z.literal('identify'),
  traits: jsonObject,
});
export const trackEventSchema = z.object({
  ...eventBase,
  type: z.literal('track'),
  name: z.string().min(1).max(LIMITS.idLength),
});

/** One browser event. Unknown keys are dropped, so an older collector accepts a newer SDK's events. */
export const eventSchema = z.discriminatedUnion('type', [
  pageviewEventSchema,
  formSubmitEventSchema,
  callClickEventSchema,
  identifyEventSchema,
  trackEventSchema,
]);

export type Page = z.infer<typeof pageSchema>;
export type Touch = z.infer<typeof touchSchema>;
export type Attribution = z.infer<typeof attributionSchema>;
export type LeadloopEvent = z.infer<typeof eventSchema>;
/** An event as the SDK builds it, before validation. */
export type LeadloopEventInput = z.input<typeof eventSchema>;
