import type { LocationLevel, LocationRow, LocationsReport } from '@leadloop/schema';
import { toMajorUnits } from './money.ts';

// Places that produce customers: the database counts sessions, leads and customers per place and
// sums revenue per place and currency (minor units); here the three are joined on the place,
// money becomes major units, and places are ranked.

/** A place as deep as the report goes: the fields below `by` are null. */
export type Place = { country: string | null; region: string | null; city: string | null };

export type PlaceSessions = Place & { sessions: number };
export type PlaceLeads = Place & { leads: number; customers: number };
export type PlaceRevenue = Place & { currency: string; minor: number };

/** Which place fields a level keeps. */
export const PLACE_FIELDS: Record<LocationLevel, readonly (keyof Place)[]> = {
  country: ['country'],
  region: ['country', 'region'],
  city: ['country', 'region', 'city'],
};

type Figures = { sessions: number; leads: number; customers: number; revenue: Map<string, number> };

const majorUnits = (minorByCurrency: Map<string, number>): Record<string, number> =>
  Object.fromEntries(
    [...minorByCurrency]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([currency, minor]) => [currency, toMajorUnits(minor, currency)]),
  );

/** Unknown places (null) sort after known ones. */
const compareText = (a: string | null | undefined, b: string | null | undefined) =>
  a === b ? 0 : a == null ? 1 : b == null ? -1 : a < b ? -1 : 1;

export function locationsView(
  by: LocationLevel,
  sessions: readonly PlaceSessions[],
  leads: readonly PlaceLeads[],
  revenue: readonly PlaceRevenue[],
): Pick<LocationsReport, 'rows' | 'totals'> {
  const fields = PLACE_FIELDS[by];
  const places = new Map<string, { place: Partial<Place>; figures: Figures }>();
  const totals: Figures = { sessions: 0, leads: 0, customers: 0, revenue: new Map() };
  const at = (row: Place) => {
    const place = Object.fromEntries(fields.map((field) => [field, row[field] ?? null]));
    const key = JSON.stringify(fields.map((field) => place[field]));
    let entry = places.get(key);
    if (!entry) {
      entry = { place, figures: { sessions: 0, leads: 0, customers: 0, revenue: new Map() } };
      places.set(key, entry);
    }
    return entry.figures;
  };
  for (const row of sessions) {
    at(row).sessions += row.sessions;
    totals.sessions += row.sessions;
  }
  for (const row of leads) {
    const figures = at(row);
    figures.leads += row.leads;
    figures.customers += row.customers;
    totals.leads += row.leads;
    totals.customers += row.customers;
  }
  for (const row of revenue) {
    for (const sums of [at(row).revenue, totals.revenue])
      sums.set(row.currency, (sums.get(row.currency) ?? 0) + row.minor);
  }

  const rows = [...places.values()]
    .sort(
      (a, b) =>
        b.figures.customers - a.figures.customers ||
        b.figures.leads - a.figures.leads ||
        b.figures.sessions - a.figures.sessions ||
        compareText(a.place.country, b.place.country) ||
        compareText(a.place.region, b.place.region) ||
        compareText(a.place.city, b.place.city),
    )
    .map(
      ({ place, figures }): LocationRow => ({
        country: place.country ?? null,
        ...place,
        sessions: figures.sessions,
        leads: figures.leads,
        customers: figures.customers,
        revenue: majorUnits(figures.revenue),
      }),
    );
  return {
    rows,
    totals: {
      sessions: totals.sessions,
      leads: totals.leads,
      customers: totals.customers,
      revenue: majorUnits(totals.revenue),
    },
  };
}
