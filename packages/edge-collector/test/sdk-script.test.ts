import sdkScript, { etag } from '@leadloop/sdk/script';
import { describe, expect, it } from 'vitest';
import { request } from './helpers.ts';

describe('GET /leadloop.js', () => {
  it('serves the script-tag build as JavaScript with cache headers', async () => {
    const response = await request('/leadloop.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(response.headers.get('cache-control')).toContain('max-age=');
    expect(response.headers.get('etag')).toBe(etag);
    const body = await response.text();
    expect(body).toBe(sdkScript);
    expect(body).toContain('/v1/collect');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const response = await request('/leadloop.js', { headers: { 'if-none-match': etag } });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
  });
});
