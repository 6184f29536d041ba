import { type FunnelStage, type FunnelStageName, funnelStages } from '@leadloop/schema';

// The funnel report: counts per stage as the database gives them, each with its rate from the
// stage before. Stages past `leads` are the cohort's: of the leads created in the range, those
// that reached the stage — so each is a subset of the one before it.

export type FunnelCounts = Record<FunnelStageName, number>;

/** The lifecycle ranks the database compares ('lost' ranks 0: it is no stage). */
export const STAGE_RANKS = { lead: 1, mql: 2, sql: 3, opportunity: 4, customer: 5 } as const;

/** `count` over `previous` to 4 decimals; null when there is nothing to take a share of. */
export function rateOf(count: number, previous: number): number | null {
  return previous === 0 ? null : Math.round((count / previous) * 10_000) / 10_000;
}

export function funnelView(counts: FunnelCounts): FunnelStage[] {
  return funnelStages.map((stage, index) => {
    const previous = index === 0 ? undefined : funnelStages[index - 1]!;
    return {
      stage,
      count: counts[stage],
      rate: previous === undefined ? null : rateOf(counts[stage], counts[previous]),
    };
  });
}
