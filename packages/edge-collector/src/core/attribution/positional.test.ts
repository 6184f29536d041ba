import { describe, expect, it } from 'vitest';
import { type AttributionModel, attribute, type ConversionPath, type Touch } from './models.ts';

const DAY = 86_400_000;
/** A path of touches one day apart on these channels, converting a day after the last. */
function path(channels: string[], markers: Partial<ConversionPath> = {}): ConversionPath<Touch> {
  return {
    touches: channels.map((channel, i) => ({ at: i * DAY, channel, campaign: `c${i}` })),
    convertedAt: channels.length * DAY,
    ...markers,
  };
}
const five = path(['Organic Search', 'Email', 'Direct', 'Paid Social', 'Paid Search']);
const credits = (model: AttributionModel, p: ConversionPath<Touch>) => attribute(model, p).credits;

describe('rule-based models (credits in millionths)', () => {
  it('give a lone touch everything, whatever the model', () => {
    for (const model of [
      'first_touch',
      'last_touch',
      'last_non_direct',
      'linear',
      'position_based',
      'w_shaped',
      'full_path',
      'j_shaped',
      'inverse_j',
      'time_decay',
    ] as const) {
      expect(credits(model, path(['Email']))).toEqual([1_000_000]);
    }
  });

  it('first_touch and last_touch', () => {
    expect(credits('first_touch', five)).toEqual([1_000_000, 0, 0, 0, 0]);
    expect(credits('last_touch', five)).toEqual([0, 0, 0, 0, 1_000_000]);
    expect(credits('last_touch', path(['Email', 'Direct']))).toEqual([0, 1_000_000]);
  });

  it('last_non_direct skips trailing Direct touches; all Direct credits the last', () => {
    const trailing = path(['Organic Search', 'Paid Search', 'Direct', 'Direct']);
    expect(credits('last_non_direct', trailing)).toEqual([0, 1_000_000, 0, 0]);
    expect(credits('last_non_direct', path(['Direct', 'Email']))).toEqual([0, 1_000_000]);
    expect(credits('last_non_direct', path(['Direct', 'Direct', 'Direct']))).toEqual([
      0, 0, 1_000_000,
    ]);
    expect(credits('last_non_direct', five)).toEqual([0, 0, 0, 0, 1_000_000]);
  });

  it('linear', () => {
    expect(credits('linear', path(['Email', 'Direct']))).toEqual([500_000, 500_000]);
    // 1/3 = 333333.33… each: floors sum to 999999, the one left goes to the first
    expect(credits('linear', path(['Direct', 'Direct', 'Direct']))).toEqual([
      333_334, 333_333, 333_333,
    ]);
    expect(credits('linear', five)).toEqual([200_000, 200_000, 200_000, 200_000, 200_000]);
  });

  it('position_based: 40 / 20 over the middle / 40', () => {
    expect(credits('position_based', path(['Email', 'Direct']))).toEqual([500_000, 500_000]);
    expect(credits('position_based', path(['Email', 'Direct', 'Referral']))).toEqual([
      400_000, 200_000, 400_000,
    ]);
    // middle: 20 / 3 = 6.666…% = 66666.67 each → 66666 × 3 = 199998, +1 to the first two
    expect(credits('position_based', five)).toEqual([400_000, 66_667, 66_667, 66_666, 400_000]);
  });

  it('w_shaped: 30 first / 30 lead touch / 30 last / 10 over the rest', () => {
    expect(credits('w_shaped', path(['Email', 'Direct']))).toEqual([500_000, 500_000]);
    // every touch is a milestone: 90 / 3 each
    expect(credits('w_shaped', path(['Email', 'Direct', 'Referral']))).toEqual([
      333_334, 333_333, 333_333,
    ]);
    // 4 touches, lead defaults to index ⌊3/2⌋ = 1: 30, 30, 10, 30
    expect(credits('w_shaped', path(['Email', 'Direct', 'Referral', 'Email']))).toEqual([
      300_000, 300_000, 100_000, 300_000,
    ]);
    // 5 touches, lead defaults to index 2: 30, 10/2, 30, 10/2, 30
    expect(credits('w_shaped', five)).toEqual([300_000, 50_000, 300_000, 50_000, 300_000]);
    // lead given as index 3: 30, 10/2, 10/2, 30, 30
    expect(credits('w_shaped', { ...five, leadIndex: 3 })).toEqual([
      300_000, 50_000, 50_000, 300_000, 300_000,
    ]);
    // lead touch is the first: milestones {0, 4} split 90 → 45 each; 10/3 = 33333.33 each
    expect(credits('w_shaped', { ...five, leadIndex: 0 })).toEqual([
      450_000, 33_334, 33_333, 33_333, 450_000,
    ]);
  });

  it('full_path: 22.5 × (first, lead, opportunity, last), 10 over the rest', () => {
    expect(credits('full_path', path(['Email', 'Direct']))).toEqual([500_000, 500_000]);
    expect(credits('full_path', path(['Email', 'Direct', 'Referral']))).toEqual([
      333_334, 333_333, 333_333,
    ]);
    // 4 touches, markers default to round(3/3) = 1 and round(6/3) = 2: all milestones, 25 each
    expect(credits('full_path', path(['Email', 'Direct', 'Referral', 'Email']))).toEqual([
      250_000, 250_000, 250_000, 250_000,
    ]);
    // 5 touches, markers default to round(4/3) = 1 and round(8/3) = 3: 22.5 × 4 and 10 to index 2
    expect(credits('full_path', five)).toEqual([225_000, 225_000, 100_000, 225_000, 225_000]);
    // 6 touches, lead 2, opportunity 3: 22.5 at 0, 2, 3, 5; 10 / 2 at 1 and 4
    const six = path(['Email', 'Direct', 'Referral', 'Email', 'Direct', 'Paid Search'], {
      leadIndex: 2,
      opportunityIndex: 3,
    });
    expect(credits('full_path', six)).toEqual([225_000, 50_000, 225_000, 225_000, 50_000, 225_000]);
    // lead and opportunity on the same touch: three milestones at 30 each, 10 / 2 for the others
    expect(credits('full_path', { ...five, leadIndex: 2, opportunityIndex: 2 })).toEqual([
      300_000, 50_000, 300_000, 50_000, 300_000,
    ]);
    expect(() => credits('full_path', { ...five, opportunityIndex: 5 })).toThrow(RangeError);
  });

  it('j_shaped (20 / 20 middle / 60) and inverse_j (60 / 20 middle / 20)', () => {
    // two touches: 20 : 60 → 1/4, 3/4
    expect(credits('j_shaped', path(['Email', 'Direct']))).toEqual([250_000, 750_000]);
    expect(credits('inverse_j', path(['Email', 'Direct']))).toEqual([750_000, 250_000]);
    expect(credits('j_shaped', path(['Email', 'Direct', 'Referral']))).toEqual([
      200_000, 200_000, 600_000,
    ]);
    expect(credits('inverse_j', path(['Email', 'Direct', 'Referral']))).toEqual([
      600_000, 200_000, 200_000,
    ]);
    // middle: 20 / 3 = 66666.67 each → +1 to the first two
    expect(credits('j_shaped', five)).toEqual([200_000, 66_667, 66_667, 66_666, 600_000]);
    expect(credits('inverse_j', five)).toEqual([600_000, 66_667, 66_667, 66_666, 200_000]);
  });

  it('treat an all-Direct path like any other path', () => {
    const direct = path(['Direct', 'Direct', 'Direct', 'Direct', 'Direct']);
    // only last_non_direct reads the channel; it credits the last touch (tested above)
    const byPosition = ['first_touch', 'last_touch', 'linear', 'position_based', 'w_shaped'];
    for (const model of [...byPosition, 'full_path', 'j_shaped', 'inverse_j', 'time_decay']) {
      const m = model as AttributionModel;
      expect(credits(m, direct)).toEqual(credits(m, five));
    }
    expect(credits('first_touch', direct)).toEqual([1_000_000, 0, 0, 0, 0]);
  });
});
