import { Hono } from 'hono';

export type SdkScript = { code: string; etag: string };

// Script tags cannot carry a version, so cache briefly and revalidate in the background.
const CACHE_CONTROL = 'public, max-age=3600, stale-while-revalidate=86400';

/** `GET /leadloop.js`: the SDK's script-tag build. */
export function sdkScriptRoutes(script: SdkScript): Hono {
  return new Hono().get('/leadloop.js', (c) => {
    const headers = {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': CACHE_CONTROL,
      etag: script.etag,
      'x-content-type-options': 'nosniff',
      'access-control-allow-origin': '*',
    };
    const cached = c.req.header('if-none-match');
    if (cached?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === script.etag)) {
      return c.body(null, 304, headers);
    }
    return c.body(script.code, 200, headers);
  });
}
