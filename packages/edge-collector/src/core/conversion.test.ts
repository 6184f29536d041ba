import { describe, expect, it } from 'vitest';
import {
  type ConversionRow,
  canonicalJson,
  conversionFingerprint,
  conversionRecorded,
  MAX_CLOCK_SKEW_MS,
  movesStatus,
  understandConversion,
} from './conversion.ts';

const NOW = Date.parse('2026-11-23T10:00:00.000Z');

describe('understandConversion', () => {
  it('normalises how the lead is named, as the collector stores identifiers', () => {
    const byEmail = understandConversion({ email: 'Jane@Acme.COM', stage: 'customer' }, 'DE', NOW);
    expect(byEmail.ok && byEmail.request.reference).toEqual({
      kind: 'email',
      value: 'jane@acme.com',
    });
    const byPhone = understandConversion({ phone: '030 1234567', stage: 'customer' }, 'DE', NOW);
    expect(byPhone.ok && byPhone.request.reference).toEqual({
      kind: 'phone',
      value: '+49301234567',
    });
  });

  it('leaves occurredAt unset when the request did, and refuses one in the future', () => {
    const unset = understandConversion({ leadId: 'lead_1', stage: 'lost' }, null, NOW);
    expect(unset.ok && unset.request.occurredAt).toBeNull();
    const skewed = new Date(NOW + MAX_CLOCK_SKEW_MS - 1000).toISOString();
    expect(
      understandConversion({ leadId: 'l', stage: 'lost', occurredAt: skewed }, null, NOW).ok,
    ).toBe(true);
    const future = new Date(NOW + MAX_CLOCK_SKEW_MS + 1000).toISOString();
    expect(
      understandConversion({ leadId: 'l', stage: 'lost', occurredAt: future }, null, NOW),
    ).toEqual({
      ok: false,
      errors: [{ path: 'occurredAt', message: 'Must not be in the future' }],
    });
  });

  it('names the field money goes wrong in', () => {
    const cents = understandConversion(
      { leadId: 'l', stage: 'customer', value: 10.5, currency: 'JPY' },
      null,
      NOW,
    );
    expect(!cents.ok && cents.errors.map((error) => error.path)).toEqual(['value']);
    const unknown = understandConversion(
      { leadId: 'l', stage: 'customer', currency: 'ABC' },
      null,
      NOW,
    );
    expect(!unknown.ok && unknown.errors.map((error) => error.path)).toEqual(['currency']);
  });
});

describe('conversionFingerprint', () => {
  const fingerprint = (input: Parameters<typeof understandConversion>[0]) => {
    const understood = understandConversion(input, 'DE', NOW);
    if (!understood.ok) throw new Error('invalid');
    return conversionFingerprint(understood.request);
  };
  const deal = {
    email: 'jane@acme.com',
    stage: 'customer' as const,
    value: 5000,
    currency: 'EUR',
    occurredAt: '2026-11-23T10:00:00Z',
    externalId: 'deal-1',
    properties: { a: 1, b: { c: 2, d: 3 } },
  };

  it('is the same for the same request written differently', () => {
    expect(
      fingerprint({
        ...deal,
        email: 'JANE@acme.com',
        value: 5000.0,
        occurredAt: '2026-11-23T11:00:00+01:00',
        properties: { b: { d: 3, c: 2 }, a: 1 },
      }),
    ).toBe(fingerprint(deal));
  });

  it('differs when anything the sender said differs', () => {
    const base = fingerprint(deal);
    expect(fingerprint({ ...deal, value: 5001 })).not.toBe(base);
    expect(fingerprint({ ...deal, stage: 'opportunity' })).not.toBe(base);
    expect(fingerprint({ ...deal, occurredAt: undefined })).not.toBe(base);
    expect(fingerprint({ ...deal, properties: { a: 1 } })).not.toBe(base);
    expect(fingerprint({ ...deal, email: undefined, leadId: 'lead_1' })).not.toBe(base);
  });

  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: [{ y: 1, x: 2 }], a: null })).toBe('{"a":null,"b":[{"x":2,"y":1}]}');
  });
});

describe('movesStatus', () => {
  it('moves a lead with no stage, or one set before the conversion happened', () => {
    expect(movesStatus(NOW, null)).toBe(true);
    expect(movesStatus(NOW, NOW - 1)).toBe(true);
  });

  it('never moves a lead back for an older or simultaneous outcome', () => {
    expect(movesStatus(NOW - 1, NOW)).toBe(false);
    expect(movesStatus(NOW, NOW)).toBe(false);
  });
});

describe('conversionRecorded', () => {
  it('has an id of the conversion, so writing it twice writes it once', () => {
    const row: ConversionRow = {
      siteId: 'site_1',
      id: 'conv_1',
      leadId: 'lead_1',
      stage: 'customer',
      valueMinor: 1999,
      currency: 'USD',
      occurredAt: NOW,
      externalId: null,
      requestHash: 'hash',
      properties: {},
      createdAt: NOW,
    };
    expect(conversionRecorded(row)).toEqual({
      id: 'conversion.recorded:conv_1',
      type: 'conversion.recorded',
      leadId: 'lead_1',
      occurredAt: NOW,
      data: {
        id: 'conv_1',
        leadId: 'lead_1',
        stage: 'customer',
        value: 19.99,
        currency: 'USD',
        occurredAt: '2026-11-23T10:00:00.000Z',
        externalId: null,
        properties: {},
        createdAt: '2026-11-23T10:00:00.000Z',
      },
    });
  });
});
