// `GET /report` and `GET /report.js` through the real worker: a public page whose policy lets
// nothing run or load but its own script and style and calls back to the collector, whose URLs are
// all relative (so it works under the base path), which offers every model and grouping, and whose
// script never parses data as markup nor keeps the key anywhere but the tab. How it renders and
// behaves is tests/report-page.test.ts, in Chromium.

import { ATTRIBUTION_CONVERSIONS, ATTRIBUTION_GROUPS, ATTRIBUTION_MODELS } from '@leadloop/schema';
import { describe, expect, it } from 'vitest';
import { request } from './helpers.ts';

const directives = (policy: string) =>
  new Map(
    policy.split(';').map((directive) => {
      const [name, ...values] = directive.trim().split(/\s+/);
      return [name!, values] as const;
    }),
  );

async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

const optionValues = (html: string, selectId: string) => {
  const start = html.indexOf(`<select id="${selectId}">`);
  const select = html.slice(start, html.indexOf('</select>', start));
  return [...select.matchAll(/<option value="([^"]+)"/g)].map((match) => match[1]);
};

describe('GET /report', () => {
  it('is a public HTML page: no key needed, not cached for long, no referrer sent', async () => {
    const response = await request('/report');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await response.text()).toContain('<title>Leadloop report</title>');
  });

  it('may run only its own script and style, and talk only to the collector', async () => {
    const response = await request('/report');
    const policy = directives(response.headers.get('content-security-policy') ?? '');
    const html = await response.text();
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);

    // The one style block, allowed by its hash: an edit to the style without the policy fails here.
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1]!);
    expect(styles).toHaveLength(1);
    expect(policy.get('style-src')).toEqual([`'sha256-${await sha256Base64(styles[0]!)}'`]);
    expect(html).not.toMatch(/\sstyle="/);

    // Scripts only by source, none inline, no handler attributes.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((match) => match[1]!.trim())).toEqual(['src="report.js" defer']);
    expect(scripts[0]![2]).toBe('');
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('links only relatively, so it works under the base path, and is served there too', async () => {
    const html = await (await request('/report')).text();
    const urls = [...html.matchAll(/\s(?:href|src|action)="([^"]*)"/g)].map((match) => match[1]);
    expect(urls.sort()).toEqual(['docs', 'report', 'report.js']);
    const based = await request('/ll/report');
    expect(based.status).toBe(200);
    expect(await based.text()).toBe(html);
  });

  it('asks for the key in a field that no form submission can carry', async () => {
    const html = await (await request('/report')).text();
    const field = /<input id="secret-key"[^>]*>/.exec(html)?.[0];
    expect(field).toContain('type="password"');
    expect(field).not.toContain('name=');
    expect(html).not.toContain('action=');
  });

  it('offers every attribution model, grouping and conversion the API takes', async () => {
    const html = await (await request('/report')).text();
    expect(optionValues(html, 'model')).toEqual([...ATTRIBUTION_MODELS]);
    expect(optionValues(html, 'group-by')).toEqual([...ATTRIBUTION_GROUPS]);
    expect(optionValues(html, 'conversion')).toEqual([...ATTRIBUTION_CONVERSIONS]);
    expect(html).toMatch(/<option value="last_non_direct" selected>/);
  });
});

describe('GET /report.js', () => {
  it('is public JavaScript, served under the base path too', async () => {
    for (const path of ['/report.js', '/ll/report.js']) {
      const response = await request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    }
  });

  it('never parses data as markup, and keeps the key in the tab only', async () => {
    const script = await (await request('/report.js')).text();
    expect(script.startsWith("'use strict';")).toBe(true);
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval('])
      expect(script, sink).not.toContain(sink);
    expect(script).not.toContain('localStorage');
    expect(script).toContain('sessionStorage');
    // API paths are relative to the page, never rooted: a base path carries over.
    for (const path of ['v1/attribution', 'v1/reports/funnel', 'v1/reports/inquiries']) {
      expect(script).toContain(`'${path}'`);
      expect(script).not.toContain(`'/${path}'`);
    }
    expect(script).toContain("authorization: 'Bearer ' + key");
  });
});
