import { z } from 'zod';
import { currencyCode } from './conversions.ts';
import { reportRangeFields } from './reports.ts';

// `GET /v1/attribution`: leads, customers and revenue credited to where they came from under a
// chosen model, beside the sessions, visitors and spend of each group.

export const ATTRIBUTION_MODELS = [
  'first_touch',
  'last_touch',
  'last_non_direct',
  'linear',
  'position_based',
  'w_shaped',
  'full_path',
  'j_shaped',
  'inverse_j',
  'time_decay',
  'data_driven',
] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

/** What a touch can be grouped by: its session's source fields. */
export const ATTRIBUTION_GROUPS = [
  'channel',
  'source',
  'medium',
  'campaign',
  'term',
  'content',
  'landing_page',
  'referrer_domain',
  'country',
  'region',
  'city',
  'device',
] as const;
export type AttributionGroup = (typeof ATTRIBUTION_GROUPS)[number];

/** The groups spend can be split by (costs are kept per source, medium and campaign). */
export const COSTED_GROUPS: readonly AttributionGroup[] = [
  'channel',
  'source',
  'medium',
  'campaign',
];

/** The conversions a report can count: the lead's creation, and CRM outcomes. */
export const ATTRIBUTION_CONVERSIONS = ['lead', 'opportunity', 'customer'] as const;
export type AttributionConversion = (typeof ATTRIBUTION_CONVERSIONS)[number];

export const ATTRIBUTION_FORMATS = ['json', 'csv', 'ndjson'] as const;

export const MAX_LOOKBACK_DAYS = 365;

export const attributionQuerySchema = z.strictObject({
  model: z.enum(ATTRIBUTION_MODELS).default('last_non_direct'),
  groupBy: z.enum(ATTRIBUTION_GROUPS).default('channel'),
  conversion: z.enum(ATTRIBUTION_CONVERSIONS).default('lead'),
  ...reportRangeFields,
  lookbackDays: z.coerce.number().int().min(1).max(MAX_LOOKBACK_DAYS).default(90),
  currency: currencyCode.optional(),
  format: z.enum(ATTRIBUTION_FORMATS).default('json'),
});
export type AttributionQuery = z.output<typeof attributionQuerySchema>;

const credited = (description: string) => z.number().min(0).meta({ description });
const ratio = (description: string) => z.number().nullable().meta({ description });

/** Every column of a row, besides its group key. */
export const attributionColumnsSchema = z.strictObject({
  conversions: credited('Conversions of the chosen kind credited to the group under the model.'),
  revenue: z.number().meta({
    description: 'Customer revenue credited to the group, in major units of `currency`.',
  }),
  sessions: z.int().min(0).meta({ description: 'Sessions that started with this touch.' }),
  visitors: z.int().min(0).meta({ description: 'Distinct browsers among those sessions.' }),
  leads: credited('Leads (first identifications) credited to the group.'),
  visitToLeadRate: ratio('leads / sessions; null without sessions.'),
  customers: credited('Customers credited to the group.'),
  leadToCustomerRate: ratio('customers / leads; null without leads.'),
  cost: z.number().min(0).nullable().meta({
    description:
      'Spend in `currency` from `POST /v1/costs`; null when the grouping cannot carry spend.',
  }),
  costPerLead: ratio('cost / leads.'),
  costPerCustomer: ratio('cost / customers.'),
  roas: ratio('Return on ad spend: revenue / cost.'),
  roi: ratio('Return on investment: (revenue − cost) / cost.'),
  medianHoursToConvert: z
    .number()
    .min(0)
    .nullable()
    .meta({
      description:
        'Median time from the first touch of a path to its conversion, over the conversions the ' +
        'group has credit in; null when none.',
    }),
});
export type AttributionColumns = z.output<typeof attributionColumnsSchema>;

/** The CSV and NDJSON columns, in order, after the group key. */
export const ATTRIBUTION_COLUMNS = Object.keys(
  attributionColumnsSchema.shape,
) as (keyof AttributionColumns)[];

export type AttributionRow = AttributionColumns & { [group: string]: string | number | null };

export type AttributionReport = {
  model: AttributionModel;
  groupBy: AttributionGroup;
  conversion: AttributionConversion;
  from: string;
  to: string;
  lookbackDays: number;
  currency: string | null;
  rows: AttributionRow[];
  totals: AttributionColumns;
};

export const attributionReportSchema = z
  .strictObject({
    model: z.enum(ATTRIBUTION_MODELS),
    groupBy: z.enum(ATTRIBUTION_GROUPS),
    conversion: z.enum(ATTRIBUTION_CONVERSIONS),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    lookbackDays: z.int(),
    currency: z.string().nullable().meta({
      description: 'The currency `revenue` and `cost` are in; null when there is neither.',
    }),
    rows: z.array(
      attributionColumnsSchema
        .catchall(z.string())
        .meta({ description: 'One group: its key under the `groupBy` name, then the columns.' }),
    ),
    totals: attributionColumnsSchema,
  })
  .meta({ id: 'AttributionReport' });
