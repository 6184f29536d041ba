import type { Touch } from '@leadloop/schema';
import { CLICK_ID_PARAMS, UTM_FIELDS } from '@leadloop/schema/params';

/** Whether `host` belongs to this site: the page's host, or any host under the cookie domain. */
export function isSameSite(host: string, cookieDomain: string | undefined): boolean {
  const domain = cookieDomain?.replace(/^\./, ''); // `.example.com` is a valid way to write it
  return (
    host === location.hostname || (!!domain && (host === domain || host.endsWith(`.${domain}`)))
  );
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
  const params = new URL(href).searchParams;
  const touch: Touch = {};
  let found = false;
  for (const field of UTM_FIELDS) {
    const value = params.get(`utm_${field}`)?.slice(0, 1024);
    if (value) {
      touch[field === 'id' ? 'utmId' : field] = value;
      found = true;
    }
  }
  for (const name of CLICK_ID_PARAMS) {
    const value = params.get(name)?.slice(0, 1024);
    if (value) {
      touch.clickIds = { ...touch.clickIds, [name]: value };
      found = true;
    }
  }
  let referrerHost = '';
  try {
    referrerHost = new URL(referrer).hostname;
  } catch {}
  if (referrerHost && !isSameSite(referrerHost, cookieDomain)) {
    touch.referrer = referrer.slice(0, 8192);
    found = true;
  }
  if (!found) return undefined;
  touch.landingPage = href.slice(0, 8192);
  touch.timestamp = timestamp;
  return touch;
}

/** A short signature of a touch's campaign and click ids; a change starts a new session. */
export function campaignSignature(touch: Touch | undefined): string | undefined {
  if (!touch || !(touch.source || touch.campaign || touch.clickIds)) return undefined;
  const text = JSON.stringify([touch.source, touch.medium, touch.campaign, touch.clickIds]);
  let hash = 5381;
  for (let index = 0; index < text.length; index++) hash = (hash * 33) ^ text.charCodeAt(index);
  return (hash >>> 0).toString(36);
}
