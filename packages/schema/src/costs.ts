import { z } from 'zod';
import { currencyCode, moneyAmount, trimmedText } from './conversions.ts';
import { LIMITS } from './limits.ts';
import { pageOf, responseTime } from './list-page.ts';
import type { Pinned, Same } from './same-type.ts';

// Daily ad spend (`POST` / `GET /v1/costs`), keyed by day, source, medium and campaign, so reports
// can show cost per lead, cost per customer and ROAS next to what those channels brought in.

export const MAX_COSTS_PER_REQUEST = 1000;

const label = trimmedText(0, LIMITS.textLength);

/** One day's spend for one source / medium / campaign; a medium or campaign left out is ''. */
export const costItemSchema = z.strictObject({
  /** The day in the site's time zone. */
  date: z.iso.date({ message: 'Expected a date YYYY-MM-DD' }),
  source: trimmedText(1, LIMITS.textLength),
  medium: label.default(''),
  campaign: label.default(''),
  /** Major units. */
  amount: moneyAmount,
  currency: currencyCode,
});
export type CostItem = z.output<typeof costItemSchema>;

const keyOf = (item: CostItem) =>
  JSON.stringify([item.date, item.source, item.medium, item.campaign]);

/**
 * `POST /v1/costs`: each item replaces what was stored for its day and key (currency included).
 * The same day and key twice in one request is refused: it is a sum the sender meant to make.
 */
export const upsertCostsSchema = z
  .strictObject({
    costs: z.array(costItemSchema).min(1).max(MAX_COSTS_PER_REQUEST),
  })
  .superRefine(({ costs }, ctx) => {
    const seen = new Map<string, number>();
    costs.forEach((item, index) => {
      const first = seen.get(keyOf(item));
      if (first === undefined) seen.set(keyOf(item), index);
      else
        ctx.addIssue({
          code: 'custom',
          path: ['costs', index],
          message: `Same date, source, medium and campaign as costs.${first}`,
        });
    });
  });
export type UpsertCostsInput = z.input<typeof upsertCostsSchema>;

export type UpsertCostsResult = { upserted: number };

export const upsertCostsResultSchema = z
  .strictObject({
    upserted: z.int().min(1).meta({ description: 'Items written, new or replacing a stored day.' }),
  })
  .meta({ id: 'UpsertCostsResult' });

/** A day's spend as the API shows it. */
export type Cost = {
  date: string;
  source: string;
  medium: string;
  campaign: string;
  /** Major units. */
  amount: number;
  currency: string;
  updatedAt: string;
};

export type CostList = { data: Cost[]; nextCursor: string | null };

export const costSchema = z
  .strictObject({
    date: z.iso.date().meta({ description: 'The day, in the site’s time zone.' }),
    source: z.string(),
    medium: z.string().meta({ description: 'Empty when the spend is not split by medium.' }),
    campaign: z.string().meta({ description: 'Empty when the spend is not split by campaign.' }),
    amount: z.number().meta({ description: 'Major units of `currency`.' }),
    currency: z.string().meta({ description: 'ISO 4217, upper-case.' }),
    updatedAt: responseTime,
  })
  .meta({ id: 'Cost', description: 'One day’s spend for one source, medium and campaign.' });

export const costListSchema = pageOf(costSchema).meta({ id: 'CostList' });

export type CostSchemasMatchTypes = Pinned<{
  result: Same<z.infer<typeof upsertCostsResultSchema>, UpsertCostsResult>;
  cost: Same<z.infer<typeof costSchema>, Cost>;
  list: Same<z.infer<typeof costListSchema>, CostList>;
}>;

/** `GET /v1/costs`: oldest day first (a time series); `from` and `to` are inclusive days. */
export const listCostsQuerySchema = z
  .strictObject({
    from: z.iso.date({ message: 'Expected a date YYYY-MM-DD' }).optional(),
    to: z.iso.date({ message: 'Expected a date YYYY-MM-DD' }).optional(),
    source: trimmedText(0, LIMITS.textLength).optional(),
    medium: trimmedText(0, LIMITS.textLength).optional(),
    campaign: trimmedText(0, LIMITS.textLength).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(16_000).optional(),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    path: ['from'],
    message: 'Must not be after to',
  });
export type ListCostsQuery = z.output<typeof listCostsQuerySchema>;
