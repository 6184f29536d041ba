import type { Touch } from '@leadloop/schema';
import { CLICK_ID_PARAMS, UTM_FIELDS } from '@leadloop/schema/params';

// The SDK only decides whether a landing is a touch and keeps its URL; the collector reads the
// UTM values and click ids out of `landingPage` with the same list, so the two never disagree and
// the script tag stays small.
/**
 * A `name=value` pair of a query whose name is a UTM parameter or a click id and whose value is
 * not empty. `=` is written `\x3d` so that terser's guard against slow patterns lets it fold the
 * whole pattern into a literal.
 */
const CAMPAIGN_PAIR = new RegExp(
  `^(utm_(${UTM_FIELDS.join('|')})|${CLICK_ID_PARAMS.join('|')})\\x3d.`,
);

/**
 * Whether `host` belongs to this site: the cookie domain or any host under it, or without one
 * (cookieless, IPs) the page's host.
 */
export const isSameSite = (host: string, cookieDomain: string | undefined): boolean =>
  // `.example.com` is a valid way to write a cookie domain: exactly one leading dot either way.
  `.${host}`.endsWith((cookieDomain ?? location.hostname).replace(/^\.?/, '.'));

/**
 * A short signature of the campaign parameters and click ids in `href` (undefined without any):
 * a landing with a different one starts a new session.
 */
export function campaignSignature(href: string): string | undefined {
  const text = new URL(href).search
    .split(/[?&]/)
    .filter((pair) => CAMPAIGN_PAIR.test(pair))
    .join();
  let hash = 5381;
  for (const char of text) hash = (hash * 33) ^ char.charCodeAt(0);
  if (text) return (hash >>> 0).toString(36);
}

/**
 * The touch a page load carries, or undefined when the visit comes from nowhere in particular
 * (typed URL, reload, a link on the same site): those never replace a remembered touch.
 */
export function touchFromLocation(
  href: string,
  referrer: string,
  timestamp: string,
  cookieDomain?: string,
): Touch | undefined {
  let external: boolean | undefined; // no referrer, or none that parses: not external
  try {
    external = !isSameSite(new URL(referrer).hostname, cookieDomain);
  } catch {}
  if (external || campaignSignature(href))
    return {
      landingPage: href.slice(0, 8192),
      referrer: external ? referrer.slice(0, 8192) : undefined,
      timestamp,
    };
}
