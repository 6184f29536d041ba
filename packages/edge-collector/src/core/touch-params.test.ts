import { CLICK_ID_PARAMS } from '@leadloop/schema';
import { describe, expect, it } from 'vitest';
import { withCampaignFields, withFacebookClickId } from './touch-params.ts';

const timestamp = '2025-03-04T05:06:07.089Z';

describe('withCampaignFields', () => {
  it('reads every UTM parameter, utm_id into utmId, keeping landing page and time', () => {
    const landingPage =
      'https://www.example.com/pricing?utm_source=google&utm_medium=cpc&utm_campaign=spring' +
      '&utm_term=crm%20software&utm_content=ad-1&utm_id=cmp-42&other=1';
    expect(withCampaignFields({ landingPage, timestamp })).toEqual({
      source: 'google',
      medium: 'cpc',
      campaign: 'spring',
      term: 'crm software',
      content: 'ad-1',
      utmId: 'cmp-42',
      landingPage,
      timestamp,
    });
  });

  it('collects every known click id, skips empty values and ignores unknown parameters', () => {
    const query = CLICK_ID_PARAMS.map((name, index) => `${name}=v${index}`).join('&');
    const landingPage = `https://www.example.com/lp?${query}&foo=bar&utm_nope=1&utm_source=`;
    const touch = withCampaignFields({ landingPage });
    expect(CLICK_ID_PARAMS).toHaveLength(14);
    expect(touch.clickIds).toEqual(
      Object.fromEntries(CLICK_ID_PARAMS.map((name, index) => [name, `v${index}`])),
    );
    expect(Object.keys(touch).sort()).toEqual(['clickIds', 'landingPage']);
  });

  it('keeps what the sender stated over what the URL says', () => {
    const touch = {
      source: 'crm-import',
      clickIds: { gclid: 'G-stated' },
      landingPage: 'https://www.example.com/?utm_source=google&utm_medium=cpc&gclid=G-url',
    };
    expect(withCampaignFields(touch)).toEqual({ ...touch, medium: 'cpc' });
  });

  it('cuts a value to the text limit rather than losing the event', () => {
    const landingPage = `https://www.example.com/?utm_campaign=${'x'.repeat(5000)}`;
    expect(withCampaignFields({ landingPage }).campaign).toHaveLength(1024);
  });

  it('leaves a touch without a parsable landing page as it is', () => {
    const referrerOnly = { referrer: 'https://news.ycombinator.com/' };
    expect(withCampaignFields(referrerOnly)).toBe(referrerOnly);
    expect(withCampaignFields({ landingPage: 'not a url', source: 'x' })).toEqual({
      landingPage: 'not a url',
      source: 'x',
    });
  });
});

describe('withFacebookClickId', () => {
  const last = { clickIds: { fbclid: 'IwAR0abc' }, timestamp };

  it("builds _fbc from the last touch's fbclid and click time, as Meta's pixel does", () => {
    expect(withFacebookClickId({ last, adIds: { fbp: 'fb.1.1.2' } })).toEqual({
      fbc: 'fb.1.1741064767089.IwAR0abc',
      fbp: 'fb.1.1.2',
    });
    expect(withFacebookClickId({ last })).toEqual({ fbc: 'fb.1.1741064767089.IwAR0abc' });
  });

  it('prefers the _fbc cookie the browser sent', () => {
    const adIds = { fbc: 'fb.1.1600000000000.fromPixel' };
    expect(withFacebookClickId({ last, adIds })).toBe(adIds);
  });

  it('builds nothing from other click ids, or without a click time', () => {
    expect(withFacebookClickId({ last: { ...last, clickIds: { gclid: 'G-1' } } })).toBe(undefined);
    expect(withFacebookClickId({ last: { clickIds: last.clickIds } })).toBe(undefined);
    expect(withFacebookClickId({ first: last })).toBe(undefined);
  });
});
