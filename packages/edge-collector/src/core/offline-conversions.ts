import type { OfflineConversionStage } from '@leadloop/schema';
import { stringify } from 'csv-stringify/sync';
import { currencyExponent } from './money.ts';
import { offsetMinutes, zonedDay, zonedParts } from './site-time.ts';
import { spreadsheetSafe } from './spreadsheet-cell.ts';

// Conversions in Google Ads' offline conversion import file ("conversions from clicks"): one
// row per conversion with the Google click that brought it, its time with the site's UTC offset,
// its value in major units and its currency. Google counts a conversion only within 90 days of
// its click, so older clicks are not sent.

const DAY_MS = 86_400_000;

/** Google Ads attributes a conversion to a click at most this long before it. */
export const GOOGLE_CLICK_WINDOW_MS = 90 * DAY_MS;

/** Click ids Google Ads issues: gclid on the web, gbraid / wbraid for iOS app traffic. */
export const GOOGLE_CLICK_ID_TYPES = ['gclid', 'gbraid', 'wbraid'] as const;

/**
 * The columns of Google's "conversions from clicks" template. It has no GBRAID / WBRAID column,
 * so a conversion whose latest Google click is one of those is left out.
 */
export const GOOGLE_ADS_COLUMNS = [
  'Google Click ID',
  'Conversion Name',
  'Conversion Time',
  'Conversion Value',
  'Conversion Currency',
] as const;

/** A conversion with the latest Google click its lead made in the window before it. */
export type OfflineConversionRow = {
  /** The conversion's id, or the lead's for `lead` conversions. */
  id: string;
  occurredAt: number;
  /** Minor units of `currency`; null when the CRM sent none (and for `lead`). */
  valueMinor: number | null;
  currency: string | null;
  click: { type: string; id: string } | null;
};

export const defaultConversionName = (stage: OfflineConversionStage) => `Leadloop ${stage}`;

/** The click id Google's file takes for this conversion: a gclid, or null to leave it out. */
export const googleClickId = (row: OfflineConversionRow): string | null =>
  row.click?.type === 'gclid' ? row.click.id : null;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `yyyy-MM-dd HH:mm:ss±HHmm`: the wall clock in `timeZone` and its offset at that instant, as
 * Google's file takes a time zone per row (four offset digits, no colon).
 * @example googleAdsTime(Date.parse('2026-11-24T14:30:00Z'), 'America/New_York') // '2026-11-24 09:30:00-0500'
 */
export function googleAdsTime(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  const offset = offsetMinutes(ms, timeZone);
  const abs = Math.abs(offset);
  const sign = offset < 0 ? '-' : '+';
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/**
 * Minor units as major units with the currency's decimals (`500000` EUR → `5000.00`, `1500` JPY
 * → `1500`), by digits rather than floating point.
 */
export function majorUnitsText(minor: number, currency: string): string {
  const exponent = currencyExponent(currency) ?? 2;
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exponent + 1, '0');
  const sign = minor < 0 ? '-' : '';
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

const csv = (records: (string | number | boolean)[][]) =>
  stringify(records, { record_delimiter: 'windows' });

/** The header line of Google's file. */
export const googleAdsHeader = (): string => csv([[...GOOGLE_ADS_COLUMNS]]);

/**
 * CSV lines for the rows that have a gclid, every text cell neutralised against formula
 * injection; `written` says how many.
 */
export function googleAdsLines(
  rows: readonly OfflineConversionRow[],
  conversionName: string,
  timeZone: string,
): { text: string; written: number } {
  const records = rows.flatMap((row) => {
    const clickId = googleClickId(row);
    if (clickId === null) return [];
    const value =
      row.valueMinor === null || row.currency === null
        ? ''
        : majorUnitsText(row.valueMinor, row.currency);
    return [
      [
        clickId,
        conversionName,
        googleAdsTime(row.occurredAt, timeZone),
        value,
        value === '' ? '' : row.currency,
      ].map(spreadsheetSafe),
    ];
  });
  return { text: records.length === 0 ? '' : csv(records), written: records.length };
}

/** `google-ads-customer-conversions-2026-08-26-to-2026-11-24.csv`, days in the site's zone. */
export function exportFileName(
  stage: OfflineConversionStage,
  range: { from: number; to: number },
  timeZone: string,
): string {
  return `google-ads-${stage}-conversions-${zonedDay(range.from, timeZone)}-to-${zonedDay(range.to, timeZone)}.csv`;
}
