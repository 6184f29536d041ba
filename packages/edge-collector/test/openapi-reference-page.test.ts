// `GET /docs` through the real worker: one self-contained page (no script, no asset, nothing from
// another host) listing every documented operation, whose one link to the document is relative,
// so it works under the base path too. Its rendering in Chromium is tests/docs-page.test.ts.

import { exports } from 'cloudflare:workers';
import { webhookEventTypes } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE, request } from './helpers.ts';

type Document = {
  paths: Record<string, Record<string, { operationId: string; summary: string }>>;
  components: { schemas: Record<string, unknown> };
};

let doc: Document;

beforeAll(async () => {
  doc = (await (await request('/v1/openapi.json')).json()) as Document;
});

const operations = () => Object.values(doc.paths).flatMap((item) => Object.values(item));

describe('GET /docs', () => {
  it('is a public HTML page that may load and run nothing', async () => {
    const response = await request('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('<title>Leadloop API reference</title>');
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b|\ssrc="/i);
  });

  it('shows every documented operation and schema, each with its anchor', async () => {
    const html = await (await request('/docs')).text();
    for (const operation of operations()) {
      expect(html, operation.operationId).toContain(`id="op-${operation.operationId}"`);
      expect(html, operation.operationId).toContain(`href="#op-${operation.operationId}"`);
      expect(html).toContain(operation.summary.replaceAll("'", '&#39;'));
    }
    for (const name of Object.keys(doc.components.schemas))
      expect(html, name).toContain(`id="schema-${name}"`);
  });

  it('shows what a request takes and what it answers', async () => {
    const html = await (await request('/docs')).text();
    const start = html.indexOf('id="op-createWebhook"');
    const createWebhook = html.slice(start, html.indexOf('</article>', start));
    expect(createWebhook).toContain('<code class="name">eventTypes</code>');
    expect(createWebhook).toContain('<span class="status s2">201</span>');
    expect(createWebhook).toContain('<span class="status s4">401</span>');
    // An example to start from, with the secret key from the environment.
    expect(createWebhook).toContain(`curl -X POST &quot;${BASE}/v1/webhooks&quot;`);
    expect(createWebhook).toContain('Authorization: Bearer $LEADLOOP_SECRET_KEY');
  });

  it('shows how to retry a conversion safely, and what it answers', async () => {
    const html = await (await request('/docs')).text();
    const start = html.indexOf('id="op-createConversion"');
    expect(start).toBeGreaterThan(-1);
    const createConversion = html.slice(start, html.indexOf('</article>', start));
    expect(createConversion).toContain(
      '<code class="name">idempotency-key</code> <span class="in">header</span>',
    );
    for (const status of ['200', '201', '409', '429'])
      expect(createConversion).toContain(`">${status}</span>`);
    expect(createConversion).toContain('<code>idempotent-replayed</code>');
    expect(createConversion).toContain('<code>location</code>');
    expect(createConversion).toContain('<code class="name">externalId</code>');
  });

  it('lists every webhook event type, conversion.recorded included', async () => {
    const html = await (await request('/docs')).text();
    const start = html.indexOf('id="tag-Webhooks"');
    const webhooks = html.slice(start, html.indexOf('<article', start));
    for (const type of webhookEventTypes) expect(webhooks).toContain(`<code>${type}</code>`);
    expect(webhookEventTypes).toContain('conversion.recorded');
  });

  it('links the document relatively, so it is found under the base path as well', async () => {
    for (const page of ['/docs', '/ll/docs']) {
      const html = await (await request(page)).text();
      const links = [...html.matchAll(/href="([^"#][^"]*)"/g)].map((match) => match[1]);
      expect(links, page).toEqual(['v1/openapi.json']);
      const document = new URL(links[0]!, `${BASE}${page}`);
      const response = await request(document.pathname);
      expect(response.status, document.pathname).toBe(200);
      expect(((await response.json()) as { servers: unknown }).servers).toEqual([
        { url: page === '/docs' ? '/' : '/ll' },
      ]);
    }
  });

  it('writes examples against the base path it was read under', async () => {
    const html = await (await request('/ll/docs')).text();
    expect(html).toContain(`curl -X GET &quot;${BASE}/ll/v1/leads&quot;`);
    expect(html).not.toContain(`&quot;${BASE}/v1/leads&quot;`);
  });

  it('fills in the origin each request came to, though the page is rendered once', async () => {
    for (const origin of ['http://collector.acme.com', 'https://www.acme.com']) {
      const html = await (await exports.default.fetch(new Request(`${origin}/ll/docs`))).text();
      expect(html).toContain(`curl -X GET &quot;${origin}/ll/v1/leads&quot;`);
      expect(html).toContain(`<code>${origin}/ll</code>`);
      expect(html).not.toContain('leadloop.invalid');
    }
  });
});
