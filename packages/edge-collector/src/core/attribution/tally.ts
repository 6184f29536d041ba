// Folds conversion paths, one at a time, into per-group totals under a model: the report's memory
// is one entry per group (channels, campaigns, pages…), however many conversions stream past.
// Credits stay integers (millionths) and revenue integers (minor units) until the rows are made,
// so totals are exact and the same whatever order the paths come in.

import type { AttributionColumns, AttributionGroup, AttributionRow } from '@leadloop/schema';
import { CREDIT_SCALE, splitAmount } from './credit.ts';
import type { MarkovModel } from './markov.ts';
import { type MinuteHistogram, minuteHistogram } from './minute-histogram.ts';
import { type AttributionModel, attribute, type ConversionPath } from './models.ts';

/** The group of a conversion with no touch inside the lookback window, and of a missing value. */
export const NOT_SET = '(not set)';

export type PathTouch = { at: number; channel: string; group: string };

/** A conversion and the touches before it, oldest first, as the store reads them. */
export type StoredPath = {
  id: string;
  at: number;
  valueMinor: number | null;
  currency: string | null;
  /** When the lead was created (w_shaped and full_path's lead touch). */
  leadCreatedAt: number | null;
  /** The lead's first opportunity (full_path's opportunity touch), if any. */
  opportunityAt: number | null;
  touches: PathTouch[];
};

/** What one kind of conversion adds to the rows. */
export type TallyRole = {
  /** Count its credits as `conversions` (the kind the report is about). */
  conversions: boolean;
  /** Count its credits as `leads`. */
  leads: boolean;
  /** Count its credits as `customers` and its value as `revenue`. */
  customers: boolean;
};

type GroupTally = {
  conversions: number;
  leads: number;
  customers: number;
  revenueMinor: number;
  /** Minutes from first touch to conversion, for the median (bounded however many). */
  minutes: MinuteHistogram;
};

const emptyTally = (): GroupTally => ({
  conversions: 0,
  leads: 0,
  customers: 0,
  revenueMinor: 0,
  minutes: minuteHistogram(),
});

/** The index of the last touch at or before `at`, if any. */
function lastTouchBy(touches: readonly PathTouch[], at: number | null): number | undefined {
  if (at === null) return undefined;
  let found: number | undefined;
  touches.forEach((touch, index) => {
    if (touch.at <= at) found = index;
  });
  return found;
}

/** The path as the models see it: a conversion without touches is credited to `(not set)`. */
export function modelPath(path: StoredPath): ConversionPath<PathTouch> {
  const touches =
    path.touches.length > 0 ? path.touches : [{ at: path.at, channel: NOT_SET, group: NOT_SET }];
  return {
    touches,
    convertedAt: path.at,
    leadIndex: lastTouchBy(touches, path.leadCreatedAt),
    opportunityIndex: lastTouchBy(touches, path.opportunityAt),
  };
}

export type Tally = {
  /** Credits one conversion's path to its groups (data_driven: under the chain of its kind). */
  add(path: StoredPath, role: TallyRole, markov?: MarkovModel): void;
  readonly groups: ReadonlyMap<string, GroupTally>;
  readonly total: GroupTally;
};

/**
 * An empty tally for `model`. Revenue counts only values in `currency` (one report, one
 * currency); data_driven needs the chain its paths' channels were fitted to.
 */
export function attributionTally(model: AttributionModel, currency: string | null): Tally {
  const groups = new Map<string, GroupTally>();
  const total = emptyTally();
  const groupOf = (key: string) => {
    let tally = groups.get(key);
    if (!tally) {
      tally = emptyTally();
      groups.set(key, tally);
    }
    return tally;
  };

  return {
    groups,
    total,
    add(stored, role, markov) {
      const path = modelPath(stored);
      const { weights, credits } = attribute(model, path, { markov });
      const revenue =
        role.customers && stored.valueMinor !== null && stored.currency === currency
          ? splitAmount(stored.valueMinor, weights)
          : null;
      const minutes =
        role.conversions && stored.touches.length > 0
          ? Math.max(0, Math.floor((stored.at - stored.touches[0]!.at) / 60_000))
          : null;
      const credited = new Set<string>();
      path.touches.forEach((touch, index) => {
        const credit = credits[index]!;
        const tally = groupOf(touch.group);
        if (role.conversions) tally.conversions += credit;
        if (role.leads) tally.leads += credit;
        if (role.customers) tally.customers += credit;
        if (revenue) tally.revenueMinor += revenue[index]!;
        if (credit > 0) credited.add(touch.group);
      });
      if (minutes !== null) {
        for (const group of credited) groupOf(group).minutes.add(minutes);
        total.minutes.add(minutes);
      }
      if (role.conversions) total.conversions += CREDIT_SCALE;
      if (role.leads) total.leads += CREDIT_SCALE;
      if (role.customers) total.customers += CREDIT_SCALE;
      if (revenue) total.revenueMinor += stored.valueMinor!;
    },
  };
}

const round = (value: number, digits = 6) => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};
const ratio = (numerator: number, denominator: number) =>
  denominator > 0 ? round(numerator / denominator) : null;

export type GroupTraffic = { sessions: number; visitors: number };

/** What the rows are made from besides the tally. */
export type RowInputs = {
  groupBy: AttributionGroup;
  tally: Tally;
  traffic: ReadonlyMap<string, GroupTraffic>;
  /** Distinct browsers over all groups (a browser can land through several). */
  visitors: number;
  /** Spend per group in minor units of the report's currency; null when the grouping has none. */
  spend: ReadonlyMap<string, number> | null;
  /** Minor units → major units of the report's currency. */
  toMajor: (minor: number) => number;
};

function columns(
  tally: GroupTally,
  traffic: GroupTraffic,
  spendMinor: number | null,
  toMajor: (minor: number) => number,
): AttributionColumns {
  const leads = tally.leads / CREDIT_SCALE;
  const customers = tally.customers / CREDIT_SCALE;
  const revenue = toMajor(tally.revenueMinor);
  const cost = spendMinor === null ? null : toMajor(spendMinor);
  const perCost = (value: number) => (cost ? ratio(value, cost) : null);
  const median = tally.minutes.median();
  return {
    conversions: tally.conversions / CREDIT_SCALE,
    revenue,
    sessions: traffic.sessions,
    visitors: traffic.visitors,
    leads,
    visitToLeadRate: ratio(leads, traffic.sessions),
    customers,
    leadToCustomerRate: ratio(customers, leads),
    cost,
    costPerLead: cost === null ? null : ratio(cost, leads),
    costPerCustomer: cost === null ? null : ratio(cost, customers),
    roas: perCost(revenue),
    roi: cost ? round((revenue - cost) / cost) : null,
    medianHoursToConvert: median === null ? null : round(median / 60, 4),
  };
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The report's rows — every group with traffic, credit or spend — most conversions first, then
 * most sessions, then by key; and the totals over all of them.
 */
export function attributionRows({ groupBy, tally, traffic, visitors, spend, toMajor }: RowInputs): {
  rows: AttributionRow[];
  totals: AttributionColumns;
} {
  const keys = new Set([...traffic.keys(), ...tally.groups.keys(), ...(spend?.keys() ?? [])]);
  const noTraffic = { sessions: 0, visitors: 0 };
  const rows = [...keys]
    .map((key) => ({
      key,
      columns: columns(
        tally.groups.get(key) ?? emptyTally(),
        traffic.get(key) ?? noTraffic,
        spend ? (spend.get(key) ?? 0) : null,
        toMajor,
      ),
    }))
    .sort(
      (a, b) =>
        b.columns.conversions - a.columns.conversions ||
        b.columns.sessions - a.columns.sessions ||
        byCodePoint(a.key, b.key),
    )
    .map(({ key, columns: values }): AttributionRow => ({ [groupBy]: key, ...values }));
  let sessions = 0;
  for (const group of traffic.values()) sessions += group.sessions;
  let spent: number | null = null;
  if (spend) {
    spent = 0;
    for (const amount of spend.values()) spent += amount;
  }
  return { rows, totals: columns(tally.total, { sessions, visitors }, spent, toMajor) };
}
