import { describe, expect, it } from 'vitest';
import { listCostsQuerySchema, MAX_COSTS_PER_REQUEST, upsertCostsSchema } from './costs.ts';
import { toFieldErrors } from './problem.ts';

function pathsOf(input: unknown): string[] {
  const result = upsertCostsSchema.safeParse(input);
  return result.success ? [] : toFieldErrors(result.error).map((error) => error.path);
}

const day = { date: '2026-11-23', source: 'google', amount: 120.5, currency: 'EUR' };

describe('upsertCostsSchema', () => {
  it('trims labels and stores a missing medium or campaign as empty', () => {
    expect(
      upsertCostsSchema.parse({ costs: [{ ...day, source: ' google ', campaign: ' brand ' }] }),
    ).toEqual({
      costs: [{ ...day, source: 'google', medium: '', campaign: 'brand' }],
    });
  });

  it('takes 1 to 1000 items', () => {
    expect(pathsOf({ costs: [] })).toEqual(['costs']);
    const many = Array.from({ length: MAX_COSTS_PER_REQUEST + 1 }, (_, index) => ({
      ...day,
      campaign: `c${index}`,
    }));
    expect(pathsOf({ costs: many })).toEqual(['costs']);
    expect(pathsOf({ costs: many.slice(1) })).toEqual([]);
  });

  it('refuses impossible dates, an empty source and negative amounts, by item', () => {
    expect(pathsOf({ costs: [day, { ...day, date: '2026-02-30' }] })).toEqual(['costs.1.date']);
    expect(pathsOf({ costs: [{ ...day, date: '2026-11-23T00:00:00Z' }] })).toEqual([
      'costs.0.date',
    ]);
    expect(pathsOf({ costs: [{ ...day, source: '  ' }] })).toEqual(['costs.0.source']);
    expect(pathsOf({ costs: [{ ...day, amount: -0.01 }] })).toEqual(['costs.0.amount']);
    expect(pathsOf({ costs: [{ ...day, currency: undefined }] })).toEqual(['costs.0.currency']);
  });

  it('refuses the same day and key twice in one request (after trimming)', () => {
    expect(pathsOf({ costs: [day, { ...day, source: 'google ', amount: 3 }] })).toEqual([
      'costs.1',
    ]);
    expect(pathsOf({ costs: [day, { ...day, medium: 'cpc' }] })).toEqual([]);
  });
});

describe('listCostsQuerySchema', () => {
  it('takes day bounds in order', () => {
    expect(listCostsQuerySchema.safeParse({ from: '2026-11-01', to: '2026-11-30' }).success).toBe(
      true,
    );
    const reversed = listCostsQuerySchema.safeParse({ from: '2026-12-01', to: '2026-11-30' });
    expect(reversed.success ? [] : toFieldErrors(reversed.error).map((e) => e.path)).toEqual([
      'from',
    ]);
  });
});
