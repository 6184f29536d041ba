import { describe, expect, it } from 'vitest';
import { HttpProblem } from './problem.ts';
import { reportRange } from './report-range.ts';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

function refusal(run: () => unknown): HttpProblem {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpProblem);
    return error as HttpProblem;
  }
  throw new Error('expected a refusal');
}

describe('report range', () => {
  it('defaults to the 90 days up to now', () => {
    expect(reportRange({}, 'Europe/Berlin', NOW)).toEqual({ from: NOW - 90 * DAY, to: NOW });
    const to = Date.parse('2026-06-30T12:00:00Z');
    expect(reportRange({ to: '2026-06-30T12:00:00Z' }, 'UTC', NOW)).toEqual({
      from: to - 90 * DAY,
      to,
    });
  });

  it('reads days in the site’s time zone, from its start to its end', () => {
    expect(reportRange({ from: '2026-11-01', to: '2026-11-02' }, 'Europe/Berlin', NOW)).toEqual({
      from: Date.parse('2026-10-31T23:00:00Z'),
      to: Date.parse('2026-11-02T22:59:59.999Z'),
    });
    // One day, both bounds: its 24 hours in New York.
    const day = reportRange({ from: '2026-11-10', to: '2026-11-10' }, 'America/New_York', NOW);
    expect(day).toEqual({
      from: Date.parse('2026-11-10T05:00:00Z'),
      to: Date.parse('2026-11-11T04:59:59.999Z'),
    });
  });

  it('takes instants with their own offset', () => {
    expect(
      reportRange({ from: '2026-11-01T00:00:00+05:30', to: '2026-11-02T00:00:00Z' }, 'UTC', NOW),
    ).toEqual({ from: Date.parse('2026-10-31T18:30:00Z'), to: Date.parse('2026-11-02T00:00:00Z') });
  });

  it('refuses a from after to, and bounds that are no day or instant, naming the field', () => {
    const cases: [Parameters<typeof reportRange>[0], string][] = [
      [{ from: '2026-11-03', to: '2026-11-02' }, 'from'],
      [{ from: '2026-02-30' }, 'from'],
      [{ to: 'yesterday' }, 'to'],
      [{ to: '2026-11-02T10:00:00' }, 'to'],
    ];
    for (const [query, field] of cases) {
      const error = refusal(() => reportRange(query, 'UTC', NOW));
      expect(error.status).toBe(400);
      expect(error.errors?.map((item) => item.path)).toEqual([field]);
    }
  });
});
