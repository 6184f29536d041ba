import type {
  AttributionConversion,
  AttributionGroup,
  AttributionModel,
  AttributionReport,
} from '@leadloop/schema';
import {
  attributionRows,
  attributionTally,
  type MarkovModel,
  markovCounts,
  modelPath,
  type StoredPath,
  spendByGroup,
  type TallyRole,
} from '../core/attribution/index.ts';
import { toMajorUnits } from '../core/money.ts';
import { zonedDay } from '../core/site-time.ts';
import type { PathQuery } from '../store/attribution-store.ts';
import type { Store } from '../store/types.ts';

// An attribution report from the store: conversion paths a page at a time, folded into a tally
// per group (core/attribution/tally.ts), joined with the aggregates the database computes
// (sessions, visitors, spend). Leads and customers are always tallied, so each row shows the whole
// funnel; the chosen kind of conversion is tallied as `conversions` too (one pass when it is one
// of those two).

/** Conversions read per round trip: one row each, its touches as JSON. */
export const PATH_PAGE_SIZE = 500;

export type ReportRequest = {
  model: AttributionModel;
  groupBy: AttributionGroup;
  conversion: AttributionConversion;
  from: number;
  to: number;
  lookbackDays: number;
  currency?: string | undefined;
  timezone: string;
};

/** Every conversion of `query.stage` with its path, a page at a time. */
export async function* conversionPaths(
  store: Store,
  siteId: string,
  query: PathQuery,
  pageSize = PATH_PAGE_SIZE,
): AsyncGenerator<StoredPath> {
  let after: { at: number; id: string } | null = null;
  for (;;) {
    const page = await store.attribution.paths(siteId, query, after, pageSize);
    yield* page;
    if (page.length < pageSize) return;
    const last = page.at(-1)!;
    after = { at: last.at, id: last.id };
  }
}

/**
 * The Markov chain over channels for `stage`: its converting paths (read once more) and the
 * journeys of browsers that did not convert (counted by the database).
 */
async function fitChannelChain(store: Store, siteId: string, query: PathQuery, pageSize: number) {
  const counts = markovCounts();
  for await (const path of conversionPaths(store, siteId, query, pageSize))
    counts.addPath(
      modelPath(path).touches.map((touch) => touch.channel),
      true,
    );
  const journeys = await store.attribution.journeyTransitions(
    siteId,
    query.stage,
    query.from,
    query.to,
  );
  for (const { from, to, count } of journeys)
    counts.addTransitions(from, to === null ? { end: 'null' } : to, count);
  return counts.fit();
}

export async function attributionReport(
  store: Store,
  siteId: string,
  request: ReportRequest,
  pageSize = PATH_PAGE_SIZE,
): Promise<AttributionReport> {
  const { model, groupBy, conversion, from, to, timezone } = request;
  const fromDay = zonedDay(from, timezone);
  const toDay = zonedDay(to, timezone);
  const currency =
    request.currency ??
    (await store.attribution.reportCurrency(siteId, { from, to, fromDay, toDay }));

  const base = { groupBy, from, to, lookbackMs: request.lookbackDays * 86_400_000 };
  const passes: { stage: AttributionConversion; role: TallyRole }[] = [
    { stage: 'lead', role: { conversions: conversion === 'lead', leads: true, customers: false } },
    {
      stage: 'customer',
      role: { conversions: conversion === 'customer', leads: false, customers: true },
    },
  ];
  if (conversion === 'opportunity')
    passes.push({
      stage: 'opportunity',
      role: { conversions: true, leads: false, customers: false },
    });

  const tally = attributionTally(model, currency);
  for (const { stage, role } of passes) {
    const query: PathQuery = { ...base, stage };
    // data_driven's chain is fitted per kind of conversion, over its own journeys.
    let markov: MarkovModel | undefined;
    if (model === 'data_driven') markov = await fitChannelChain(store, siteId, query, pageSize);
    for await (const path of conversionPaths(store, siteId, query, pageSize))
      tally.add(path, role, markov);
  }

  const [traffic, spendRows] = await Promise.all([
    store.attribution.traffic(siteId, groupBy, from, to),
    currency ? store.attribution.spend(siteId, currency, fromDay, toDay) : Promise.resolve([]),
  ]);
  const { rows, totals } = attributionRows({
    groupBy,
    tally,
    traffic: new Map(traffic.groups.map(({ group, ...counts }) => [group, counts])),
    visitors: traffic.visitors,
    spend: spendByGroup(groupBy, spendRows),
    toMajor: (minor) => (currency ? toMajorUnits(minor, currency) : minor / 100),
  });
  return {
    model,
    groupBy,
    conversion,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    lookbackDays: request.lookbackDays,
    currency,
    rows,
    totals,
  };
}
