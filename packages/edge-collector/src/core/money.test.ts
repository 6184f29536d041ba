import { describe, expect, it } from 'vitest';
import { currencyExponent, decimalPlaces, toMajorUnits, toMinorUnits } from './money.ts';

describe('ISO 4217 minor units', () => {
  it('knows the exponents, including where display digits differ', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('CLF')).toBe(4);
    // CLDR shows these without decimals; ISO 4217 (and the money itself) has them.
    expect(currencyExponent('HUF')).toBe(2);
    expect(currencyExponent('IQD')).toBe(3);
    expect(currencyExponent('XXX')).toBeUndefined();
    expect(currencyExponent('usd')).toBeUndefined(); // codes arrive upper-cased
  });

  it('counts the decimals a number was written with', () => {
    expect(decimalPlaces(5000)).toBe(0);
    expect(decimalPlaces(19.99)).toBe(2);
    expect(decimalPlaces(0.1 + 0.2)).toBe(17);
    expect(decimalPlaces(1e-7)).toBe(7);
    expect(decimalPlaces(1.5e-7)).toBe(8);
    expect(decimalPlaces(1e21)).toBe(0);
  });

  it('turns major units into exact integers of minor units', () => {
    expect(toMinorUnits(19.99, 'USD')).toEqual({ ok: true, minor: 1999 });
    expect(toMinorUnits(5000, 'EUR')).toEqual({ ok: true, minor: 500_000 });
    expect(toMinorUnits(1.005, 'KWD')).toEqual({ ok: true, minor: 1005 });
    expect(toMinorUnits(1500, 'JPY')).toEqual({ ok: true, minor: 1500 });
    expect(toMinorUnits(999_999_999_999.99, 'USD')).toEqual({
      ok: true,
      minor: 99_999_999_999_999,
    });
  });

  it('refuses more decimals than the currency has, and unknown currencies', () => {
    expect(toMinorUnits(0.5, 'JPY')).toMatchObject({ ok: false, wrong: 'amount' });
    expect(toMinorUnits(19.999, 'USD')).toMatchObject({ ok: false, wrong: 'amount' });
    expect(toMinorUnits(10, 'ABC')).toMatchObject({ ok: false, wrong: 'currency' });
  });

  it('shows minor units as the major-unit number that was sent', () => {
    for (const [value, currency] of [
      [19.99, 'USD'],
      [0.07, 'EUR'],
      [1.005, 'KWD'],
      [1500, 'JPY'],
      [123_456_789.01, 'GBP'],
    ] as const) {
      const minor = toMinorUnits(value, currency);
      expect(minor.ok && toMajorUnits(minor.minor, currency)).toBe(value);
    }
  });
});
