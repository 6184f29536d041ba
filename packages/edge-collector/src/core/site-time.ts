// Wall-clock time in a site's IANA time zone, through Intl (the runtime's tz database): the days a
// report's range covers, the hour of the week an inquiry came in, the offset an ad platform wants
// next to a conversion time. Neither SQLite nor D1 knows time zones, so queries group by UTC
// instants and these functions map the results.

export type ZonedParts = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Monday … 6 = Sunday (ISO order). */
  weekday: number;
};

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether the runtime knows `timeZone` as an IANA zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at the instant `ms`. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const { type, value } of formatter(timeZone).formatToParts(ms)) parts[type] = value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
  };
}

/** Minutes `timeZone` is ahead of UTC at the instant `ms` (−300 for New York in winter). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** `+01:00`, `-05:00`, `+05:30`: the offset as ISO 8601 writes it. */
export function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The day (`YYYY-MM-DD`) it is in `timeZone` at the instant `ms`. */
export function zonedDay(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * The instant the wall clock in `timeZone` reads `day` at `time` (`HH:MM:SS.mmm`); a wall time
 * skipped by a DST change reads as the instant after the gap, as a clock set forward would.
 */
export function zonedInstant(day: string, timeZone: string, time = '00:00:00.000'): number {
  const naive = Date.parse(`${day}T${time}Z`);
  if (Number.isNaN(naive)) throw new RangeError(`not a day and time: ${day}T${time}`);
  // The offset at the naive instant, then at the corrected one: two passes settle it across DST.
  let instant = naive - offsetMinutes(naive, timeZone) * 60_000;
  instant = naive - offsetMinutes(instant, timeZone) * 60_000;
  return instant;
}

/** The first and last millisecond of `day` in `timeZone`. */
export function dayBounds(day: string, timeZone: string): { start: number; end: number } {
  const start = zonedInstant(day, timeZone);
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { start, end: zonedInstant(next, timeZone) - 1 };
}
