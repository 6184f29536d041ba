import { describe, expect, it } from 'vitest';
import { parseBasePath } from './base-path.ts';

describe('parseBasePath', () => {
  it('treats unset and empty as no prefix', () => {
    expect(parseBasePath(undefined)).toEqual({ ok: true, basePath: '' });
    expect(parseBasePath('')).toEqual({ ok: true, basePath: '' });
  });

  it('accepts one or more plain segments', () => {
    expect(parseBasePath('/ll')).toEqual({ ok: true, basePath: '/ll' });
    expect(parseBasePath('/t/lead-loop_1.v2')).toEqual({ ok: true, basePath: '/t/lead-loop_1.v2' });
  });

  it('refuses a missing leading slash, a trailing slash and the root alone', () => {
    expect(parseBasePath('ll')).toEqual({ ok: false, error: 'must start with "/"' });
    expect(parseBasePath('/ll/')).toEqual({ ok: false, error: 'must not end with "/"' });
    expect(parseBasePath('/')).toEqual({ ok: false, error: 'must not end with "/"' });
  });

  it('refuses empty or dot segments and anything Hono would read as a pattern', () => {
    for (const value of ['/a//b', '/..', '/a/.', '/:site', '/ll/*', '/l l', '/ll?x', '/ll#x']) {
      expect(parseBasePath(value).ok, value).toBe(false);
    }
  });
});
