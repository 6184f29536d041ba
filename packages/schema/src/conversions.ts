import { z } from 'zod';
import { timestamp } from './events.ts';
import { type JsonObject, jsonObject } from './json-value.ts';
import { pageOf, responseTime } from './list-page.ts';
import type { Pinned, Same } from './same-type.ts';
import { utf8ByteLength } from './utf8.ts';

// CRM outcomes pushed through the API (`POST` / `GET /v1/conversions`), and the money fields the
// costs API shares. Amounts are major units (5000 = 5,000.00); the collector checks their
// decimals against the currency's ISO 4217 minor unit.

export const conversionStages = ['opportunity', 'customer', 'lost'] as const;
export type ConversionStage = (typeof conversionStages)[number];

/** A conversion's `properties` as UTF-8 JSON: a few CRM fields, not a document store. */
export const CONVERSION_PROPERTIES_BYTES = 4 * 1024;
/** Largest amount in major units: a trillion still fits minor units in an exact integer. */
export const MAX_MONEY_AMOUNT = 1e12;

// Postgres stores no U+0000 in text or jsonb: refused by name rather than failing the write.
const hasNoNul = (text: string) => !text.includes('\0');
const NO_NUL = { message: 'Must not contain U+0000' };

/** Text of `min` to `max` characters once trimmed. */
export const trimmedText = (min: number, max: number) =>
  z.string().trim().min(min).max(max).refine(hasNoNul, NO_NUL);

/** An ISO 4217 code, either case, answered upper-case. */
export const currencyCode = z
  .string()
  .regex(/^[A-Za-z]{3}$/, { message: 'Expected a three-letter ISO 4217 currency code' })
  .transform((code) => code.toUpperCase());

export const moneyAmount = z.number().min(0).max(MAX_MONEY_AMOUNT);

const smallJsonObject = jsonObject.superRefine((value, ctx) => {
  const text = JSON.stringify(value);
  if (utf8ByteLength(text) > CONVERSION_PROPERTIES_BYTES)
    ctx.addIssue({
      code: 'custom',
      message: `Larger than ${CONVERSION_PROPERTIES_BYTES} bytes as JSON`,
    });
  else if (text.includes('\\u0000')) ctx.addIssue({ code: 'custom', ...NO_NUL });
});

const LEAD_REFERENCES = ['leadId', 'email', 'phone'] as const;

/**
 * `POST /v1/conversions`: which lead (exactly one of `leadId`, `email`, `phone`), the stage it
 * reached, and optionally the deal's value, when it happened and the CRM's id for it. The same
 * `externalId` with the same body is a replay; with another body, a conflict.
 */
export const createConversionSchema = z
  .strictObject({
    leadId: trimmedText(1, 128).optional(),
    email: trimmedText(1, 320).optional(),
    phone: trimmedText(1, 64).optional(),
    stage: z.enum(conversionStages),
    value: moneyAmount.optional(),
    /** Required with `value`. */
    currency: currencyCode.optional(),
    /** ISO 8601 with an offset (`Z` or `+02:00`); defaults to now, never in the future. */
    occurredAt: timestamp.optional(),
    /** The CRM's id for this outcome (deal id and stage, say): makes the request idempotent. */
    externalId: trimmedText(1, 200).optional(),
    properties: smallJsonObject.optional(),
  })
  .superRefine((body, ctx) => {
    const given = LEAD_REFERENCES.filter((key) => body[key] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: [given[1] ?? 'leadId'],
        message: 'Give exactly one of leadId, email or phone',
      });
    if (body.value !== undefined && body.currency === undefined)
      ctx.addIssue({ code: 'custom', path: ['currency'], message: 'Required with value' });
  });
export type CreateConversionInput = z.input<typeof createConversionSchema>;
export type CreateConversion = z.output<typeof createConversionSchema>;

/** A CRM outcome as the API shows it. */
export type Conversion = {
  id: string;
  /** The lead it belongs to (a merged lead's conversions show the survivor). */
  leadId: string;
  stage: ConversionStage;
  /** Major units; null when the CRM sent none. */
  value: number | null;
  currency: string | null;
  occurredAt: string;
  externalId: string | null;
  properties: JsonObject;
  createdAt: string;
};

export type ConversionList = { data: Conversion[]; nextCursor: string | null };

export const conversionSchema = z
  .strictObject({
    id: z.string().meta({ description: 'The conversion’s id (`conv_…`).' }),
    leadId: z.string().meta({
      description: 'The lead it belongs to (a merged lead’s conversions show the survivor).',
    }),
    stage: z.enum(conversionStages),
    value: z.number().nullable().meta({
      description: 'Major units of `currency` (5000 = 5,000.00); null when none was sent.',
    }),
    currency: z.string().nullable().meta({ description: 'ISO 4217, upper-case.' }),
    occurredAt: responseTime.meta({ description: 'When it happened in the CRM (ISO 8601, UTC).' }),
    externalId: z.string().nullable().meta({ description: 'The CRM’s id for this outcome.' }),
    properties: jsonObject,
    createdAt: responseTime,
  })
  .meta({ id: 'Conversion', description: 'A CRM outcome recorded against a lead.' });

export const conversionListSchema = pageOf(conversionSchema).meta({ id: 'ConversionList' });

export type ConversionSchemasMatchTypes = Pinned<{
  conversion: Same<z.infer<typeof conversionSchema>, Conversion>;
  list: Same<z.infer<typeof conversionListSchema>, ConversionList>;
}>;

const listLimit = z.coerce.number().int().min(1).max(100).default(25);

/** `GET /v1/conversions`: newest `occurredAt` first; `from` and `to` are inclusive. */
export const listConversionsQuerySchema = z
  .strictObject({
    leadId: trimmedText(1, 128).optional(),
    stage: z.enum(conversionStages).optional(),
    from: timestamp.optional(),
    to: timestamp.optional(),
    limit: listLimit,
    cursor: z.string().min(1).max(300).optional(),
  })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) <= Date.parse(query.to), {
    path: ['from'],
    message: 'Must not be after to',
  });
export type ListConversionsQuery = z.output<typeof listConversionsQuerySchema>;
