import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CREDIT_SCALE } from './credit.ts';
import { fitMarkov } from './markov.ts';
import { ATTRIBUTION_MODELS } from './models.ts';
import { spendByGroup, spendGroup } from './spend.ts';
import { attributionRows, attributionTally, modelPath, NOT_SET, type StoredPath } from './tally.ts';

const HOUR = 3_600_000;
const path = (
  touches: [number, string, string][],
  extra: Partial<StoredPath> = {},
): StoredPath => ({
  id: 'c1',
  at: 100 * HOUR,
  valueMinor: null,
  currency: null,
  leadCreatedAt: null,
  opportunityAt: null,
  touches: touches.map(([at, channel, group]) => ({ at, channel, group })),
  ...extra,
});
const LEADS = { conversions: true, leads: true, customers: false };
const CUSTOMERS = { conversions: false, leads: false, customers: true };

describe('attribution tally', () => {
  it('credits touches of one group together and the median time once per group', () => {
    const tally = attributionTally('linear', 'USD');
    tally.add(
      path([
        [0, 'Paid Search', 'google'],
        [10 * HOUR, 'Email', 'newsletter'],
        [20 * HOUR, 'Paid Search', 'google'],
      ]),
      LEADS,
    );
    expect(tally.groups.get('google')).toMatchObject({ conversions: 666_667, leads: 666_667 });
    expect(tally.groups.get('newsletter')).toMatchObject({ conversions: 333_333 });
    // 100 hours from the first touch, counted once for google.
    const google = tally.groups.get('google')!.minutes;
    expect([google.size, google.median()]).toEqual([1, 6000]);
    expect(tally.total.conversions).toBe(CREDIT_SCALE);
  });

  it('splits revenue to the minor unit, only in the report currency', () => {
    const tally = attributionTally('position_based', 'USD');
    const touches: [number, string, string][] = [
      [0, 'A', 'a'],
      [1, 'B', 'b'],
      [2, 'C', 'c'],
    ];
    tally.add(path(touches, { valueMinor: 10_001, currency: 'USD' }), CUSTOMERS);
    tally.add(path(touches, { id: 'c2', valueMinor: 99_999, currency: 'EUR' }), CUSTOMERS);
    const revenue = ['a', 'b', 'c'].map((key) => tally.groups.get(key)!.revenueMinor);
    // 4000.4, 2000.2, 4000.4: the unit left over goes to the larger remainder, the earlier of a tie.
    expect(revenue).toEqual([4001, 2000, 4000]);
    expect(tally.total.revenueMinor).toBe(10_001);
    // The EUR customer still counts as a customer.
    expect(tally.total.customers).toBe(2 * CREDIT_SCALE);
  });

  it('credits a conversion without touches to (not set)', () => {
    const tally = attributionTally('last_non_direct', null);
    tally.add(path([]), LEADS);
    expect(tally.groups.get(NOT_SET)?.leads).toBe(CREDIT_SCALE);
    // No first touch, no time to convert.
    expect(tally.total.minutes.size).toBe(0);
  });

  it('finds the lead and opportunity touches for w_shaped and full_path', () => {
    const stored = path(
      [
        [0, 'A', 'a'],
        [5, 'B', 'b'],
        [9, 'C', 'c'],
        [12, 'D', 'd'],
      ],
      { leadCreatedAt: 6, opportunityAt: 10 },
    );
    expect(modelPath(stored)).toMatchObject({ leadIndex: 1, opportunityIndex: 2 });
    const tally = attributionTally('full_path', null);
    tally.add(stored, LEADS);
    expect(['a', 'b', 'c', 'd'].map((key) => tally.groups.get(key)!.leads)).toEqual([
      250_000, 250_000, 250_000, 250_000,
    ]);
  });

  it('keeps totals equal to the sum of the groups for any paths and model', () => {
    const touch = fc.tuple(
      fc.integer({ min: 0, max: 99 * HOUR }),
      fc.constantFrom('Direct', 'Email', 'Paid Search', 'Referral'),
      fc.constantFrom('x', 'y', 'z'),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...ATTRIBUTION_MODELS),
        fc.array(
          fc.record({
            touches: fc.array(touch, { maxLength: 6 }),
            value: fc.integer({ min: 0, max: 1_000_000 }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (model, paths) => {
          const stored = paths.map(({ touches, value }, i) =>
            path(
              [...touches].sort((a, b) => a[0] - b[0]),
              { id: `c${i}`, valueMinor: value, currency: 'USD' },
            ),
          );
          const markov = fitMarkov(
            stored.map((p) => ({
              channels: modelPath(p).touches.map((t) => t.channel),
              converted: true,
            })),
          );
          const tally = attributionTally(model, 'USD');
          for (const p of stored)
            tally.add(p, { conversions: true, leads: true, customers: true }, markov);
          const sum = (field: 'leads' | 'customers' | 'revenueMinor') =>
            [...tally.groups.values()].reduce((total, group) => total + group[field], 0);
          expect(sum('leads')).toBe(stored.length * CREDIT_SCALE);
          expect(sum('customers')).toBe(tally.total.customers);
          expect(sum('revenueMinor')).toBe(paths.reduce((total, p) => total + p.value, 0));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('attribution rows', () => {
  it('sorts by conversions, then sessions, then key, and leaves ratios without a denominator null', () => {
    const tally = attributionTally('first_touch', 'USD');
    tally.add(path([[0, 'Email', 'Email']]), LEADS);
    const { rows, totals } = attributionRows({
      groupBy: 'channel',
      tally,
      traffic: new Map([
        ['Email', { sessions: 4, visitors: 3 }],
        ['Referral', { sessions: 9, visitors: 9 }],
        ['Direct', { sessions: 9, visitors: 7 }],
      ]),
      visitors: 15,
      spend: new Map([['Email', 1250]]),
      toMajor: (minor) => minor / 100,
    });
    expect(rows.map((row) => row.channel)).toEqual(['Email', 'Direct', 'Referral']);
    expect(rows[0]).toMatchObject({
      conversions: 1,
      leads: 1,
      visitToLeadRate: 0.25,
      cost: 12.5,
      costPerLead: 12.5,
      costPerCustomer: null,
      roas: 0,
      roi: -1,
      medianHoursToConvert: 100,
    });
    expect(rows[1]).toMatchObject({ cost: 0, costPerLead: null, roas: null, roi: null });
    expect(totals).toMatchObject({ sessions: 22, visitors: 15, cost: 12.5, leads: 1 });
  });
});

describe('spend groups', () => {
  it('reads spend through the channel rules, and only where a grouping can carry it', () => {
    const google = { source: 'Google', medium: 'CPC', campaign: 'storms' };
    expect(spendGroup('channel', google)).toBe('Paid Search');
    expect(spendGroup('source', google)).toBe('google');
    expect(spendGroup('medium', google)).toBe('cpc');
    expect(spendGroup('campaign', google)).toBe('storms');
    expect(spendGroup('campaign', { ...google, campaign: '' })).toBe(NOT_SET);
    expect(spendGroup('medium', { ...google, medium: '' })).toBe(NOT_SET);
    expect(spendGroup('landing_page', google)).toBeUndefined();
    expect(spendByGroup('country', [{ ...google, amountMinor: 5 }])).toBeNull();
    expect(
      spendByGroup('channel', [
        { ...google, amountMinor: 5 },
        { source: 'bing', medium: 'cpc', campaign: '', amountMinor: 7 },
        { source: 'newsletter', medium: 'email', campaign: '', amountMinor: 1 },
      ]),
    ).toEqual(
      new Map([
        ['Paid Search', 12],
        ['Email', 1],
      ]),
    );
  });
});
