import { describe, expect, it } from 'vitest';
import { scrubUrl } from './scrub-url.ts';

describe('scrubUrl', () => {
  it('drops credential-like query parameters and keeps the rest as sent', () => {
    expect(
      scrubUrl('https://acme.test/reset?token=abc&utm_source=mail&password=p&api_key=k&x=1'),
    ).toBe('https://acme.test/reset?utm_source=mail&x=1');
    expect(scrubUrl('https://acme.test/cb?code=oauth&state=s')).toBe(
      'https://acme.test/cb?state=s',
    );
    expect(scrubUrl('https://acme.test/?session_id=1&sig=2')).toBe('https://acme.test/');
  });

  it('drops a fragment that carries tokens, keeps ordinary ones', () => {
    expect(scrubUrl('https://acme.test/welcome#access_token=eyJ&refresh_token=r')).toBe(
      'https://acme.test/welcome',
    );
    expect(scrubUrl('https://acme.test/docs#pricing')).toBe('https://acme.test/docs#pricing');
    expect(scrubUrl('https://app.test/#/settings?tab=team')).toBe(
      'https://app.test/#/settings?tab=team',
    );
  });

  it('leaves names that merely contain a credential word alone', () => {
    const url = 'https://acme.test/?signup=1&keyword=roof&passenger=2&utm_content=a';
    expect(scrubUrl(url)).toBe(url);
  });

  it('finds percent-encoded and upper-case names too', () => {
    expect(scrubUrl('https://acme.test/?%74oken=abc&x=1')).toBe('https://acme.test/?x=1');
    expect(scrubUrl('https://acme.test/?API_KEY=k&x=1')).toBe('https://acme.test/?x=1');
  });

  it('returns a URL that names no credential as it came', () => {
    const url = 'https://acme.test/lp?utm_source=google&utm_medium=cpc&gclid=Cj0&q=roof%20repair';
    expect(scrubUrl(url)).toBe(url);
    expect(scrubUrl('https://acme.test/Pricing?utm_source=Google')).toBe(
      'https://acme.test/Pricing?utm_source=Google',
    );
  });

  it('returns unparsable and empty values unchanged', () => {
    expect(scrubUrl('not a url')).toBe('not a url');
    expect(scrubUrl(undefined)).toBeUndefined();
  });
});
