import { describe, expect, it } from 'vitest';
import { isOriginAllowed, normaliseOrigin, originPatterns } from './origins.ts';

describe('origins', () => {
  it('normalises case, trailing slashes and default ports', () => {
    expect(normaliseOrigin('HTTPS://Acme.com:443/')).toBe('https://acme.com');
    expect(normaliseOrigin('http://acme.com:80')).toBe('http://acme.com');
    expect(normaliseOrigin('http://acme.com:8080')).toBe('http://acme.com:8080');
  });

  it('lists the origin and every parent-domain wildcard that would admit it', () => {
    expect(originPatterns('https://a.b.acme.com')).toEqual([
      'https://a.b.acme.com',
      'https://*.b.acme.com',
      'https://*.acme.com',
      'https://*.com',
    ]);
    expect(originPatterns('http://127.0.0.1:8788')[0]).toBe('http://127.0.0.1:8788');
  });

  it('admits exact origins and subdomains of wildcards, never the apex or another scheme', () => {
    const allowed = ['https://acme.com', 'https://*.shop.test'];
    expect(isOriginAllowed('https://acme.com', allowed)).toBe(true);
    expect(isOriginAllowed('https://www.acme.com', allowed)).toBe(false);
    expect(isOriginAllowed('http://acme.com', allowed)).toBe(false);
    expect(isOriginAllowed('https://eu.shop.test', allowed)).toBe(true);
    expect(isOriginAllowed('https://a.eu.shop.test', allowed)).toBe(true);
    expect(isOriginAllowed('https://shop.test', allowed)).toBe(false);
    expect(isOriginAllowed('https://evilshop.test', allowed)).toBe(false);
    expect(isOriginAllowed('null', allowed)).toBe(false);
  });
});
