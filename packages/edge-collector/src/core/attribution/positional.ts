// Rule-based models as exact integer weights over n touches (n ≥ 1), by position only.
//
// Degenerate cases, one rule for all the shaped models: the named touches ("milestones": first,
// last, and the lead / opportunity creation touches) take their share, the other touches split the
// rest equally, and when there is no other touch the milestones take everything in proportion to
// their own shares. Milestones that fall on the same touch count once: the distinct milestone
// touches split the milestone share equally. So position_based gives 1 touch → 100, 2 → 50/50;
// w_shaped and full_path give equal shares whenever every touch is a milestone (n ≤ 3 and n ≤ 4
// with the default markers), and a w_shaped path whose lead touch is its first is U-shaped 45/10/45.

/** Checks a marker index, or gives the default when there is none. */
function marker(n: number, index: number | undefined, fallback: number, name: string): number {
  if (index === undefined) return fallback;
  if (!Number.isInteger(index) || index < 0 || index >= n) {
    throw new RangeError(`${name} ${index} is not a touch of a ${n}-touch path`);
  }
  return index;
}

/** Distinct `milestones` split `milestoneShare` equally; the other touches split `restShare`. */
function milestoneShape(
  n: number,
  milestones: readonly number[],
  milestoneShare: bigint,
  restShare: bigint,
): bigint[] {
  const named = new Set(milestones);
  const k = BigInt(named.size);
  const r = BigInt(n - named.size);
  if (r === 0n) return Array.from({ length: n }, () => 1n);
  // Milestone share M/k and rest share R/r, both multiplied by k·r.
  return Array.from({ length: n }, (_, i) => (named.has(i) ? milestoneShare * r : restShare * k));
}

/** First takes `first`, last takes `last`, the middle touches split `middle` equally. */
function endsShape(n: number, first: bigint, last: bigint, middle: bigint): bigint[] {
  if (n === 1) return [1n];
  const m = BigInt(n - 2);
  if (m === 0n) return [first, last];
  // Shares first, last and middle/m, all multiplied by m.
  return Array.from({ length: n }, (_, i) =>
    i === 0 ? first * m : i === n - 1 ? last * m : middle,
  );
}

function one(n: number, at: number): bigint[] {
  return Array.from({ length: n }, (_, i) => (i === at ? 1n : 0n));
}

export const firstTouch = (n: number): bigint[] => one(n, 0);

export const lastTouch = (n: number): bigint[] => one(n, n - 1);

/** The last touch that is not direct; a path of direct touches only credits its last. */
export function lastNonDirect(direct: readonly boolean[]): bigint[] {
  const at = direct.lastIndexOf(false);
  return one(direct.length, at === -1 ? direct.length - 1 : at);
}

export const linear = (n: number): bigint[] => Array.from({ length: n }, () => 1n);

/** U-shaped: 40 first, 40 last, 20 over the middle. */
export const positionBased = (n: number): bigint[] => milestoneShape(n, [0, n - 1], 80n, 20n);

/**
 * 30 first, 30 the lead creation touch, 30 last, 10 over the rest. The lead touch defaults to
 * the middle one (the earlier of two middles).
 */
export function wShaped(n: number, leadIndex?: number): bigint[] {
  const lead = marker(n, leadIndex, Math.floor((n - 1) / 2), 'leadIndex');
  return milestoneShape(n, [0, lead, n - 1], 90n, 10n);
}

/**
 * 22.5 each to first, lead creation, opportunity creation and last touch, 10 over the rest. The
 * markers default to the touches nearest a third and two thirds of the way.
 */
export function fullPath(n: number, leadIndex?: number, opportunityIndex?: number): bigint[] {
  const lead = marker(n, leadIndex, Math.round((n - 1) / 3), 'leadIndex');
  const opportunity = marker(
    n,
    opportunityIndex,
    Math.round((2 * (n - 1)) / 3),
    'opportunityIndex',
  );
  return milestoneShape(n, [0, lead, opportunity, n - 1], 90n, 10n);
}

/** 20 first, 60 last, 20 over the middle (2 touches: 25/75). */
export const jShaped = (n: number): bigint[] => endsShape(n, 20n, 60n, 20n);

/** 60 first, 20 last, 20 over the middle (2 touches: 75/25). */
export const inverseJ = (n: number): bigint[] => endsShape(n, 60n, 20n, 20n);
