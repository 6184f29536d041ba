import { describe, expect, it } from 'vitest';
import {
  CONVERSION_PROPERTIES_BYTES,
  createConversionSchema,
  listConversionsQuerySchema,
} from './conversions.ts';
import { toFieldErrors } from './problem.ts';

function pathsOf(input: unknown): string[] {
  const result = createConversionSchema.safeParse(input);
  return result.success ? [] : toFieldErrors(result.error).map((error) => error.path);
}

const won = { leadId: 'lead_1', stage: 'customer' };

describe('createConversionSchema', () => {
  it('takes a full body, trimming text and upper-casing the currency', () => {
    expect(
      createConversionSchema.parse({
        email: '  Jane@Acme.com ',
        stage: 'opportunity',
        value: 5000,
        currency: 'eur',
        occurredAt: '2026-11-23T10:00:00+01:00',
        externalId: ' deal-42 ',
        properties: { pipeline: 'enterprise' },
      }),
    ).toEqual({
      email: 'Jane@Acme.com',
      stage: 'opportunity',
      value: 5000,
      currency: 'EUR',
      occurredAt: '2026-11-23T10:00:00+01:00',
      externalId: 'deal-42',
      properties: { pipeline: 'enterprise' },
    });
  });

  it('needs exactly one way to find the lead', () => {
    expect(pathsOf({ stage: 'customer' })).toEqual(['leadId']);
    expect(pathsOf({ ...won, email: 'jane@acme.com' })).toEqual(['email']);
    expect(pathsOf({ email: 'jane@acme.com', phone: '+49 30 1234567', stage: 'lost' })).toEqual([
      'phone',
    ]);
    expect(pathsOf({ phone: '+49 30 1234567', stage: 'lost' })).toEqual([]);
  });

  it('refuses a value without a currency, and money that is not money', () => {
    expect(pathsOf({ ...won, value: 10 })).toEqual(['currency']);
    expect(pathsOf({ ...won, value: -1, currency: 'USD' })).toEqual(['value']);
    expect(pathsOf({ ...won, value: '10', currency: 'USD' })).toEqual(['value']);
    expect(pathsOf({ ...won, value: 1e13, currency: 'USD' })).toEqual(['value']);
    expect(pathsOf({ ...won, value: 10, currency: 'dollars' })).toEqual(['currency']);
    expect(pathsOf({ ...won, value: 10, currency: 'US1' })).toEqual(['currency']);
  });

  it('refuses an unknown stage, a time without an offset and an overlong externalId', () => {
    expect(pathsOf({ ...won, stage: 'won' })).toEqual(['stage']);
    expect(pathsOf({ ...won, stage: 'lead' })).toEqual(['stage']);
    expect(pathsOf({ ...won, occurredAt: '2026-11-23T10:00:00' })).toEqual(['occurredAt']);
    expect(pathsOf({ ...won, occurredAt: '23/11/2026' })).toEqual(['occurredAt']);
    expect(pathsOf({ ...won, externalId: 'x'.repeat(201) })).toEqual(['externalId']);
    expect(pathsOf({ ...won, externalId: '   ' })).toEqual(['externalId']);
    expect(pathsOf({ ...won, externalId: 'a\u0000b' })).toEqual(['externalId']);
  });

  it('keeps properties small, JSON and free of U+0000', () => {
    const big = { note: 'x'.repeat(CONVERSION_PROPERTIES_BYTES) };
    expect(pathsOf({ ...won, properties: big })).toEqual(['properties']);
    expect(pathsOf({ ...won, properties: ['a'] })).toEqual(['properties']);
    expect(pathsOf({ ...won, properties: { note: 'a\u0000b' } })).toEqual(['properties']);
    expect(pathsOf({ ...won, properties: { note: 'fine' } })).toEqual([]);
  });

  it('refuses unknown keys', () => {
    const result = createConversionSchema.safeParse({ ...won, amount: 5 });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('amount');
  });
});

describe('listConversionsQuerySchema', () => {
  it('defaults the page size and bounds it', () => {
    expect(listConversionsQuerySchema.parse({}).limit).toBe(25);
    expect(listConversionsQuerySchema.safeParse({ limit: '101' }).success).toBe(false);
    expect(listConversionsQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
  });

  it('refuses a range that ends before it starts', () => {
    const result = listConversionsQuerySchema.safeParse({
      from: '2026-11-24T00:00:00Z',
      to: '2026-11-23T00:00:00Z',
    });
    expect(result.success ? [] : toFieldErrors(result.error).map((e) => e.path)).toEqual(['from']);
  });
});
