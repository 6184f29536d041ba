// Money travels in major units on the wire (5000 = 5,000.00) and is stored as an integer count of
// the currency's minor units, so sums never drift. The exponents are ISO 4217's own (not CLDR's
// display digits, which differ for some currencies and change with the runtime's ICU data).

/** ISO 4217 currencies whose minor unit is not 1/100. */
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/**
 * The ISO 4217 list-one currencies with a minor unit (funds, precious metals and test codes left
 * out), plus a few withdrawn since 2022 that a CRM's older deals still carry (ANG, CUC, HRK, SLL,
 * VEF, ZWL).
 */
const CURRENCIES = new Set(
  `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
  BZD CAD CDF CHF CLF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
  GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
  KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN
  MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR
  SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
  USD UYU UYW UZS VED VEF VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL`.split(/\s+/),
);

/** Digits after the decimal point in a currency's minor unit; undefined for an unknown code. */
export function currencyExponent(currency: string): number | undefined {
  if (!CURRENCIES.has(currency)) return undefined;
  return EXPONENTS[currency] ?? 2;
}

/** Digits after the decimal point of a number as JSON wrote it (`19.99` → 2, `1e-7` → 7). */
export function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = String(Math.abs(value)).split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

export type MinorUnits =
  | { ok: true; minor: number }
  /** What is wrong: the currency, or the amount's decimals for it. */
  | { ok: false; wrong: 'currency' | 'amount'; message: string };

/**
 * An amount in major units as an integer of minor units, refused when the currency is unknown or
 * the amount has more decimals than the currency has (`0.5` JPY, `19.999` USD).
 */
export function toMinorUnits(value: number, currency: string): MinorUnits {
  const exponent = currencyExponent(currency);
  if (exponent === undefined)
    return { ok: false, wrong: 'currency', message: `Unknown ISO 4217 currency ${currency}` };
  if (decimalPlaces(value) > exponent)
    return {
      ok: false,
      wrong: 'amount',
      message:
        exponent === 0
          ? `${currency} has no minor unit: send a whole number`
          : `${currency} has ${exponent} decimals at most`,
    };
  // Rounding only removes binary noise (19.99 × 100 = 1998.9999…): the decimals were checked.
  return { ok: true, minor: Math.round(value * 10 ** exponent) };
}

/** Minor units back to the major-unit number the API shows (an unknown code counts as 2). */
export function toMajorUnits(minor: number, currency: string): number {
  return minor / 10 ** (currencyExponent(currency) ?? 2);
}
