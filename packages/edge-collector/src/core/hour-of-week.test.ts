import { describe, expect, it } from 'vitest';
import {
  hourOfWeekCells,
  type InquiryCount,
  localHourOfWeek,
  type OffsetStretch,
  offsetStretches,
  QUARTER_HOUR_MS,
  WEEK_SLOTS,
} from './hour-of-week.ts';
import { zonedParts } from './site-time.ts';

const at = (iso: string) => Date.parse(iso);
const slotOf = (ms: number) => Math.floor(ms / QUARTER_HOUR_MS) % WEEK_SLOTS;

/** What the database would answer for these instants: one count per event. */
function counted(instants: number[], stretches: OffsetStretch[], kind: 'form' | 'call' = 'form') {
  return instants.map((ms): InquiryCount => {
    let stretch = 0;
    while (stretches[stretch + 1] && stretches[stretch + 1]!.start <= ms) stretch++;
    return { stretch, slot: slotOf(ms), kind, count: 1 };
  });
}

const cellOf = (cells: ReturnType<typeof hourOfWeekCells>, weekday: number, hour: number) =>
  cells[weekday * 24 + hour]!;

describe('hour of week', () => {
  it('puts a Monday 23:30 UTC inquiry on Tuesday 00:00–01:00 in Berlin', () => {
    const ms = at('2026-11-23T23:30:00Z');
    const stretches = offsetStretches(ms - 1000, ms + 1000, 'Europe/Berlin');
    expect(stretches).toEqual([{ start: ms - 1000, offsetMinutes: 60 }]);
    const cells = hourOfWeekCells(counted([ms], stretches), stretches);
    expect(cellOf(cells, 1, 0)).toEqual({ weekday: 1, hour: 0, forms: 1, calls: 0 });
    expect(cells.reduce((sum, cell) => sum + cell.forms, 0)).toBe(1);
  });

  it('always answers 168 cells, Monday 00:00 first, hour by hour', () => {
    const cells = hourOfWeekCells([], [{ start: 0, offsetMinutes: 0 }]);
    expect(cells).toHaveLength(168);
    expect(cells[0]).toEqual({ weekday: 0, hour: 0, forms: 0, calls: 0 });
    expect(cells[25]).toEqual({ weekday: 1, hour: 1, forms: 0, calls: 0 });
    expect(cells[167]).toEqual({ weekday: 6, hour: 23, forms: 0, calls: 0 });
  });

  it('reads slot 0 as Thursday 00:00 UTC, the epoch, and wraps the week both ways', () => {
    expect(localHourOfWeek(0, 0)).toEqual({ weekday: 3, hour: 0 });
    // Thursday 00:00 UTC is Wednesday 19:00 in New York (−05:00).
    expect(localHourOfWeek(0, -300)).toEqual({ weekday: 2, hour: 19 });
    // Wednesday 23:45 UTC (the week's last slot) is Thursday 05:15 in Kolkata (+05:30).
    expect(localHourOfWeek(WEEK_SLOTS - 1, 330)).toEqual({ weekday: 3, hour: 5 });
  });

  it('splits a range where the zone changes its offset, to the instant', () => {
    // Berlin springs forward at 01:00 UTC on 2026-03-29 and falls back at 01:00 UTC on 2026-10-25.
    const stretches = offsetStretches(
      at('2026-03-01T00:00:00Z'),
      at('2026-11-30T00:00:00Z'),
      'Europe/Berlin',
    );
    expect(stretches).toEqual([
      { start: at('2026-03-01T00:00:00Z'), offsetMinutes: 60 },
      { start: at('2026-03-29T01:00:00Z'), offsetMinutes: 120 },
      { start: at('2026-10-25T01:00:00Z'), offsetMinutes: 60 },
    ]);
    expect(offsetStretches(0, 365 * 86_400_000, 'Asia/Kolkata')).toHaveLength(1);
  });

  it('counts either side of a DST change in the hour the wall clock showed', () => {
    // New York falls back on 2026-11-01 at 06:00 UTC: 05:30 UTC is 01:30 EDT, 06:30 UTC is 01:30 EST.
    const instants = [at('2026-11-01T05:30:00Z'), at('2026-11-01T06:30:00Z')];
    const stretches = offsetStretches(
      at('2026-10-30T00:00:00Z'),
      at('2026-11-03T00:00:00Z'),
      'America/New_York',
    );
    expect(stretches.map((s) => s.offsetMinutes)).toEqual([-240, -300]);
    const cells = hourOfWeekCells(counted(instants, stretches, 'call'), stretches);
    // Both are Sunday 01:xx on the wall clock.
    expect(cellOf(cells, 6, 1)).toMatchObject({ calls: 2 });
  });

  it('follows half-hour and three-quarter-hour zones', () => {
    // 18:45 UTC Monday is Tuesday 00:15 in Kolkata (+05:30); 18:10 UTC is Monday 23:40.
    const kolkata = [at('2026-11-23T18:45:00Z'), at('2026-11-23T18:10:00Z')];
    let stretches = offsetStretches(kolkata[1]!, kolkata[0]!, 'Asia/Kolkata');
    let cells = hourOfWeekCells(counted(kolkata, stretches), stretches);
    expect(cellOf(cells, 1, 0).forms).toBe(1);
    expect(cellOf(cells, 0, 23).forms).toBe(1);
    // 18:14 UTC is 23:59 in Kathmandu (+05:45), 18:15 UTC is midnight.
    const kathmandu = [at('2026-11-23T18:14:00Z'), at('2026-11-23T18:15:00Z')];
    stretches = offsetStretches(kathmandu[0]!, kathmandu[1]!, 'Asia/Kathmandu');
    cells = hourOfWeekCells(counted(kathmandu, stretches), stretches);
    expect(cellOf(cells, 0, 23).forms).toBe(1);
    expect(cellOf(cells, 1, 0).forms).toBe(1);
  });

  it('agrees with the wall clock for every instant of a year, across zones', () => {
    const from = at('2026-01-01T00:00:00Z');
    const to = at('2027-01-01T00:00:00Z');
    // Every 7 hours 13 minutes: all weekdays, hours and quarter hours come round.
    const instants: number[] = [];
    for (let ms = from; ms < to; ms += 433 * 60_000) instants.push(ms);
    for (const zone of [
      'UTC',
      'Europe/Berlin',
      'America/New_York',
      'America/Sao_Paulo',
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
    ]) {
      const stretches = offsetStretches(from, to, zone);
      const cells = hourOfWeekCells(counted(instants, stretches), stretches);
      const expected = new Map<number, number>();
      for (const ms of instants) {
        const { weekday, hour } = zonedParts(ms, zone);
        expected.set(weekday * 24 + hour, (expected.get(weekday * 24 + hour) ?? 0) + 1);
      }
      cells.forEach((cell, index) => {
        expect(cell.forms, `${zone} ${cell.weekday} ${cell.hour}`).toBe(expected.get(index) ?? 0);
      });
    }
  });
});
