// Serves the landing page with the script tag pointed at a collector. Used by `pnpm start` and the
// browser tests; any static host works the same once the two placeholders are filled in.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';

export type LandingPageOptions = {
  port: number;
  host?: string;
  collectorUrl: string;
  writeKey: string;
};

const pages: Record<string, string> = { '/': 'index.html', '/thanks': 'thanks.html' };

async function render(file: string, options: LandingPageOptions): Promise<string> {
  const template = await readFile(new URL(file, import.meta.url), 'utf8');
  return template
    .replaceAll('{{COLLECTOR_URL}}', options.collectorUrl)
    .replaceAll('{{WRITE_KEY}}', options.writeKey);
}

/** Starts the page server; resolves once it listens. */
export function serveLandingPage(options: LandingPageOptions): Promise<Server> {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://page').pathname;
    const file = pages[path];
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    request.resume(); // the quote form posts here; the demo keeps nothing of it
    const html = await render(file, options);
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve(server));
  });
}
