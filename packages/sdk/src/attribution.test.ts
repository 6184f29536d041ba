import { afterEach, describe, expect, it } from 'vitest';
import { touchFromLocation } from './attribution.ts';

const NOW = new Date('2025-03-04T05:06:07.089Z');

/** happy-dom's own way to move the window without navigating. */
function setURL(url: string): void {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
}

function touchAt(url: string, referrer = '') {
  setURL(url);
  return touchFromLocation(location, referrer, NOW);
}

describe('touchFromLocation', () => {
  afterEach(() => setURL('https://www.example.com/'));

  it('reads every UTM parameter, utm_id into utmId, with landing page and timestamp', () => {
    const url =
      'https://www.example.com/pricing?utm_source=google&utm_medium=cpc&utm_campaign=spring' +
      '&utm_term=crm%20software&utm_content=ad-1&utm_id=cmp-42&other=1';
    expect(touchAt(url)).toEqual({
      source: 'google',
      medium: 'cpc',
      campaign: 'spring',
      term: 'crm software',
      content: 'ad-1',
      utmId: 'cmp-42',
      landingPage: url,
      timestamp: '2025-03-04T05:06:07.089Z',
    });
  });

  it('never writes an `id` key for utm_id', () => {
    const touch = touchAt('https://www.example.com/?utm_id=abc');
    expect(touch).toEqual({
      utmId: 'abc',
      landingPage: 'https://www.example.com/?utm_id=abc',
      timestamp: '2025-03-04T05:06:07.089Z',
    });
    expect(touch).not.toHaveProperty('id');
  });

  it('skips empty UTM values', () => {
    expect(touchAt('https://www.example.com/?utm_source=&utm_medium=email')).toEqual({
      medium: 'email',
      landingPage: 'https://www.example.com/?utm_source=&utm_medium=email',
      timestamp: '2025-03-04T05:06:07.089Z',
    });
  });

  it('collects several click ids together', () => {
    const url = 'https://www.example.com/lp?gclid=G-1&fbclid=F-2&msclkid=M-3&li_fat_id=L-4&foo=bar';
    expect(touchAt(url)).toEqual({
      clickIds: { gclid: 'G-1', fbclid: 'F-2', msclkid: 'M-3', li_fat_id: 'L-4' },
      landingPage: url,
      timestamp: '2025-03-04T05:06:07.089Z',
    });
  });

  it('combines UTM parameters, click id and an external referrer', () => {
    const url = 'https://www.example.com/?utm_source=bing&msclkid=abc';
    expect(touchAt(url, 'https://www.bing.com/search?q=crm')).toEqual({
      source: 'bing',
      clickIds: { msclkid: 'abc' },
      referrer: 'https://www.bing.com/search?q=crm',
      landingPage: url,
      timestamp: '2025-03-04T05:06:07.089Z',
    });
  });

  it('makes a touch of an external referrer alone', () => {
    expect(touchAt('https://www.example.com/blog/post', 'https://news.ycombinator.com/')).toEqual({
      referrer: 'https://news.ycombinator.com/',
      landingPage: 'https://www.example.com/blog/post',
      timestamp: '2025-03-04T05:06:07.089Z',
    });
  });

  it('does not count a same-host referrer as a touch', () => {
    expect(touchAt('https://www.example.com/contact', 'https://www.example.com/pricing')).toBe(
      undefined,
    );
  });

  it('keeps campaign parameters but drops a same-host referrer', () => {
    const touch = touchAt(
      'https://www.example.com/contact?utm_source=newsletter',
      'https://www.example.com/blog',
    );
    expect(touch).toEqual({
      source: 'newsletter',
      landingPage: 'https://www.example.com/contact?utm_source=newsletter',
      timestamp: '2025-03-04T05:06:07.089Z',
    });
  });

  it('returns undefined for a plain visit (no parameters, no referrer)', () => {
    expect(touchAt('https://www.example.com/about?page=2#team')).toBe(undefined);
  });
});
