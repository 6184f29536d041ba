// The pages sdk-load.ts opens: one small static page, served over node:http on 127.0.0.1, with no
// tracker, with Leadloop's script tag, or with Plausible's npm build. The collect endpoints answer
// at once, as a healthy collector would, so only the browser side is measured.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Variant = {
  name: string;
  path: string;
  /** Path of the tracker's first request; none for the page without a tracker. */
  sends?: string;
};

export type LoadPages = { origin: string; variants: Variant[]; close: () => Promise<void> };

const page = (head: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Leadloop bench</title>${head}</head>
<body><h1>Book a demo</h1><p>A small landing page: some text, a form and a phone link.</p>
<form action="#"><input type="email" name="email"><button>Send</button></form>
<p><a href="tel:+15550100">+1 555 0100</a></p></body></html>`;

// No `cache-control: no-store` (every load has a fresh context anyway): with it, Chromium left the
// keepalive collect requests out of Resource Timing, where sdk-load.ts reads their start.
function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'content-type',
  });
  res.end(body);
}

export async function startLoadPages(leadloop: Buffer, plausible?: Buffer): Promise<LoadPages> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Plausible's npm build is an ES module that must be told where to send; it skips localhost
  // unless asked not to (and skips webdriver unless `window.__plausible`, set by sdk-load.ts).
  const plausibleInit = `import{init}from'/plausible.js';init({domain:'bench.test',endpoint:'${origin}/api/event',captureOnLocalhost:true})`;
  const html: Record<string, string> = {
    '/': page(''),
    '/leadloop': page(
      `<script async src="/leadloop.js" data-key="pk_bench" data-api="${origin}"></script>`,
    ),
    '/plausible': page(`<script type="module" async>${plausibleInit}</script>`),
  };

  server.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    req.resume();
    if (req.method === 'OPTIONS') return send(res, 204, 'text/plain', '');
    if (req.method === 'POST' && (path === '/v1/collect' || path === '/api/event')) {
      return send(res, 202, 'application/json', '{"accepted":1,"rejected":[]}');
    }
    if (path === '/leadloop.js') return send(res, 200, 'text/javascript', leadloop);
    if (path === '/plausible.js' && plausible) return send(res, 200, 'text/javascript', plausible);
    const body = html[path];
    return body ? send(res, 200, 'text/html', body) : send(res, 404, 'text/plain', 'not found');
  });

  const variants: Variant[] = [
    { name: 'no script', path: '/' },
    { name: 'Leadloop', path: '/leadloop', sends: '/v1/collect' },
    ...(plausible ? [{ name: 'Plausible', path: '/plausible', sends: '/api/event' }] : []),
  ];
  return {
    origin,
    variants,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
