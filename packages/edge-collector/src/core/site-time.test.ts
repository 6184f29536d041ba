import { describe, expect, it } from 'vitest';
import {
  dayBounds,
  isTimeZone,
  offsetMinutes,
  offsetText,
  zonedDay,
  zonedInstant,
  zonedParts,
} from './site-time.ts';

describe('site time', () => {
  it('reads the wall clock and ISO weekday in a zone', () => {
    // 2026-11-23 is a Monday; 23:30 UTC is already Tuesday 00:30 in Berlin.
    const at = Date.parse('2026-11-23T23:30:00Z');
    expect(zonedParts(at, 'Europe/Berlin')).toEqual({
      year: 2026,
      month: 11,
      day: 24,
      hour: 0,
      minute: 30,
      second: 0,
      weekday: 1,
    });
    expect(zonedParts(at, 'UTC').weekday).toBe(0);
    expect(zonedDay(at, 'America/New_York')).toBe('2026-11-23');
  });

  it('knows offsets across DST and half-hour zones', () => {
    expect(offsetMinutes(Date.parse('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-300);
    expect(offsetMinutes(Date.parse('2026-07-15T12:00:00Z'), 'America/New_York')).toBe(-240);
    expect(offsetMinutes(Date.parse('2026-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(offsetText(330)).toBe('+05:30');
    expect(offsetText(-240)).toBe('-04:00');
    expect(offsetText(0)).toBe('+00:00');
  });

  it('finds the instant a local day starts and ends, DST days included', () => {
    expect(new Date(zonedInstant('2026-11-23', 'Europe/Berlin')).toISOString()).toBe(
      '2026-11-22T23:00:00.000Z',
    );
    // Berlin springs forward on 2026-03-29: that day has 23 hours.
    const spring = dayBounds('2026-03-29', 'Europe/Berlin');
    expect(new Date(spring.start).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(spring.end - spring.start + 1).toBe(23 * 3_600_000);
    // …and falls back on 2026-10-25: 25 hours.
    const autumn = dayBounds('2026-10-25', 'Europe/Berlin');
    expect(autumn.end - autumn.start + 1).toBe(25 * 3_600_000);
    expect(dayBounds('2026-11-23', 'UTC')).toEqual({
      start: Date.parse('2026-11-23T00:00:00Z'),
      end: Date.parse('2026-11-23T23:59:59.999Z'),
    });
  });

  it('tells IANA zones from anything else', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
