import { describe, expect, it } from 'vitest';
import {
  defaultConversionName,
  exportFileName,
  googleAdsHeader,
  googleAdsLines,
  googleAdsTime,
  majorUnitsText,
  type OfflineConversionRow,
} from './offline-conversions.ts';

const NEW_YORK = 'America/New_York';

const row = (fields: Partial<OfflineConversionRow> = {}): OfflineConversionRow => ({
  id: 'conv_1',
  occurredAt: Date.parse('2026-11-24T14:30:05.250Z'),
  valueMinor: 500_000,
  currency: 'EUR',
  click: { type: 'gclid', id: 'Cj0KCQiA' },
  ...fields,
});

describe('googleAdsTime', () => {
  it('writes the wall clock of the site with its offset at that instant', () => {
    expect(googleAdsTime(Date.parse('2026-11-24T14:30:05.250Z'), NEW_YORK)).toBe(
      '2026-11-24 09:30:05-0500',
    );
    // Summer time: four hours behind.
    expect(googleAdsTime(Date.parse('2026-07-01T04:00:00Z'), NEW_YORK)).toBe(
      '2026-07-01 00:00:00-0400',
    );
    expect(googleAdsTime(Date.parse('2026-11-24T14:30:00Z'), 'UTC')).toBe(
      '2026-11-24 14:30:00+0000',
    );
    // Half-hour zones keep their minutes; the day can change.
    expect(googleAdsTime(Date.parse('2026-11-24T20:00:00Z'), 'Asia/Kolkata')).toBe(
      '2026-11-25 01:30:00+0530',
    );
  });

  it('tells apart the two 01:30s of the night clocks go back', () => {
    // 2026-11-01: New York falls back from 02:00 EDT to 01:00 EST.
    expect(googleAdsTime(Date.parse('2026-11-01T05:30:00Z'), NEW_YORK)).toBe(
      '2026-11-01 01:30:00-0400',
    );
    expect(googleAdsTime(Date.parse('2026-11-01T06:30:00Z'), NEW_YORK)).toBe(
      '2026-11-01 01:30:00-0500',
    );
  });
});

describe('majorUnitsText', () => {
  it('writes minor units with the currency’s decimals, exactly', () => {
    expect(majorUnitsText(500_000, 'EUR')).toBe('5000.00');
    expect(majorUnitsText(1999, 'USD')).toBe('19.99');
    expect(majorUnitsText(5, 'USD')).toBe('0.05');
    expect(majorUnitsText(0, 'USD')).toBe('0.00');
    expect(majorUnitsText(150_000, 'JPY')).toBe('150000');
    expect(majorUnitsText(12_345, 'KWD')).toBe('12.345');
    expect(majorUnitsText(1, 'CLF')).toBe('0.0001');
    // A trillion euros in cents is past 2^53 / 100: digits, not floating point.
    expect(majorUnitsText(100_000_000_000_000, 'EUR')).toBe('1000000000000.00');
  });
});

describe('the Google Ads file', () => {
  it('has the header of Google’s "conversions from clicks" template', () => {
    expect(googleAdsHeader()).toBe(
      'Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency\r\n',
    );
  });

  it('writes one line per conversion with a gclid', () => {
    const lines = googleAdsLines(
      [
        row(),
        row({
          id: 'conv_2',
          valueMinor: 150_000,
          currency: 'JPY',
          click: { type: 'gclid', id: 'x' },
        }),
        row({ id: 'conv_3', valueMinor: null, currency: null }),
      ],
      'Leadloop customer',
      NEW_YORK,
    );
    expect(lines.written).toBe(3);
    expect(lines.text.split('\r\n')).toEqual([
      'Cj0KCQiA,Leadloop customer,2026-11-24 09:30:05-0500,5000.00,EUR',
      'x,Leadloop customer,2026-11-24 09:30:05-0500,150000,JPY',
      // No value sent: both cells empty, which Google reads as "no value", unlike 0.
      'Cj0KCQiA,Leadloop customer,2026-11-24 09:30:05-0500,,',
      '',
    ]);
  });

  it('leaves out conversions without a click, or whose Google click is iOS-only', () => {
    const lines = googleAdsLines(
      [
        row({ click: null }),
        row({ click: { type: 'gbraid', id: 'g' } }),
        row({ click: { type: 'wbraid', id: 'w' } }),
      ],
      'Leadloop customer',
      'UTC',
    );
    expect(lines).toEqual({ text: '', written: 0 });
  });

  it('neutralises formulas and quotes what would break a line', () => {
    const lines = googleAdsLines(
      [row({ click: { type: 'gclid', id: '=HYPERLINK("http://evil")' } })],
      '+Deal, "won"\nlate',
      'UTC',
    );
    expect(lines.text).toBe(
      `"'=HYPERLINK(""http://evil"")","'+Deal, ""won""\nlate",2026-11-24 14:30:05+0000,5000.00,EUR\r\n`,
    );
  });
});

describe('names', () => {
  it('names the conversion after the stage and the file after the platform, stage and days', () => {
    expect(defaultConversionName('customer')).toBe('Leadloop customer');
    const range = {
      from: Date.parse('2026-08-26T04:00:00Z'),
      to: Date.parse('2026-11-25T03:00:00Z'),
    };
    // The days are the site's: 2026-11-25 03:00 UTC is still the 24th in New York.
    expect(exportFileName('opportunity', range, NEW_YORK)).toBe(
      'google-ads-opportunity-conversions-2026-08-26-to-2026-11-24.csv',
    );
  });
});
