import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { sha256Hex } from './keys.ts';
import { matchesWildcard } from './wildcard.ts';

// What identifies a person: an email (trimmed, lower-cased), a phone in E.164 (read with the
// site's default country) or an external id from the site's own systems. Junk that people type
// into forms to get past them never identifies anyone: one `test@test.com` lead would otherwise
// swallow every visitor who typed it.

export type IdentifierKind = 'email' | 'phone' | 'external_id';
export type Identifier = { kind: IdentifierKind; value: string };

export const identifierKey = (identifier: Identifier) => `${identifier.kind}:${identifier.value}`;

/** What is kept of an erased person's identifier (by its `identifierKey`): its SHA-256. */
export const suppressionHash = (key: string) => sha256Hex(key);

const JUNK_WORDS = new Set([
  'null',
  'undefined',
  'none',
  'nil',
  'n/a',
  'na',
  'test',
  'asdf',
  'unknown',
  'noemail',
  'no',
  'x',
]);

const JUNK_EMAILS = new Set([
  'test@test.com',
  'test@test.de',
  'test@example.com',
  'email@email.com',
  'mail@mail.com',
  'a@a.com',
  'a@b.com',
  'abc@abc.com',
  'asdf@asdf.com',
  'no@email.com',
  'noemail@noemail.com',
  'none@none.com',
  'nobody@nowhere.com',
  'user@domain.com',
  'name@domain.com',
  'your@email.com',
  'youremail@email.com',
  'email@domain.com',
]);

/** Domains reserved for examples (RFC 2606) or that never receive mail. */
const JUNK_DOMAINS = /(^|\.)(example\.(com|org|net)|test|invalid|localhost|mailinator\.com)$/;

// One @, something before it, a dotted domain after it; no spaces. Deliverability is not our call.
const EMAIL_SHAPE = /^[^\s@]{1,64}@[^\s@]+\.[^\s@.]{2,}$/;

const MAX_EMAIL_LENGTH = 254;

export function normaliseEmail(raw: unknown, ignored: readonly string[] = []): string | null {
  if (typeof raw !== 'string') return null;
  const email = raw.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_SHAPE.test(email)) return null;
  const [local, domain] = email.split('@') as [string, string];
  if (JUNK_EMAILS.has(email) || JUNK_WORDS.has(local) || JUNK_DOMAINS.test(domain)) return null;
  if (ignored.some((pattern) => matchesWildcard(pattern, email))) return null;
  return email;
}

/** Repeated or counting digits (`0000000`, `1234567`, `9876543`) are someone avoiding a call. */
function isJunkDigits(digits: string): boolean {
  if (/^(\d)\1+$/.test(digits)) return true;
  const ascending = '01234567890123456789';
  const descending = '98765432109876543210';
  return ascending.includes(digits) || descending.includes(digits);
}

export function normalisePhone(raw: unknown, defaultCountry: string | null): string | null {
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const text = String(raw).trim();
  if (text.length > 64 || JUNK_WORDS.has(text.toLowerCase())) return null;
  const digits = text.replace(/\D/g, '');
  if (digits.length < 6 || isJunkDigits(digits)) return null;
  try {
    const phone = parsePhoneNumberFromString(
      text,
      (defaultCountry ?? undefined) as CountryCode | undefined,
    );
    if (!phone?.isValid() || isJunkDigits(phone.nationalNumber)) return null;
    return phone.number;
  } catch {
    return null;
  }
}

export function normaliseExternalId(raw: unknown): string | null {
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const id = String(raw).trim();
  if (id.length === 0 || id.length > 200 || JUNK_WORDS.has(id.toLowerCase())) return null;
  return id;
}

export type IdentifierSettings = {
  defaultCountry: string | null;
  /** The site's own ignored emails (`info@acme.com`, `info@*`). */
  ignored: readonly string[];
  /** External ids are trusted from the REST API only, never from a browser. */
  trustExternalId: boolean;
};

/** The identifiers an event's traits carry, normalised, junk left out, in a stable order. */
export function identifiersOf(
  traits: Record<string, unknown> | undefined,
  settings: IdentifierSettings,
): Identifier[] {
  if (!traits) return [];
  const found: Identifier[] = [];
  const email = normaliseEmail(traits.email, settings.ignored);
  if (email) found.push({ kind: 'email', value: email });
  const phone = normalisePhone(traits.phone, settings.defaultCountry);
  if (phone) found.push({ kind: 'phone', value: phone });
  if (settings.trustExternalId) {
    const externalId = normaliseExternalId(traits.externalId ?? traits.userId);
    if (externalId) found.push({ kind: 'external_id', value: externalId });
  }
  return found;
}
