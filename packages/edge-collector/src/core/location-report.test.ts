import { describe, expect, it } from 'vitest';
import { locationsView } from './location-report.ts';

const place = (
  country: string | null,
  region: string | null = null,
  city: string | null = null,
) => ({
  country,
  region,
  city,
});

describe('locations', () => {
  it('joins sessions, leads and revenue on the place; most customers, then leads, first', () => {
    const view = locationsView(
      'country',
      [
        { ...place('DE'), sessions: 10 },
        { ...place('FR'), sessions: 3 },
        { ...place(null), sessions: 4 },
        { ...place('US'), sessions: 1 },
      ],
      [
        { ...place('FR'), leads: 2, customers: 1 },
        { ...place('DE'), leads: 3, customers: 0 },
        { ...place(null), leads: 1, customers: 0 },
      ],
      [
        { ...place('FR'), currency: 'EUR', minor: 500_050 },
        { ...place('FR'), currency: 'JPY', minor: 12_000 },
      ],
    );
    expect(view.rows).toEqual([
      { country: 'FR', sessions: 3, leads: 2, customers: 1, revenue: { EUR: 5000.5, JPY: 12_000 } },
      { country: 'DE', sessions: 10, leads: 3, customers: 0, revenue: {} },
      { country: null, sessions: 4, leads: 1, customers: 0, revenue: {} },
      { country: 'US', sessions: 1, leads: 0, customers: 0, revenue: {} },
    ]);
    expect(view.totals).toEqual({
      sessions: 18,
      leads: 6,
      customers: 1,
      revenue: { EUR: 5000.5, JPY: 12_000 },
    });
  });

  it('keys a city by its region and country, and shows only the fields the level has', () => {
    const rows = locationsView(
      'city',
      [
        { ...place('US', 'Oregon', 'Portland'), sessions: 1 },
        { ...place('US', 'Maine', 'Portland'), sessions: 2 },
      ],
      [],
      [],
    ).rows;
    expect(rows).toEqual([
      {
        country: 'US',
        region: 'Maine',
        city: 'Portland',
        sessions: 2,
        leads: 0,
        customers: 0,
        revenue: {},
      },
      {
        country: 'US',
        region: 'Oregon',
        city: 'Portland',
        sessions: 1,
        leads: 0,
        customers: 0,
        revenue: {},
      },
    ]);
    const byRegion = locationsView('region', [{ ...place('DE', 'Bavaria'), sessions: 1 }], [], []);
    expect(byRegion.rows).toEqual([
      { country: 'DE', region: 'Bavaria', sessions: 1, leads: 0, customers: 0, revenue: {} },
    ]);
  });
});
