// Serves the HTML fixtures of the browser tests (tests/fixtures/NAME.html at /NAME.html) with the
// collector URL and write key filled in, the SDK's script-tag build at /leadloop.js (for pages that
// must load while the collector is down), and a page without the SDK for every form POST.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';

const fixturesDir = join(import.meta.dirname, 'fixtures');
const sdkScript = join(import.meta.dirname, '../packages/sdk/dist/leadloop.js');

export type FixtureServerOptions = { port: number; collectorUrl: string; writeKey: string };

export type FixtureServer = {
  /** Form bodies posted to the server, oldest first. */
  posts: { path: string; body: string }[];
  close(): Promise<void>;
};

/** Starts the server on 127.0.0.1 (any Host name mapped there works); resolves once it listens. */
export function serveFixtures(options: FixtureServerOptions): Promise<FixtureServer> {
  const posts: FixtureServer['posts'] = [];
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://fixtures').pathname;
    if (request.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      posts.push({ path, body: Buffer.concat(chunks).toString() });
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<!doctype html><title>Thanks</title><h1>Thanks, no tracking here</h1>');
      return;
    }
    if (path === '/leadloop.js') {
      response
        .writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' })
        .end(await readFile(sdkScript));
      return;
    }
    const name = /^\/([\w-]+)\.html$/.exec(path)?.[1];
    const html =
      name && (await readFile(join(fixturesDir, `${name}.html`), 'utf8').catch(() => ''));
    if (!html) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        html
          .replaceAll('{{COLLECTOR_URL}}', options.collectorUrl)
          .replaceAll('{{WRITE_KEY}}', options.writeKey),
      );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () =>
      resolve({
        posts,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      }),
    );
  });
}
