import { describe, expect, it } from 'vitest';
import { funnelView, rateOf } from './funnel.ts';

describe('funnel', () => {
  it('gives each stage its share of the one before, to 4 decimals', () => {
    expect(
      funnelView({ sessions: 30, leads: 6, mql: 4, sql: 3, opportunity: 2, customer: 1 }),
    ).toEqual([
      { stage: 'sessions', count: 30, rate: null },
      { stage: 'leads', count: 6, rate: 0.2 },
      { stage: 'mql', count: 4, rate: 0.6667 },
      { stage: 'sql', count: 3, rate: 0.75 },
      { stage: 'opportunity', count: 2, rate: 0.6667 },
      { stage: 'customer', count: 1, rate: 0.5 },
    ]);
  });

  it('has no rate after an empty stage, and lets leads outnumber sessions', () => {
    const stages = funnelView({
      sessions: 0,
      leads: 2,
      mql: 0,
      sql: 0,
      opportunity: 0,
      customer: 0,
    });
    expect(stages.map((stage) => stage.rate)).toEqual([null, null, 0, null, null, null]);
    expect(rateOf(3, 2)).toBe(1.5);
  });
});
