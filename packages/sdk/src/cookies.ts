// First-party cookies on path `/`, SameSite=Lax, Secure on https. Hand-written rather than
// js-cookie: the SDK reads a handful of fixed names and writes ids made of URL-safe characters,
// so js-cookie's general encoding and converters would cost about 500 B gzip for nothing — a
// sixth of the script tag's 3 KB budget (see bundle-size.test.ts).

/** The value of the cookie `name` as written (Meta and Google want their ids verbatim). */
export const getCookie = (name: string): string | undefined =>
  document.cookie.match(`(^|; )${name}=([^;]*)`)?.[2];

/**
 * Sets a cookie for `seconds` (negative removes it) on `domain` (host-only without). `value` must
 * be URL-safe, as ids, base-36 signatures and the consent words are.
 */
export function setCookie(name: string, value: string, seconds: number, domain?: string): void {
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing from Safari and Firefox
  document.cookie = `${name}=${value};path=/;max-age=${seconds};SameSite=Lax${
    domain ? `;domain=${domain}` : ''
  }${location.protocol === 'https:' ? ';secure' : ''}`;
}
