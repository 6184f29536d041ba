import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import { REPORT_CSS } from '../report-page/page-css.ts';
import { reportPageHtml } from '../report-page/page-html.ts';
import { REPORT_SCRIPT } from '../report-page/script.ts';

// Both are static for a given deploy: cache briefly, so a new version shows within minutes.
const CACHE_CONTROL = 'public, max-age=300';

/** SHA-256 of the text, base64: how a Content-Security-Policy names an inline block it allows. */
async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/**
 * The page holds a secret key: only its own script (`report.js`, same origin), its one style
 * block (by hash) and calls back to the collector may run or load; no frame may embed it and no
 * form may post anywhere.
 */
const pagePolicy = async () =>
  [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'sha256-${await sha256Base64(REPORT_CSS)}'`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

/**
 * `GET /report` and `GET /report.js`: the report page for marketers, public like `/docs`. The
 * data behind it is fetched by the script from the JSON API with the secret key the reader
 * types in; the page itself holds no data.
 */
export function reportPageRoutes(_deps: AppDeps): Hono {
  // Rendered once per isolate, on first use.
  let page: { html: string; policy: string } | undefined;
  return new Hono()
    .get('/report', async (c) => {
      page ??= { html: reportPageHtml(), policy: await pagePolicy() };
      c.header('content-security-policy', page.policy);
      c.header('cache-control', CACHE_CONTROL);
      c.header('referrer-policy', 'no-referrer');
      c.header('x-content-type-options', 'nosniff');
      return c.html(page.html);
    })
    .get('/report.js', (c) =>
      c.body(REPORT_SCRIPT, 200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': CACHE_CONTROL,
        'x-content-type-options': 'nosniff',
      }),
    );
}
