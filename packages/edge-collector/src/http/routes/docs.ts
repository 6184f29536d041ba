import { type Context, Hono } from 'hono';
import { routePath } from 'hono/route';
import type { AppDeps } from '../../app.ts';
import { openApiDocument } from '../openapi/document.ts';
import { referencePage } from '../openapi/reference-page.ts';
import { escapeHtml } from '../openapi/schema-html.ts';

const DOCUMENT_PATH = '/v1/openapi.json';
const PAGE_PATH = '/docs';

// Both are static for a given deploy: cache briefly, so a new version shows within minutes.
const CACHE_CONTROL = 'public, max-age=300';
// The page is markup and inline style only: nothing else may load or run.
const PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

// The page is rendered once per base path with this in place of the origin, which each request
// fills in: rendering takes tens of milliseconds of CPU, the substitution almost none.
const ORIGIN_SLOT = 'https://origin.leadloop.invalid';

/**
 * `/ll` when the request came under that base path, else ''. Read off the route that matched
 * (`/ll/docs`), never off the raw URL, so it is one of the two whatever the request spelled.
 */
const basePathOf = (c: Context, suffix: string) => routePath(c).slice(0, -suffix.length);

/** `GET /v1/openapi.json` and `GET /docs`: the API reference, public, as JSON and as a page. */
export function docsRoutes(_deps: AppDeps): Hono {
  // Keyed by base path: '' or the configured one, since only those routes lead here.
  const pages = new Map<string, string>();
  return new Hono()
    .get(DOCUMENT_PATH, (c) => {
      const base = basePathOf(c, DOCUMENT_PATH);
      // Any origin may read it: API tools load documents from wherever they are served.
      c.header('access-control-allow-origin', '*');
      c.header('cache-control', CACHE_CONTROL);
      return c.json(openApiDocument(base || '/'));
    })
    .get(PAGE_PATH, (c) => {
      const base = basePathOf(c, PAGE_PATH);
      let page = pages.get(base);
      if (page === undefined) {
        page = referencePage(openApiDocument(base || '/'), `${ORIGIN_SLOT}${base}`);
        pages.set(base, page);
      }
      c.header('content-security-policy', PAGE_POLICY);
      c.header('cache-control', CACHE_CONTROL);
      return c.html(page.replaceAll(ORIGIN_SLOT, escapeHtml(new URL(c.req.url).origin)));
    });
}
