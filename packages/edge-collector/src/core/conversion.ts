import type {
  Conversion,
  ConversionStage,
  CreateConversion,
  FieldError,
  JsonObject,
  JsonValue,
} from '@leadloop/schema';
import { normalisePhone } from './identifiers.ts';
import type { DomainChange } from './lead-update.ts';
import { currencyExponent, toMajorUnits, toMinorUnits } from './money.ts';

// A CRM outcome: how it is stored, shown and announced, what makes two requests the same one,
// and whether it moves its lead's status.

/** A conversion as stored; money in minor units, times in epoch milliseconds. */
export type ConversionRow = {
  siteId: string;
  id: string;
  leadId: string;
  stage: ConversionStage;
  valueMinor: number | null;
  currency: string | null;
  occurredAt: number;
  externalId: string | null;
  /** SHA-256 of `conversionFingerprint`: a replay with the same `externalId` must match it. */
  requestHash: string;
  properties: JsonObject;
  createdAt: number;
};

/** How a request names its lead, normalised as the collector stores identifiers. */
export type LeadReference = { kind: 'leadId' | 'email' | 'phone'; value: string };

/** A conversion request as understood: defaults not applied yet, so a replay reads the same. */
export type ConversionRequest = {
  reference: LeadReference;
  stage: ConversionStage;
  valueMinor: number | null;
  currency: string | null;
  /** Null when the request left it to the collector (now). */
  occurredAt: number | null;
  externalId: string | null;
  properties: JsonObject;
};

/** How far ahead of the collector's clock a CRM's `occurredAt` may be. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A validated body as the collector understands it: email and phone normalised as the collector
 * stores them, money in minor units; or what still does not hold (decimals the currency lacks,
 * an unknown currency, a time in the future).
 */
export function understandConversion(
  input: CreateConversion,
  defaultCountry: string | null,
  now: number,
): { ok: true; request: ConversionRequest } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  let valueMinor: number | null = null;
  if (input.currency !== undefined) {
    if (input.value !== undefined) {
      const money = toMinorUnits(input.value, input.currency);
      if (money.ok) valueMinor = money.minor;
      else
        errors.push({
          path: money.wrong === 'amount' ? 'value' : 'currency',
          message: money.message,
        });
    } else if (currencyExponent(input.currency) === undefined) {
      errors.push({ path: 'currency', message: `Unknown ISO 4217 currency ${input.currency}` });
    }
  }
  const occurredAt = input.occurredAt === undefined ? null : Date.parse(input.occurredAt);
  if (occurredAt !== null && occurredAt > now + MAX_CLOCK_SKEW_MS)
    errors.push({ path: 'occurredAt', message: 'Must not be in the future' });
  if (errors.length > 0) return { ok: false, errors };
  // The schema admits exactly one of the three.
  const reference: LeadReference =
    input.email !== undefined
      ? { kind: 'email', value: input.email.toLowerCase() }
      : input.phone !== undefined
        ? { kind: 'phone', value: normalisePhone(input.phone, defaultCountry) ?? input.phone }
        : { kind: 'leadId', value: input.leadId! };
  return {
    ok: true,
    request: {
      reference,
      stage: input.stage,
      valueMinor,
      currency: input.currency ?? null,
      occurredAt,
      externalId: input.externalId ?? null,
      properties: input.properties ?? {},
    },
  };
}

export function conversionView(row: ConversionRow): Conversion {
  return {
    id: row.id,
    leadId: row.leadId,
    stage: row.stage,
    value:
      row.valueMinor === null || row.currency === null
        ? null
        : toMajorUnits(row.valueMinor, row.currency),
    currency: row.currency,
    occurredAt: new Date(row.occurredAt).toISOString(),
    externalId: row.externalId,
    properties: row.properties,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

/** JSON with object keys sorted, so key order never makes two equal values differ. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key]!)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/**
 * What two requests must share to be the same conversion: everything the sender said, as the
 * collector understood it (`usd` is `USD`, `5000` is `5000.00`, `+02:00` is the same instant in
 * `Z`, key order in `properties` does not matter).
 */
export function conversionFingerprint(request: ConversionRequest): string {
  return canonicalJson({
    reference: request.reference,
    stage: request.stage,
    valueMinor: request.valueMinor,
    currency: request.currency,
    occurredAt: request.occurredAt,
    externalId: request.externalId,
    properties: request.properties,
  });
}

/**
 * Whether a conversion sets its lead's status: only when it happened after the stage the lead
 * has now was set. An older outcome arriving late (a CRM backfill, a retried webhook) is kept and
 * announced, but never moves the lead back; at the same instant, the first one stands.
 */
export const movesStatus = (occurredAt: number, stageAt: number | null): boolean =>
  stageAt === null || occurredAt > stageAt;

/** The `conversion.recorded` change: its id comes from the conversion, so it is written once. */
export function conversionRecorded(row: ConversionRow): DomainChange {
  return {
    id: `conversion.recorded:${row.id}`,
    type: 'conversion.recorded',
    leadId: row.leadId,
    occurredAt: row.occurredAt,
    data: conversionView(row) as unknown as JsonObject,
  };
}
