// First-party mode: a collector served from the site's own host (a Workers route such as
// `example.com/ll/*`) sets the anonymous-id cookie with `Set-Cookie`, which Safari does not cap at
// 7 days as it does cookies written by scripts.

/** The SDK's anonymous-id cookie. */
export const ANONYMOUS_ID_COOKIE = 'll_aid';
const ONE_YEAR_SECONDS = 31_536_000;
// Echoed into a header: only characters that need no quoting or encoding in a cookie value.
const COOKIE_SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export type FirstPartyCookieRequest = {
  /** The URL the collector was reached at. */
  url: string;
  /** The `Origin` header, when the request has one. */
  origin: string | undefined;
  /** `context.cookieDomain` of the batch: where the SDK keeps its cookies. */
  cookieDomain: string | undefined;
  /** The anonymous ids of the batch's accepted events. */
  anonymousIds: readonly string[];
  /** The `ll_aid` cookie the request carried, if any. */
  currentId: string | undefined;
};

export type FirstPartyCookie = {
  name: string;
  value: string;
  options: {
    domain: string;
    path: '/';
    maxAge: number;
    sameSite: 'Lax';
    secure: boolean;
  };
};

/** A host name with at least two labels and a non-numeric top label (never an IP address). */
function cookieDomainOf(value: string): string | undefined {
  const domain = value.trim().toLowerCase().replace(/^\./, '');
  if (domain.length > 253) return undefined;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return undefined;
  return /^\d+$/.test(labels.at(-1)!) ? undefined : domain;
}

function isWithin(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

function urlOf(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * The `ll_aid` cookie to set on an accepted batch, or `undefined` when the collector and the page
 * are not the same site, or the batch does not name one safe anonymous id.
 *
 * @example
 * firstPartyCookie({
 *   url: 'https://www.acme.test/ll/v1/collect',
 *   origin: 'https://www.acme.test',
 *   cookieDomain: 'acme.test',
 *   anonymousIds: ['a1b2'],
 * }); // { name: 'll_aid', value: 'a1b2', options: { domain: 'acme.test', secure: true, … } }
 */
export function firstPartyCookie(request: FirstPartyCookieRequest): FirstPartyCookie | undefined {
  const domain = request.cookieDomain ? cookieDomainOf(request.cookieDomain) : undefined;
  const url = urlOf(request.url);
  if (!domain || !url || !isWithin(url.hostname, domain)) return undefined;
  if (request.origin !== undefined) {
    const origin = urlOf(request.origin);
    if (!origin || !isWithin(origin.hostname, domain)) return undefined;
  }
  const ids = new Set(request.anonymousIds);
  const [anonymousId] = ids;
  if (ids.size !== 1 || !anonymousId || !COOKIE_SAFE_ID.test(anonymousId)) return undefined;
  // Only refresh the browser's own id: never create one, never replace it. Events queued before
  // reset() or a consent refusal must not bring the old visitor back.
  if (request.currentId !== anonymousId) return undefined;
  return {
    name: ANONYMOUS_ID_COOKIE,
    value: anonymousId,
    options: {
      domain,
      path: '/',
      maxAge: ONE_YEAR_SECONDS,
      sameSite: 'Lax',
      secure: url.protocol === 'https:',
    },
  };
}
