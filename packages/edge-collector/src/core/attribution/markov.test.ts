import { describe, expect, it } from 'vitest';
import { creditsOf } from './credit.ts';
import { fitMarkov, markovCounts, markovWeights } from './markov.ts';
import { attribute } from './models.ts';

const effects = (model: ReturnType<typeof fitMarkov>) => Object.fromEntries(model.removalEffects);
const touches = (...channels: string[]) => channels.map((channel, i) => ({ at: i, channel }));

describe('data_driven: Markov removal effect', () => {
  // The textbook three paths:
  //   C1 → C2 → C3 → conversion
  //   C1 → null
  //   C2 → C3 → null
  // Transitions: start → C1 2/3, start → C2 1/3; C1 → C2 1/2, C1 → null 1/2; C2 → C3 1;
  // C3 → conversion 1/2, C3 → null 1/2.
  // P(conversion) = 2/3 · 1/2 · 1 · 1/2 + 1/3 · 1 · 1/2 = 1/6 + 1/6 = 1/3.
  // Without C1: only start → C2 → C3 → conversion = 1/3 · 1/2 = 1/6 → effect 1 − (1/6)/(1/3) = 1/2.
  // Without C2 or C3 nothing converts → effect 1 each.
  // Credits of path 1: effects 1/2 + 1 + 1 = 5/2 → C1 1/5, C2 2/5, C3 2/5.
  const textbook = fitMarkov([
    { channels: ['C1', 'C2', 'C3'], converted: true },
    { channels: ['C1'], converted: false },
    { channels: ['C2', 'C3'], converted: false },
  ]);

  it('fits the same chain from transition counts, in any order, as a database aggregates them', () => {
    const counts = markovCounts();
    // The textbook paths as counted transitions, non-converting ones first and shuffled.
    counts.addTransitions('C3', { end: 'null' }, 1);
    counts.addTransitions(null, 'C2', 1);
    counts.addTransitions('C2', 'C3', 1);
    counts.addTransitions('C1', { end: 'null' }, 1);
    counts.addTransitions(null, 'C1', 1);
    counts.addTransitions('C2', 'C2', 5); // a repeat: ignored, as in paths
    counts.addPath(['C1', 'C2', 'C3'], true);
    const fitted = counts.fit();
    expect(fitted.conversionProbability).toBe(textbook.conversionProbability);
    expect(effects(fitted)).toEqual(effects(textbook));
  });

  it('computes the textbook removal effects', () => {
    expect(textbook.conversionProbability).toBeCloseTo(1 / 3, 12);
    const e = effects(textbook);
    expect(e.C1).toBeCloseTo(0.5, 12);
    expect(e.C2).toBeCloseTo(1, 12);
    expect(e.C3).toBeCloseTo(1, 12);
  });

  it('credits a converting path by its channels’ share of the effects', () => {
    const { credits } = attribute(
      'data_driven',
      { touches: touches('C1', 'C2', 'C3'), convertedAt: 9 },
      { markov: textbook },
    );
    expect(credits).toEqual([200_000, 400_000, 400_000]);
    // C2 → C3 only: 1 : 1
    expect(creditsOf(markovWeights(textbook, ['C2', 'C3']))).toEqual([500_000, 500_000]);
  });

  // A cycle and a repeated channel:
  //   A → B → A → conversion
  //   B → null
  //   A → A → null          (A → A changes nothing: read as A → null)
  // Transitions: start → A 2/3, start → B 1/3; A → B, A → conversion, A → null 1/3 each;
  // B → A 1/2, B → null 1/2.
  // h(A) = 1/3 h(B) + 1/3 and h(B) = 1/2 h(A) → 5/6 h(A) = 1/3 → h(A) = 2/5, h(B) = 1/5.
  // P(conversion) = 2/3 · 2/5 + 1/3 · 1/5 = 5/15 = 1/3.
  // Without A nothing converts → effect 1.
  // Without B: h(A) = 1/3 → P = 2/3 · 1/3 = 2/9 → effect 1 − (2/9)/(1/3) = 1/3.
  // Path A → B → A: shares A 1/(4/3) = 3/4, B 1/4; A's 3/4 split over its two touches → 3/8 each.
  const cyclic = [
    { channels: ['A', 'B', 'A'], converted: true },
    { channels: ['B'], converted: false },
    { channels: ['A', 'A'], converted: false },
  ];

  it('gives a lone touch everything, and splits a channel evenly over its repeats', () => {
    expect(creditsOf(markovWeights(textbook, ['C1']))).toEqual([1_000_000]);
    // C2, C3, C2: shares C2 1/2 (split over two touches → 1/4 each), C3 1/2
    expect(creditsOf(markovWeights(textbook, ['C2', 'C3', 'C2']))).toEqual([
      250_000, 500_000, 250_000,
    ]);
    // all Direct: one channel takes the whole conversion, 1/3 per touch
    const direct = fitMarkov([
      { channels: ['Direct', 'Direct', 'Direct'], converted: true },
      { channels: ['Direct'], converted: false },
    ]);
    expect(effects(direct)).toEqual({ Direct: 1 });
    expect(creditsOf(markovWeights(direct, ['Direct', 'Direct', 'Direct']))).toEqual([
      333_334, 333_333, 333_333,
    ]);
  });

  it('handles cycles and a channel repeated on a path', () => {
    const model = fitMarkov(cyclic);
    expect(model.conversionProbability).toBeCloseTo(1 / 3, 12);
    expect(effects(model).A).toBeCloseTo(1, 12);
    expect(effects(model).B).toBeCloseTo(1 / 3, 12);
    expect(creditsOf(markovWeights(model, ['A', 'B', 'A']))).toEqual([375_000, 250_000, 375_000]);
  });

  it('reads a channel repeated in a row as one visit', () => {
    const once = fitMarkov(cyclic.map((p, i) => (i === 2 ? { ...p, channels: ['A'] } : p)));
    expect(effects(once)).toEqual(effects(fitMarkov(cyclic)));
  });

  it('credits by the grouping key the caller chose', () => {
    const byCampaign = fitMarkov([
      { channels: ['spring', 'summer'], converted: true },
      { channels: ['spring'], converted: false },
    ]);
    // spring → summer → conversion is the only way in: removing either leaves nothing → 1 : 1
    const path = {
      touches: [
        { at: 1, channel: 'Email', campaign: 'spring' },
        { at: 2, channel: 'Email', campaign: 'summer' },
      ],
      convertedAt: 3,
    };
    expect(
      attribute('data_driven', path, { markov: byCampaign, key: (t) => t.campaign }).credits,
    ).toEqual([500_000, 500_000]);
  });

  it('falls back to linear where the chain knows nothing', () => {
    const never = fitMarkov([{ channels: ['A', 'B'], converted: false }]);
    expect(never.conversionProbability).toBe(0);
    expect(effects(never)).toEqual({ A: 0, B: 0 });
    expect(creditsOf(markovWeights(never, ['A', 'B', 'C']))).toEqual([333_334, 333_333, 333_333]);
    // an unseen channel gets nothing next to one with an effect
    expect(creditsOf(markovWeights(textbook, ['C9', 'C2']))).toEqual([0, 1_000_000]);
    expect(fitMarkov([]).removalEffects.size).toBe(0);
  });

  it('needs a fitted model', () => {
    expect(() => attribute('data_driven', { touches: touches('A'), convertedAt: 1 })).toThrow(
      TypeError,
    );
  });
});
