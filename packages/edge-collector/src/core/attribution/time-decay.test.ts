import { describe, expect, it } from 'vitest';
import { attribute } from './models.ts';
import { timeDecay } from './time-decay.ts';

const DAY = 86_400_000;
const at = (...daysBefore: number[]) => ({
  convertedAt: 100 * DAY,
  touches: daysBefore.map((d) => ({ at: (100 - d) * DAY, channel: 'Email' })),
});

describe('time_decay', () => {
  it('halves a touch per half-life (7 days by default) before the conversion', () => {
    // ages 14, 7, 0 days → 1/4, 1/2, 1; total 7/4 → 1/7, 2/7, 4/7
    // = 142857.14, 285714.29, 571428.57 → 999999 in floors, +1 to the .57
    expect(attribute('time_decay', at(14, 7, 0)).credits).toEqual([142_857, 285_714, 571_429]);
    // ages 28, 21, 14, 7, 0 → 1, 2, 4, 8, 16 over 31: 32258.06, 64516.13, 129032.26,
    // 258064.52, 516129.03 → floors sum to 999999, +1 to the .52
    expect(attribute('time_decay', at(28, 21, 14, 7, 0)).credits).toEqual([
      32_258, 64_516, 129_032, 258_065, 516_129,
    ]);
  });

  it('takes the half-life as a parameter', () => {
    // half-life 1 day, ages 2 and 0 → 1/4 : 1 → 1/5, 4/5
    expect(attribute('time_decay', at(2, 0), { halfLifeMs: DAY }).credits).toEqual([
      200_000, 800_000,
    ]);
  });

  it('is linear when every touch is as old, and never underflows on old paths', () => {
    expect(attribute('time_decay', at(3, 3)).credits).toEqual([500_000, 500_000]);
    // 10000 and 10007 days old: 2^-1428 underflows, the ratio 2 : 1 does not
    expect(timeDecay([0, 7 * DAY], 10_007 * DAY)).toEqual([2n ** 51n, 2n ** 52n]);
  });

  it('counts a touch stamped after the conversion as age 0', () => {
    // ages 7 and 0 → 1/2 : 1 → 333333.33, 666666.67 → +1 to the .67
    expect(attribute('time_decay', at(7, -1)).credits).toEqual([333_333, 666_667]);
  });

  it('refuses a half-life that is not positive', () => {
    expect(() => timeDecay([0], 1, 0)).toThrow(RangeError);
    expect(() => timeDecay([0], 1, Number.NaN)).toThrow(RangeError);
  });
});
