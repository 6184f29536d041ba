// First-order Markov chain attribution, written from the formula. States: start, one per channel
// (the caller's grouping key), and the absorbing conversion and null. Transition probabilities are
// counted over all paths, converting and not. The removal effect of channel c is
// 1 − P(conversion | c removed) / P(conversion), where removing c sends every transition into c
// to null.
//
// With h = absorption probabilities into conversion and N = (I − Q)⁻¹ the fundamental matrix,
// P(conversion) = h[start], and a walk reaches c at all with probability N[start][c] / N[c][c];
// from there it converts with probability h[c]. The walks that avoid c are exactly those that still
// convert with c removed, so P(conversion | c removed) = h[start] − N[start][c] / N[c][c] · h[c],
// and one inversion gives every removal effect (instead of one solve per channel).
//
// A channel repeated in a row (c → c) is left out of the counts: a self-loop changes how long a
// walk stays in c but not where it is absorbed, so h and every removal effect stay the same.
import { quantise } from './credit.ts';
import { invert } from './matrix.ts';
import { linear } from './positional.ts';

export type MarkovPath = { readonly channels: readonly string[]; readonly converted: boolean };

export type MarkovModel = {
  /** P(conversion) from the start state over all the fitted paths. */
  readonly conversionProbability: number;
  /** Per channel seen: 1 − P(conversion | channel removed) / P(conversion), in [0, 1]. */
  readonly removalEffects: ReadonlyMap<string, number>;
};

const CONVERSION = -1;
const NULL = -2;

/** Transition counts between channels, from paths or from counts a database aggregated. */
export type MarkovCounts = {
  /** One journey: its channels in order, ending in conversion or not. */
  addPath(channels: readonly string[], converted: boolean): void;
  /**
   * `n` transitions from `from` (null: the start) to `to` (`'conversion'` or `'null'`: the
   * absorbing states). Self-transitions are ignored, as addPath ignores them.
   */
  addTransitions(from: string | null, to: string | { end: 'conversion' | 'null' }, n: number): void;
  /** The chain fitted to everything added. */
  fit(): MarkovModel;
};

/** An empty set of transition counts. */
export function markovCounts(): MarkovCounts {
  const index = new Map<string, number>(); // channel → state; state 0 is start
  const out: Map<number, number>[] = [new Map()];
  let journeys = 0;
  const stateOf = (channel: string) => {
    let state = index.get(channel);
    if (state === undefined) {
      state = out.length;
      index.set(channel, state);
      out.push(new Map());
    }
    return state;
  };
  const count = (from: number, to: number, n = 1) => {
    if (from === to) return;
    const row = out[from]!;
    row.set(to, (row.get(to) ?? 0) + n);
  };
  return {
    addPath(channels, converted) {
      let from = 0;
      for (const channel of channels) {
        const to = stateOf(channel);
        count(from, to);
        from = to;
      }
      count(from, converted ? CONVERSION : NULL);
      journeys += 1;
    },
    addTransitions(from, to, n) {
      if (n <= 0) return;
      const source = from === null ? 0 : stateOf(from);
      const target =
        typeof to === 'string' ? stateOf(to) : to.end === 'conversion' ? CONVERSION : NULL;
      count(source, target, n);
      if (typeof to !== 'string') journeys += n;
    },
    fit: () => solve(index, out, journeys),
  };
}

/**
 * Fits the chain to converting and non-converting paths.
 *
 * @example
 * const model = fitMarkov([{ channels: ['Email', 'Paid Search'], converted: true }]);
 * model.removalEffects.get('Email'); // 1
 */
export function fitMarkov(paths: readonly MarkovPath[]): MarkovModel {
  const counts = markovCounts();
  for (const path of paths) counts.addPath(path.channels, path.converted);
  return counts.fit();
}

function solve(
  index: Map<string, number>,
  out: Map<number, number>[],
  journeys: number,
): MarkovModel {
  if (journeys === 0) return { conversionProbability: 0, removalEffects: new Map() };

  // States in channel-name order, whatever order the counts came in: the elimination then does
  // the same floating-point steps for the same counts, so both databases give identical credits.
  const sorted = [...index.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const position = new Map<number, number>([
    [0, 0],
    ...sorted.map(([, state], i): [number, number] => [state, i + 1]),
  ]);
  const m = out.length;
  const a = new Float64Array(m * m); // I − Q
  const r = new Float64Array(m); // one-step probability into conversion
  out.forEach((row, state) => {
    const i = position.get(state)!;
    let total = 0;
    for (const n of row.values()) total += n;
    a[i * m + i] = 1;
    for (const [to, n] of [...row].sort(([x], [y]) => x - y)) {
      if (to === CONVERSION) r[i] = n / total;
      else if (to !== NULL) a[i * m + position.get(to)!]! -= n / total;
    }
  });
  const fundamental = invert(a, m);
  const h = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let sum = 0;
    for (let j = 0; j < m; j++) sum += fundamental[i * m + j]! * r[j]!;
    h[i] = sum;
  }
  const conversion = h[0]!;
  const removalEffects = new Map<string, number>();
  for (const [channel, state] of index) {
    const c = position.get(state)!;
    const reach = fundamental[c]! / fundamental[c * m + c]!; // row 0 is start
    const effect = conversion > 0 ? (reach * h[c]!) / conversion : 0;
    removalEffects.set(channel, Math.min(1, Math.max(0, effect)));
  }
  return { conversionProbability: conversion, removalEffects };
}

/**
 * Weights of one path's touches (its channels in order): each channel's removal effect, as a share
 * of the effects of the distinct channels on the path, split equally among that channel's touches.
 * A channel the model has not seen has effect 0; a path whose channels all have effect 0 (or a
 * model fitted without conversions) falls back to linear.
 */
export function markovWeights(model: MarkovModel, channels: readonly string[]): bigint[] {
  const touches = new Map<string, number>();
  for (const channel of channels) touches.set(channel, (touches.get(channel) ?? 0) + 1);
  const weights = channels.map(
    (channel) => (model.removalEffects.get(channel) ?? 0) / touches.get(channel)!,
  );
  return weights.some((w) => w > 0) ? quantise(weights) : linear(channels.length);
}
