import Cookies from 'js-cookie';

const ANONYMOUS_ID_COOKIE = 'll_aid';
const SESSION_COOKIE = 'll_sid';
const SESSION_IDLE_DAYS = 30 / (24 * 60);
const ANONYMOUS_ID_DAYS = 365;

/** A v4 UUID; `crypto.randomUUID` exists only in secure contexts, `getRandomValues` everywhere. */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function cookieOptions(days: number): Cookies.CookieAttributes {
  return { expires: days, sameSite: 'Lax', secure: location.protocol === 'https:' };
}

/** The browser's anonymous id, kept in a first-party cookie for a year. */
export function anonymousId(): string {
  const id = Cookies.get(ANONYMOUS_ID_COOKIE) || uuid();
  Cookies.set(ANONYMOUS_ID_COOKIE, id, cookieOptions(ANONYMOUS_ID_DAYS));
  return id;
}

/** The current session id; the cookie expires after 30 minutes without an event. */
export function sessionId(): string {
  const id = Cookies.get(SESSION_COOKIE) || uuid();
  Cookies.set(SESSION_COOKIE, id, cookieOptions(SESSION_IDLE_DAYS));
  return id;
}
