import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CREDIT_SCALE, splitAmount } from './credit.ts';
import { fitMarkov, type MarkovPath } from './markov.ts';
import { ATTRIBUTION_MODELS, attribute, type ConversionPath } from './models.ts';

const CHANNELS = ['Direct', 'Organic Search', 'Paid Search', 'Email', 'Referral', 'Paid Social'];
const channel = fc.constantFrom(...CHANNELS);
const markovPath: fc.Arbitrary<MarkovPath> = fc.record({
  channels: fc.array(channel, { maxLength: 12 }),
  converted: fc.boolean(),
});

const conversion: fc.Arbitrary<ConversionPath> = fc
  .array(fc.record({ at: fc.integer({ min: 0, max: 200 * 86_400_000 }), channel }), {
    minLength: 1,
    maxLength: 30,
  })
  .chain((touches) =>
    fc.record({
      touches: fc.constant(touches.sort((a, b) => a.at - b.at)),
      convertedAt: fc.integer({ min: 0, max: 250 * 86_400_000 }),
      leadIndex: fc.option(fc.nat(touches.length - 1), { nil: undefined }),
      opportunityIndex: fc.option(fc.nat(touches.length - 1), { nil: undefined }),
    }),
  );

describe('every model, for any path', () => {
  it('gives non-negative integer credits summing to exactly one, and splits revenue exactly', () => {
    fc.assert(
      fc.property(
        conversion,
        fc.array(markovPath, { maxLength: 20 }),
        fc.integer({ min: 1, max: 90 * 86_400_000 }),
        fc.maxSafeInteger(),
        (path, fitted, halfLifeMs, revenue) => {
          const markov = fitMarkov(fitted);
          for (const model of ATTRIBUTION_MODELS) {
            const { credits, weights } = attribute(model, path, { markov, halfLifeMs });
            expect(credits).toHaveLength(path.touches.length);
            expect(credits.every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
            expect(credits.reduce((a, b) => a + b, 0)).toBe(CREDIT_SCALE);
            const parts = splitAmount(revenue, weights);
            expect(parts.every(Number.isSafeInteger)).toBe(true);
            expect(parts.reduce((a, b) => a + BigInt(b), 0n)).toBe(BigInt(revenue));
            // each part within one unit of its exact share revenue · w / Σw
            const total = weights.reduce((a, b) => a + b, 0n);
            parts.forEach((part, i) => {
              const gap = BigInt(part) * total - BigInt(revenue) * weights[i]!;
              expect(gap < total && -gap < total).toBe(true);
            });
          }
        },
      ),
    );
  });
});

/** P(conversion) with `removed` sent to null, by plain value iteration over the raw counts. */
function conversionByIteration(paths: readonly MarkovPath[], removed?: string): number {
  const counts = new Map<string, Map<string, number>>();
  for (const { channels, converted } of paths) {
    const states = ['(start)', ...channels, converted ? '(conversion)' : '(null)'];
    for (let i = 0; i + 1 < states.length; i++) {
      const row = counts.get(states[i]!) ?? new Map<string, number>();
      row.set(states[i + 1]!, (row.get(states[i + 1]!) ?? 0) + 1);
      counts.set(states[i]!, row);
    }
  }
  const h = new Map<string, number>([['(conversion)', 1]]);
  for (let sweep = 0; sweep < 200_000; sweep++) {
    let change = 0;
    for (const [from, row] of counts) {
      if (from === removed) continue;
      let total = 0;
      let sum = 0;
      for (const [to, n] of row) {
        total += n;
        sum += n * (to === removed ? 0 : (h.get(to) ?? 0));
      }
      change = Math.max(change, Math.abs(sum / total - (h.get(from) ?? 0)));
      h.set(from, sum / total);
    }
    if (change < 1e-15) break;
  }
  return h.get('(start)') ?? 0;
}

describe('data_driven removal effects', () => {
  it('match re-solving the chain with each channel removed', () => {
    fc.assert(
      fc.property(fc.array(markovPath, { minLength: 1, maxLength: 15 }), (paths) => {
        const model = fitMarkov(paths);
        const p = conversionByIteration(paths);
        expect(model.conversionProbability).toBeCloseTo(p, 9);
        for (const [c, effect] of model.removalEffects) {
          const expected = p > 0 ? 1 - conversionByIteration(paths, c) / p : 0;
          expect(effect).toBeCloseTo(expected, 9);
        }
      }),
    );
  });
});
