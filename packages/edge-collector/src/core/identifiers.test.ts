import { describe, expect, it } from 'vitest';
import { identifiersOf, normaliseEmail, normalisePhone } from './identifiers.ts';

const settings = { defaultCountry: 'DE', ignored: [], trustExternalId: false };

describe('normaliseEmail', () => {
  it.each([
    [' Ada@Acme.IO ', 'ada@acme.io'],
    ['ada+news@acme.io', 'ada+news@acme.io'],
    ['ADA@ACME.CO.UK', 'ada@acme.co.uk'],
  ])('keeps %j as %j', (raw, email) => {
    expect(normaliseEmail(raw)).toBe(email);
  });

  it.each([
    'test@test.com',
    'TEST@test.com',
    'test@acme.io',
    'null@acme.io',
    'ada@example.com',
    'ada@example.org',
    'someone@mailinator.com',
    'ada@localhost',
    'not an email',
    'ada@acme',
    '@acme.io',
    'null',
    'undefined',
    '',
    42,
    null,
    `${'a'.repeat(250)}@acme.io`,
  ])('never identifies anyone as %j', (raw) => {
    expect(normaliseEmail(raw)).toBeNull();
  });

  it("leaves out the site's own ignored addresses and local parts", () => {
    const ignored = ['info@acme.io', 'sales@*'];
    expect(normaliseEmail('Info@Acme.io', ignored)).toBeNull();
    expect(normaliseEmail('sales@other.io', ignored)).toBeNull();
    expect(normaliseEmail('ada@acme.io', ignored)).toBe('ada@acme.io');
  });
});

describe('normalisePhone', () => {
  it.each([
    ['030 1234567', 'DE', '+49301234567'],
    ['+49 (30) 123 45 67', null, '+49301234567'],
    ['0176 12345678', 'DE', '+4917612345678'],
    ['(415) 555-2671', 'US', '+14155552671'],
    ['+44 20 7946 0958', 'DE', '+442079460958'],
  ])('reads %j (default country %s) as %s', (raw, country, e164) => {
    expect(normalisePhone(raw, country)).toBe(e164);
  });

  it.each([
    ['0000000', 'DE'],
    ['1234567', 'DE'],
    ['+49 1111111', null],
    ['9876543210', 'US'],
    ['123', 'DE'],
    ['030 1234567', null], // a national number with no country to read it in
    ['n/a', 'DE'],
    ['call me', 'DE'],
  ])('never identifies anyone as %j (%s)', (raw, country) => {
    expect(normalisePhone(raw, country)).toBeNull();
  });
});

describe('identifiersOf', () => {
  it('reads email and phone from traits, in a stable order', () => {
    expect(
      identifiersOf({ phone: '030 1234567', email: 'Ada@Acme.io', name: 'Ada' }, settings),
    ).toEqual([
      { kind: 'email', value: 'ada@acme.io' },
      { kind: 'phone', value: '+49301234567' },
    ]);
  });

  it('takes an external id only from a trusted source (the REST API)', () => {
    const traits = { externalId: 'crm-42' };
    expect(identifiersOf(traits, settings)).toEqual([]);
    expect(identifiersOf(traits, { ...settings, trustExternalId: true })).toEqual([
      { kind: 'external_id', value: 'crm-42' },
    ]);
  });
});
