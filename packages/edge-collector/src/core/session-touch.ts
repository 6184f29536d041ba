import { CLICK_ID_PARAMS, LIMITS, type TouchFields } from '@leadloop/schema';
import { type Channel, classifyChannel } from './channel.ts';
import type { Enrichment } from './enrichment.ts';
import { normaliseOrigin } from './origins.ts';
import { withCampaignFields } from './touch-params.ts';

/** Where a session came from: what attribution groups by. */
export type SessionTouch = TouchFields & { channel: Channel };

/** What the site counts as itself: its allowed origins and the cookie domain its SDK reported. */
export type SiteHosts = { allowedOrigins: readonly string[]; cookieDomain?: string | undefined };

function hostOf(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Whether `host` is the site itself — the page's host, a host under its cookie domain, or one of
 * its allowed origins (`https://*.example.com` covers every subdomain): a self-referral, which a
 * payment page bouncing back or a link between the site's own domains must not turn into a touch.
 */
export function isOwnHost(host: string, pageHost: string | undefined, site: SiteHosts): boolean {
  if (host === pageHost) return true;
  const domain = site.cookieDomain?.replace(/^\./, '').toLowerCase();
  if (domain && (host === domain || host.endsWith(`.${domain}`))) return true;
  return site.allowedOrigins.some((origin) => {
    const allowed = /^https?:\/\/([^/:]+)/.exec(normaliseOrigin(origin))?.[1];
    if (!allowed) return false;
    return allowed.startsWith('*.') ? host.endsWith(allowed.slice(1)) : host === allowed;
  });
}

const cut = (value: string | null | undefined) => value?.trim().slice(0, LIMITS.textLength) || null;

/**
 * The touch of a session whose first pageview is `pageUrl`, reached from `referrer`: campaign
 * parameters and the first click id (in the one list's order) from the URL, the referrer host
 * unless it is the site itself, and GA4's default channel for the lot.
 */
export function sessionTouch(
  pageUrl: string,
  referrer: string | null,
  site: SiteHosts,
  enrichment: Pick<Enrichment, 'country' | 'region' | 'city' | 'deviceType'>,
): SessionTouch {
  // The same reading of the landing URL as the SDK's touches get (touch-params.ts).
  const fromUrl = withCampaignFields({ landingPage: pageUrl });
  const pageHost = hostOf(pageUrl);
  const referrerHost = hostOf(referrer);
  const externalHost =
    referrerHost && !isOwnHost(referrerHost, pageHost, site) ? referrerHost : undefined;
  const clickIdType = CLICK_ID_PARAMS.find((name) => fromUrl.clickIds?.[name]);
  const campaign = cut(fromUrl.campaign);
  const classified = classifyChannel({
    source: cut(fromUrl.source) ?? undefined,
    medium: cut(fromUrl.medium) ?? undefined,
    campaign: campaign ?? undefined,
    clickIdType,
    referrerHost: externalHost,
  });
  return {
    channel: classified.channel,
    source: cut(classified.source) ?? '(direct)',
    medium: cut(classified.medium) ?? '(none)',
    campaign,
    term: cut(fromUrl.term),
    content: cut(fromUrl.content),
    clickIdType: clickIdType ?? null,
    clickId: clickIdType ? cut(fromUrl.clickIds?.[clickIdType]) : null,
    referrerDomain: externalHost?.replace(/^www\./, '') ?? null,
    landingPage: pageUrl,
    country: enrichment.country ?? null,
    region: enrichment.region ?? null,
    city: enrichment.city ?? null,
    deviceType: enrichment.deviceType ?? null,
  };
}
