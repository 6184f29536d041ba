import { z } from 'zod';
import { trimmedText } from './conversions.ts';
import { reportRangeFields } from './reports.ts';

// `GET /v1/exports/offline-conversions`: conversions with the ad click that brought them, in an
// ad platform's offline conversion import file, so its bidding learns from real revenue.

/** Ad platforms with an export; each has its own file shape. */
export const offlineConversionPlatforms = ['google_ads'] as const;
export type OfflineConversionPlatform = (typeof offlineConversionPlatforms)[number];

/** What counts as the conversion: a lead's first identification, or a CRM stage it reached. */
export const offlineConversionStages = ['lead', 'opportunity', 'customer'] as const;
export type OfflineConversionStage = (typeof offlineConversionStages)[number];

/** Longest conversion name: the name of the ad platform's conversion action. */
export const CONVERSION_NAME_LENGTH = 100;

/**
 * The query: `from` after `to` is refused by the route, once both are instants in the site's
 * time zone.
 */
export const offlineConversionsQuerySchema = z.strictObject({
  platform: z.enum(offlineConversionPlatforms, {
    error: `Expected one of: ${offlineConversionPlatforms.join(', ')}`,
  }),
  stage: z
    .enum(offlineConversionStages, {
      error: `Expected one of: ${offlineConversionStages.join(', ')}`,
    })
    .default('customer'),
  /** Conversions from (a day: its start in the site's time zone) to (a day: its end). */
  ...reportRangeFields,
  /** The conversion action's name in the ad platform; defaults to `Leadloop <stage>`. */
  conversionName: trimmedText(1, CONVERSION_NAME_LENGTH).optional(),
});
export type OfflineConversionsQueryInput = z.input<typeof offlineConversionsQuerySchema>;
export type OfflineConversionsQuery = z.output<typeof offlineConversionsQuerySchema>;
