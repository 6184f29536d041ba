import Cookies from 'js-cookie';

// First-party cookies through js-cookie, on path `/`, SameSite=Lax.

export type CookieOptions = { domain?: string | undefined; days?: number; secure?: boolean };

export const getCookie = (name: string): string | undefined => Cookies.get(name);

/** Sets (or with `days: -1` removes) a cookie. */
export function setCookie(
  name: string,
  value: string,
  { domain, days, secure }: CookieOptions,
): void {
  Cookies.set(name, value, { domain, expires: days, secure, sameSite: 'Lax' });
}
