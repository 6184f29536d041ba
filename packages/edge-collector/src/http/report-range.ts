import type { ReportRangeQuery } from '@leadloop/schema';
import { dayBounds } from '../core/site-time.ts';
import { validationFailed } from './problem.ts';

// The `from` / `to` of a report, as instants. A day (`2026-11-01`) is read in the site's time
// zone: `from` at its first millisecond, `to` at its last; a date-time carries its own offset.
// Both bounds are inclusive. `to` defaults to now and `from` to 90 days before `to`.

export const DEFAULT_RANGE_DAYS = 90;
const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

const invalid = (field: 'from' | 'to', message: string) =>
  validationFailed([{ path: field, message }], 'The query parameters are invalid.');

function instant(value: string, field: 'from' | 'to', timeZone: string): number {
  if (DAY.test(value)) {
    // Date.parse would roll 2026-02-30 over to March: the day must read back as itself.
    const parsed = Date.parse(`${value}T00:00:00Z`);
    if (Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== value)
      throw invalid(field, 'Not a calendar day');
    const bounds = dayBounds(value, timeZone);
    return field === 'from' ? bounds.start : bounds.end;
  }
  const parsed = DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(parsed))
    throw invalid(field, 'Expected a day YYYY-MM-DD or an ISO 8601 date-time with an offset');
  return parsed;
}

/**
 * The instants a report covers, both inclusive; refuses (400, naming the field) a bound that is
 * neither a day nor a date-time with an offset, and a `from` after `to`.
 *
 * @example reportRange({ from: '2026-11-01' }, 'Europe/Berlin', now) // { from: 2026-10-31T23:00Z, to: now }
 */
export function reportRange(
  query: ReportRangeQuery,
  timezone: string,
  now: number,
): { from: number; to: number } {
  const to = query.to === undefined ? now : instant(query.to, 'to', timezone);
  const from =
    query.from === undefined
      ? to - DEFAULT_RANGE_DAYS * DAY_MS
      : instant(query.from, 'from', timezone);
  if (from > to) throw invalid('from', 'Must not be after to');
  return { from, to };
}
