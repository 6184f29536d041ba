import { CHANNELS, type ClickIdParam } from '@leadloop/schema';
import { findKnownSource, type SourceCategory } from './channel-hosts.ts';

// GA4's default channel group for manually tagged traffic, first match wins, as Google's help page
// "[GA4] Default channel group" (support.google.com/analytics/answer/9756891) defines it. We have no
// Shopping, Audio or Push channels: shopping traffic falls to the search/social/video rule its
// source matches, or Paid Other; medium `audio` counts as Paid Other; push as Unassigned.

export { CHANNELS };

export type Channel = (typeof CHANNELS)[number];

export type ChannelInput = {
  /** UTM values as the landing URL sent them, in any case. */
  source?: string;
  medium?: string;
  campaign?: string;
  /** The first click id present, in `CLICK_ID_PARAMS` order. */
  clickIdType?: ClickIdParam;
  /** The external referrer's host; the caller has already dropped self-referrals. */
  referrerHost?: string;
};

/** A touch's channel with the source and medium it was decided on (trimmed, lower-case). */
export type ClassifiedTouch = { channel: Channel; source: string; medium: string };

type ClickIdOrigin = {
  /** Source and medium reported when the URL has no UTM tags. */
  source: string;
  medium: string;
  /** The channel the click id proves, if it is only ever added to ad clicks. */
  channel?: Channel;
  /** UTM sources the click id agrees with; another source means the UTM tags decide. */
  ownSources?: readonly string[];
};

const CLICK_ID_ORIGINS: Record<ClickIdParam, ClickIdOrigin> = {
  gclid: { source: 'google', medium: 'cpc', channel: 'Paid Search', ownSources: ['google'] },
  gbraid: { source: 'google', medium: 'cpc', channel: 'Paid Search', ownSources: ['google'] },
  wbraid: { source: 'google', medium: 'cpc', channel: 'Paid Search', ownSources: ['google'] },
  // Campaign Manager 360 / DV360 tag ads on any publisher, next to the publisher's UTM source.
  dclid: { source: 'doubleclick', medium: 'display', channel: 'Display' },
  // Meta adds fbclid to organic and paid links alike: only a paid medium makes it Paid Social.
  fbclid: { source: 'facebook', medium: 'referral', ownSources: ['facebook', 'instagram'] },
  msclkid: { source: 'bing', medium: 'cpc', channel: 'Paid Search', ownSources: ['bing'] },
  ttclid: { source: 'tiktok', medium: 'cpc', channel: 'Paid Social', ownSources: ['tiktok'] },
  li_fat_id: {
    source: 'linkedin',
    medium: 'cpc',
    channel: 'Paid Social',
    ownSources: ['linkedin'],
  },
  twclid: { source: 'twitter', medium: 'cpc', channel: 'Paid Social', ownSources: ['twitter'] },
  epik: { source: 'pinterest', medium: 'cpc', channel: 'Paid Social', ownSources: ['pinterest'] },
  rdt_cid: { source: 'reddit', medium: 'cpc', channel: 'Paid Social', ownSources: ['reddit'] },
  sccid: { source: 'snapchat', medium: 'cpc', channel: 'Paid Social', ownSources: ['snapchat'] },
  yclid: { source: 'yandex', medium: 'cpc', channel: 'Paid Search', ownSources: ['yandex'] },
  // impact.com runs many publishers' links, so any UTM source goes with it.
  irclickid: { source: 'impact', medium: 'affiliate', channel: 'Affiliates' },
};

const NOT_SET = '(not set)';
const PAID_MEDIUM = /^(.*cp.*|ppc|retargeting|paid.*)$/;
const DISPLAY_MEDIUMS = new Set(['display', 'banner', 'expandable', 'interstitial', 'cpm']);
const SOCIAL_MEDIUMS = new Set([
  'social',
  'social-network',
  'social-media',
  'sm',
  'social network',
  'social media',
]);
const EMAIL_VALUES = new Set(['email', 'e-mail', 'e_mail', 'e mail']);
const REFERRAL_MEDIUMS = new Set(['referral', 'app', 'link']);

/** What the rules look at, after normalising and inferring. */
type Signals = {
  source: string;
  medium: string;
  campaign: string;
  category: SourceCategory | undefined;
  /** The channel a click id proves, when the UTM source does not name another platform. */
  clickChannel: Channel | undefined;
};

const isPaid = (signals: Signals) => PAID_MEDIUM.test(signals.medium);

// GA4's table, in its order; the first rule that holds names the channel.
const RULES: ReadonlyArray<readonly [Channel, (signals: Signals) => boolean]> = [
  [
    'Direct',
    (s) =>
      s.source === '(direct)' && (s.medium === '(none)' || s.medium === NOT_SET) && !s.campaign,
  ],
  ['Cross-network', (s) => s.campaign.includes('cross-network')],
  [
    'Paid Search',
    (s) => (s.category === 'search' && isPaid(s)) || s.clickChannel === 'Paid Search',
  ],
  [
    'Paid Social',
    (s) => (s.category === 'social' && isPaid(s)) || s.clickChannel === 'Paid Social',
  ],
  ['Paid Video', (s) => s.category === 'video' && isPaid(s)],
  ['Display', (s) => DISPLAY_MEDIUMS.has(s.medium) || s.clickChannel === 'Display'],
  ['Paid Other', (s) => isPaid(s) || s.medium === 'audio'],
  ['Organic Social', (s) => s.category === 'social' || SOCIAL_MEDIUMS.has(s.medium)],
  ['Organic Video', (s) => s.category === 'video' || s.medium.includes('video')],
  ['Organic Search', (s) => s.category === 'search' || s.medium === 'organic'],
  ['Email', (s) => EMAIL_VALUES.has(s.source) || EMAIL_VALUES.has(s.medium)],
  ['Affiliates', (s) => s.medium === 'affiliate' || s.clickChannel === 'Affiliates'],
  ['Referral', (s) => REFERRAL_MEDIUMS.has(s.medium)],
  ['SMS', (s) => s.source === 'sms' || s.medium === 'sms'],
];

function normalise(value: string | undefined): string | undefined {
  return value?.trim().toLowerCase() || undefined;
}

/** A source and medium with the kind of site the source is. */
type Sourced = { source: string; medium: string; category: SourceCategory | undefined };

function named(source: string, medium: string): Sourced {
  return { source, medium, category: findKnownSource(source)?.category };
}

// The medium GA4 gives an untagged visit from a known site. Beyond GA4, which calls both
// referrals: a click in webmail is email, one through an ad server display.
const REFERRER_MEDIUMS: Record<Exclude<SourceCategory, 'other'>, string> = {
  search: 'organic',
  social: 'referral',
  video: 'referral',
  email: 'email',
  ads: 'display',
};

/**
 * An untagged visit from `host`. The category comes from the host, not the name: Yandex's webmail
 * is named `yandex` like its search engine.
 */
function fromReferrer(host: string): Sourced {
  const known = findKnownSource(host);
  if (!known || known.category === 'other') {
    return { source: host.replace(/^www\./, ''), medium: 'referral', category: known?.category };
  }
  return { source: known.name, medium: REFERRER_MEDIUMS[known.category], category: known.category };
}

function sourceAndMedium(
  utm: { source?: string; medium?: string; campaign?: string },
  origin: ClickIdOrigin | undefined,
  referrerHost: string | undefined,
): Sourced {
  if (utm.source || utm.medium || utm.campaign) {
    // Tagged: UTM values win, a click id fills a missing one, GA4 says (not set) for the rest.
    return named(utm.source ?? origin?.source ?? NOT_SET, utm.medium ?? origin?.medium ?? NOT_SET);
  }
  const referred = referrerHost ? fromReferrer(referrerHost) : undefined;
  if (origin) {
    // Keep a referrer that names the click id's own platform: fbclid from Instagram is instagram.
    const ownReferrer = referred && origin.ownSources?.includes(referred.source);
    return named(ownReferrer ? referred.source : origin.source, origin.medium);
  }
  return referred ?? named('(direct)', '(none)');
}

function agreesWith(origin: ClickIdOrigin, utmSource: string | undefined): boolean {
  if (utmSource === undefined || origin.ownSources === undefined) return true;
  const name = findKnownSource(utmSource)?.name ?? utmSource;
  return origin.ownSources.includes(name);
}

/**
 * The channel of a touch under GA4's default channel group, with the source and medium it rests
 * on. Without UTM tags, source and medium are inferred as GA4 does: from the click id
 * (`google / cpc` for a gclid), else the referrer (`google / organic`, `facebook / referral`,
 * `blog.example.org / referral`), else `(direct) / (none)`.
 *
 * @example
 * classifyChannel({ source: 'Google', medium: 'CPC', clickIdType: 'gclid' });
 * // { channel: 'Paid Search', source: 'google', medium: 'cpc' }
 * classifyChannel({ referrerHost: 'l.facebook.com' });
 * // { channel: 'Organic Social', source: 'facebook', medium: 'referral' }
 */
export function classifyChannel(input: ChannelInput): ClassifiedTouch {
  const utm = {
    source: normalise(input.source),
    medium: normalise(input.medium),
    campaign: normalise(input.campaign),
  };
  const origin = input.clickIdType ? CLICK_ID_ORIGINS[input.clickIdType] : undefined;
  const referrerHost = normalise(input.referrerHost)?.replace(/\.$/, '');
  const { source, medium, category } = sourceAndMedium(utm, origin, referrerHost);
  const signals: Signals = {
    source,
    medium,
    campaign: utm.campaign ?? '',
    category,
    clickChannel: origin && agreesWith(origin, utm.source) ? origin.channel : undefined,
  };
  const channel = RULES.find(([, holds]) => holds(signals))?.[0] ?? 'Unassigned';
  return { channel, source, medium };
}
