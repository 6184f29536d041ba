import type { HourOfWeekCell } from '@leadloop/schema';
import { offsetMinutes } from './site-time.ts';

// Inquiries by hour of week in a site's time zone. Neither SQLite nor D1 knows time zones, so the
// database counts events by UTC quarter hour of the week (672 slots), separately for each stretch
// of the range over which the zone's offset holds still; here each slot moves by its stretch's
// offset onto the local week. The answer stays 672 rows per stretch however long the range.

export const QUARTER_HOUR_MS = 15 * 60_000;
/** Quarter hours in a week. */
export const WEEK_SLOTS = 7 * 24 * 4;
const MINUTES_PER_WEEK = 7 * 24 * 60;
const DAY_MS = 86_400_000;
/** The Unix epoch fell on a Thursday: weekday 3 counting from Monday. */
const EPOCH_WEEKDAY = 3;

/** From `start` on (until the next stretch's start), the zone is `offsetMinutes` ahead of UTC. */
export type OffsetStretch = { start: number; offsetMinutes: number };

/** The first instant in (`after`, `until`] whose offset is not `offset`; the zone changes there. */
function changeWithin(after: number, until: number, offset: number, timeZone: string): number {
  let [low, high] = [after, until];
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetMinutes(middle, timeZone) === offset) low = middle;
    else high = middle;
  }
  return high;
}

/**
 * The stretches of [`from`, `to`] with one offset each, found by checking the offset once a day
 * (zones change theirs at most twice a year, never twice in a day) and bisecting a day that
 * changed it to the millisecond.
 */
export function offsetStretches(from: number, to: number, timeZone: string): OffsetStretch[] {
  const stretches: OffsetStretch[] = [
    { start: from, offsetMinutes: offsetMinutes(from, timeZone) },
  ];
  let checked = from;
  while (checked < to) {
    const next = Math.min(checked + DAY_MS, to);
    const current = stretches.at(-1)!.offsetMinutes;
    const offset = offsetMinutes(next, timeZone);
    if (offset !== current) {
      const start = changeWithin(checked, next, current, timeZone);
      stretches.push({ start, offsetMinutes: offsetMinutes(start, timeZone) });
    }
    checked = next;
  }
  return stretches;
}

/** A UTC quarter hour of the week (0 = Thursday 00:00 UTC, as the epoch) at a zone's offset. */
export function localHourOfWeek(slot: number, offset: number): { weekday: number; hour: number } {
  const minute = (((slot * 15 + offset) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  return {
    weekday: (Math.floor(minute / 1440) + EPOCH_WEEKDAY) % 7,
    hour: Math.floor((minute % 1440) / 60),
  };
}

/** What the database counted: inquiries of one kind in one UTC slot of one stretch. */
export type InquiryCount = {
  /** Index into the stretches the query was given. */
  stretch: number;
  /** `floor(epoch ms / 15 min) mod 672`. */
  slot: number;
  kind: 'form' | 'call';
  count: number;
};

/** The 168 local hours of the week, Monday 00:00 first, with the counts moved onto them. */
export function hourOfWeekCells(
  counts: readonly InquiryCount[],
  stretches: readonly OffsetStretch[],
): HourOfWeekCell[] {
  const cells: HourOfWeekCell[] = [];
  for (let weekday = 0; weekday < 7; weekday++)
    for (let hour = 0; hour < 24; hour++) cells.push({ weekday, hour, forms: 0, calls: 0 });
  for (const { stretch, slot, kind, count } of counts) {
    const offset = stretches[stretch]?.offsetMinutes;
    if (offset === undefined) throw new RangeError(`no stretch ${stretch}`);
    const { weekday, hour } = localHourOfWeek(slot, offset);
    const cell = cells[weekday * 24 + hour]!;
    if (kind === 'form') cell.forms += count;
    else cell.calls += count;
  }
  return cells;
}
