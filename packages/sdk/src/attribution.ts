import type { Touch } from '@leadloop/schema';
import { CLICK_ID_PARAMS, UTM_FIELDS } from '@leadloop/schema/params';

// The SDK only decides whether a landing is a touch and keeps its URL; the collector reads the
// UTM values and click ids out of `landingPage` with the same list, so the two never disagree and
// the script tag stays small.
const CAMPAIGN_PARAM = new RegExp(`^(utm_(${UTM_FIELDS.join('|')})|${CLICK_ID_PARAMS.join('|')})$`);

/** Whether `host` belongs to this site: the page's host, or any host under the cookie domain. */
export function isSameSite(host: string, cookieDomain: string | undefined): boolean {
  const domain = cookieDomain?.replace(/^\./, ''); // `.example.com` is a valid way to write it
  return (
    host === location.hostname || (!!domain && (host === domain || host.endsWith(`.${domain}`)))
  );
}

/**
 * A short signature of the campaign parameters and click ids in `href` (undefined without any):
 * a landing with a different one starts a new session.
 */
export function campaignSignature(href: string): string | undefined {
  const text = [...new URL(href).searchParams]
    .filter(([name, value]) => value && CAMPAIGN_PARAM.test(name))
    .join();
  if (!text) return undefined;
  let hash = 5381;
  for (let index = 0; index < text.length; index++) hash = (hash * 33) ^ text.charCodeAt(index);
  return (hash >>> 0).toString(36);
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
  let host = '';
  try {
    host = new URL(referrer).hostname;
  } catch {}
  const external = host && !isSameSite(host, cookieDomain);
  if (!external && !campaignSignature(href)) return undefined;
  return {
    landingPage: href.slice(0, 8192),
    referrer: external ? referrer.slice(0, 8192) : undefined,
    timestamp,
  };
}
