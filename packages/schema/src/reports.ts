import { z } from 'zod';
import { timestamp } from './events.ts';
import { responseTime } from './list-page.ts';
import type { Pinned, Same } from './same-type.ts';

// The read-only reports under `/v1/reports/` (secret key): the funnel, inquiries by hour of week,
// places that produce customers, and speed to lead. Each answers for a range of time:
//
// - `from` / `to`: an ISO 8601 date-time with an offset (`2026-11-01T00:00:00Z`) or a day
//   (`2026-11-01`) read in the site's time zone — `from` at the day's first millisecond, `to` at
//   its last. Both inclusive; `from` defaults to 90 days before `to`'s default, now.
// - The cohort is the leads created in the range (live ones: a lead merged into another counts as
//   the survivor). What they did later counts whenever it happened: a lead created in March who
//   became a customer in May is March's customer. Sessions are counted by their touch time.
// - Stages are ordered lead < mql < sql < opportunity < customer. A lead reached a stage when its
//   current status, any status it had (every `lead.status_changed`), or any conversion of its own
//   (or of a lead merged into it) is that stage or a later one: a lead that went straight to
//   customer counts in every stage before it. `lost` is no stage.

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = z.iso.date();

/** A report bound: a day in the site's time zone, or an instant with its offset. */
const rangeBound = z
  .string()
  .max(40)
  .refine(
    (value) =>
      DAY.test(value) ? day.safeParse(value).success : timestamp.safeParse(value).success,
    { message: 'Expected a day YYYY-MM-DD or an ISO 8601 date-time with an offset' },
  );

/** The `from` / `to` query fields every report (and attribution) reads. */
export const reportRangeFields = {
  from: rangeBound.optional(),
  to: rangeBound.optional(),
};

export type ReportRangeQuery = { from?: string | undefined; to?: string | undefined };

/** What every report answers with besides its figures: the range as read, and the site's zone. */
export type ReportRange = {
  /** The first instant counted (ISO 8601, UTC). */
  from: string;
  /** The last instant counted (ISO 8601, UTC). */
  to: string;
  /** The site's IANA time zone: days in the query and hours in the answer are read in it. */
  timezone: string;
};

const rangeShape = {
  from: responseTime.meta({ description: 'The first instant counted (ISO 8601, UTC).' }),
  to: responseTime.meta({ description: 'The last instant counted (ISO 8601, UTC).' }),
  timezone: z.string().meta({ description: 'The site’s IANA time zone.' }),
};

const count = z.int().min(0);
/** A share of the previous figure, 0–1 to 4 decimals (leads per session can pass 1). */
const rate = z.number().min(0).nullable();

// ---- funnel ----

export const funnelStages = ['sessions', 'leads', 'mql', 'sql', 'opportunity', 'customer'] as const;
export type FunnelStageName = (typeof funnelStages)[number];

/** `GET /v1/reports/funnel`. */
export const funnelQuerySchema = z.strictObject(reportRangeFields);
export type FunnelQuery = z.output<typeof funnelQuerySchema>;

export type FunnelStage = {
  stage: FunnelStageName;
  count: number;
  /**
   * `count` over the previous stage's count (4 decimals); null for `sessions` and whenever the
   * previous count is 0. Leads per session can pass 1 (leads a backend identified never visited).
   */
  rate: number | null;
};

/**
 * `sessions`: sessions whose touch (first pageview) is in the range. `leads`: live leads created
 * in the range. `mql` … `customer`: of those leads, how many reached that stage, by now.
 */
export type FunnelReport = ReportRange & { stages: FunnelStage[] };

export const funnelStageSchema = z
  .strictObject({
    stage: z.enum(funnelStages),
    count,
    rate: rate.meta({
      description:
        'Count over the previous stage’s (0–1, 4 decimals); null for sessions and when the ' +
        'previous count is 0. Leads per session can pass 1: a lead a backend identified may ' +
        'never have visited.',
    }),
  })
  .meta({ id: 'FunnelStage' });

export const funnelReportSchema = z
  .strictObject({ ...rangeShape, stages: z.array(funnelStageSchema) })
  .meta({
    id: 'FunnelReport',
    description:
      'Sessions with a touch in the range, live leads created in the range, and how many of ' +
      'those leads reached each later stage (by their status history, current status or ' +
      'conversions; a stage implies every one before it). Always the six stages, in order.',
  });

// ---- inquiries by hour of week ----

/** `GET /v1/reports/inquiries`. */
export const inquiriesQuerySchema = z.strictObject(reportRangeFields);
export type InquiriesQuery = z.output<typeof inquiriesQuerySchema>;

/** One hour of the week in the site's time zone. */
export type HourOfWeekCell = {
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** 0–23, the site's wall clock. */
  hour: number;
  /** Form submissions (browser `form_submit`, bots left out). */
  forms: number;
  /** Clicks on `tel:`, `sms:` and WhatsApp links (browser `call_click`, bots left out). */
  calls: number;
};

/** 168 cells, Monday 00:00 first, then by hour: every cell present, zero or not. */
export type InquiriesReport = ReportRange & {
  cells: HourOfWeekCell[];
  totals: { forms: number; calls: number };
};

export const hourOfWeekCellSchema = z
  .strictObject({
    weekday: z.int().min(0).max(6).meta({ description: '0 = Monday … 6 = Sunday.' }),
    hour: z.int().min(0).max(23).meta({ description: 'Hour of the site’s wall clock.' }),
    forms: count.meta({ description: 'Form submissions (bots left out).' }),
    calls: count.meta({ description: 'Click-to-call / SMS / WhatsApp clicks (bots left out).' }),
  })
  .meta({ id: 'HourOfWeekCell' });

export const inquiriesReportSchema = z
  .strictObject({
    ...rangeShape,
    cells: z.array(hourOfWeekCellSchema).length(168),
    totals: z.strictObject({ forms: count, calls: count }),
  })
  .meta({
    id: 'InquiriesReport',
    description:
      'Form submissions and call clicks in the range by hour of week in the site’s time zone: ' +
      'always 168 cells, Monday 00:00 first, then hour by hour.',
  });

// ---- locations ----

export const locationLevels = ['country', 'region', 'city'] as const;
export type LocationLevel = (typeof locationLevels)[number];

/** `GET /v1/reports/locations`. */
export const locationsQuerySchema = z.strictObject({
  ...reportRangeFields,
  by: z.enum(locationLevels).default('country'),
});
export type LocationsQuery = z.output<typeof locationsQuerySchema>;

/**
 * A place and what came from it. Sessions are placed by their own touch; leads and customers by
 * the lead's first touch (its earliest session with a touch), so a lead never counts in two
 * places. The place's key fields depend on `by`: `country`; `country` and `region`; or all three.
 * null: not known (no touch, or the network did not say).
 */
export type LocationRow = {
  /** ISO 3166-1 alpha-2 (`DE`). */
  country: string | null;
  /** With `by=region` or `by=city`. */
  region?: string | null;
  /** With `by=city`. */
  city?: string | null;
  sessions: number;
  leads: number;
  customers: number;
  /**
   * What those customers' `customer` conversions were worth, in major units per currency
   * (`{"EUR": 5000}`); empty when none carried a value.
   */
  revenue: Record<string, number>;
};

/** Places by customers, then leads, then sessions (most first), then key. */
export type LocationsReport = ReportRange & {
  by: LocationLevel;
  rows: LocationRow[];
  totals: Omit<LocationRow, 'country' | 'region' | 'city'>;
};

const revenue = z
  .record(z.string(), z.number())
  .meta({ description: 'Major units per ISO 4217 currency (`{"EUR": 5000}`); may be empty.' });

const locationFigures = {
  sessions: count.meta({
    description: 'Sessions with a touch in the range, placed by that touch.',
  }),
  leads: count.meta({
    description: 'Live leads created in the range, placed by their first touch.',
  }),
  customers: count.meta({ description: 'Of those leads, the ones that became customers.' }),
  revenue,
};

export const locationRowSchema = z
  .strictObject({
    country: z.string().nullable().meta({ description: 'ISO 3166-1 alpha-2; null: unknown.' }),
    region: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'With `by=region` or `by=city`; null: unknown.' }),
    city: z.string().nullable().optional().meta({ description: 'With `by=city`; null: unknown.' }),
    ...locationFigures,
  })
  .meta({ id: 'LocationRow' });

export const locationsReportSchema = z
  .strictObject({
    ...rangeShape,
    by: z.enum(locationLevels),
    rows: z.array(locationRowSchema),
    totals: z.strictObject(locationFigures),
  })
  .meta({
    id: 'LocationsReport',
    description:
      'Places by customers, then leads, then sessions. Sessions are placed by their own touch, ' +
      'leads and customers by the lead’s first touch; customers are the leads created in the ' +
      'range that became customers, and revenue their `customer` conversions, per currency.',
  });

// ---- speed to lead ----

export const speedBuckets = [
  'under_5m',
  '5m_to_30m',
  '30m_to_2h',
  '2h_to_24h',
  'over_24h',
  'not_yet',
] as const;
export type SpeedBucket = (typeof speedBuckets)[number];

/** `GET /v1/reports/speed-to-lead`. */
export const speedToLeadQuerySchema = z.strictObject(reportRangeFields);
export type SpeedToLeadQuery = z.output<typeof speedToLeadQuerySchema>;

/**
 * Of the live leads created in the range, how soon sales first worked them: the earliest of a
 * conversion of theirs (any stage, `lost` included, by its `occurredAt`), a CRM status set on
 * them (`opportunity`, `customer`, `lost`, by conversion or PATCH) and the last status set
 * through the API (`stage_at`). Minutes from the lead's creation, 0 at least.
 */
export type SpeedToLeadReport = ReportRange & {
  leads: number;
  worked: number;
  /** Of the worked leads, 1 decimal; null when none was. Percentiles interpolate between ranks. */
  medianMinutes: number | null;
  p90Minutes: number | null;
  /** `under_5m` [0, 5), `5m_to_30m` [5, 30), `30m_to_2h` [30, 120), `2h_to_24h` [120, 1440),
   * `over_24h` 1440 and more (minutes), `not_yet`: not worked. Always all six, in this order. */
  buckets: { bucket: SpeedBucket; count: number }[];
};

export const speedToLeadReportSchema = z
  .strictObject({
    ...rangeShape,
    leads: count.meta({ description: 'Live leads created in the range.' }),
    worked: count.meta({ description: 'Of those, the ones sales has worked.' }),
    medianMinutes: z.number().min(0).nullable().meta({
      description: 'Median minutes to first work (1 decimal); null when none was worked.',
    }),
    p90Minutes: z.number().min(0).nullable().meta({
      description: '90th percentile, interpolated between ranks; null when none was worked.',
    }),
    buckets: z
      .array(z.strictObject({ bucket: z.enum(speedBuckets), count }))
      .length(speedBuckets.length)
      .meta({
        description:
          '`under_5m` [0, 5) minutes, `5m_to_30m` [5, 30), `30m_to_2h` [30, 120), `2h_to_24h` ' +
          '[120, 1440), `over_24h` 1440 and more, `not_yet`: not worked. All six, in order.',
      }),
  })
  .meta({
    id: 'SpeedToLeadReport',
    description:
      'Of the live leads created in the range, how soon sales first worked them: the earliest ' +
      'conversion of theirs (any stage), CRM status set on them, or status set through the API.',
  });

export type ReportSchemasMatchTypes = Pinned<{
  funnel: Same<z.infer<typeof funnelReportSchema>, FunnelReport>;
  inquiries: Same<z.infer<typeof inquiriesReportSchema>, InquiriesReport>;
  locations: Same<z.infer<typeof locationsReportSchema>, LocationsReport>;
  speed: Same<z.infer<typeof speedToLeadReportSchema>, SpeedToLeadReport>;
}>;
