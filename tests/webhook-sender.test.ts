// One webhook delivery attempt against real local HTTP servers: the example receiver (which
// verifies the signature with the standardwebhooks package) and servers that answer 410, redirect,
// ask to retry later, hang or are not there at all.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createReceiver, type LeadloopEvent } from '../examples/webhook-receiver/receiver.ts';
import { generateWebhookSecret } from '../packages/edge-collector/src/core/webhook-signature.ts';
import { sendWebhook } from '../packages/edge-collector/src/runtime/webhook-sender.ts';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks`, requests: () => requests };
}

const message = (id = `msg_${crypto.randomUUID()}`) => ({
  id,
  body: JSON.stringify({
    type: 'lead.created',
    timestamp: new Date().toISOString(),
    data: { leadId: 'lead_1', email: 'ada@acme.com' },
  }),
});
const local = { allowPrivate: true };

describe('sendWebhook', () => {
  it('delivers a signed event that the example receiver verifies, once per webhook-id', async () => {
    const secret = generateWebhookSecret();
    const received: LeadloopEvent[] = [];
    const receiver = await serve(
      createReceiver({ secret, onEvent: (event) => void received.push(event) }),
    );
    const sent = message();
    const first = await sendWebhook(receiver.url, [secret], sent, local);
    expect(first).toMatchObject({ outcome: { kind: 'delivered' }, statusCode: 204 });
    // A retry of the same delivery: acknowledged again, handled once.
    const again = await sendWebhook(receiver.url, [secret], sent, local);
    expect(again.outcome.kind).toBe('delivered');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      id: sent.id,
      type: 'lead.created',
      data: { leadId: 'lead_1' },
    });
  });

  it('signs for the old and the new secret during a rotation', async () => {
    const [previous, next] = [generateWebhookSecret(), generateWebhookSecret()];
    const receiver = await serve(createReceiver({ secret: previous }));
    const attempt = await sendWebhook(receiver.url, [next, previous], message(), local);
    expect(attempt.outcome.kind).toBe('delivered');
  });

  it('fails on a receiver that does not know the secret', async () => {
    const receiver = await serve(createReceiver({ secret: generateWebhookSecret() }));
    const attempt = await sendWebhook(receiver.url, [generateWebhookSecret()], message(), local);
    expect(attempt).toMatchObject({
      outcome: { kind: 'failed', reason: 'HTTP 400' },
      statusCode: 400,
    });
  });

  it('reads 410 as gone', async () => {
    const gone = await serve((_req, res) => res.writeHead(410).end());
    const attempt = await sendWebhook(gone.url, [generateWebhookSecret()], message(), local);
    expect(attempt).toMatchObject({ outcome: { kind: 'gone' }, statusCode: 410 });
  });

  it('never follows a redirect', async () => {
    const secret = generateWebhookSecret();
    const receiver = await serve(createReceiver({ secret }));
    const redirect = await serve((_req, res) =>
      res.writeHead(307, { location: receiver.url }).end(),
    );
    const attempt = await sendWebhook(redirect.url, [secret], message(), local);
    expect(attempt).toMatchObject({
      outcome: { kind: 'failed', reason: 'redirect 307 (not followed)' },
      statusCode: 307,
    });
    expect(receiver.requests()).toBe(0);
  });

  it("honours the receiver's Retry-After", async () => {
    const busy = await serve((_req, res) => res.writeHead(503, { 'retry-after': '120' }).end());
    const attempt = await sendWebhook(busy.url, [generateWebhookSecret()], message(), local);
    expect(attempt.outcome).toEqual({ kind: 'failed', reason: 'HTTP 503', retryAfterSeconds: 120 });
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const slow = await serve(() => {}); // never answers
    const attempt = await sendWebhook(slow.url, [generateWebhookSecret()], message(), {
      ...local,
      timeoutMs: 300,
    });
    expect(attempt).toMatchObject({
      outcome: { kind: 'failed', reason: 'timed out after 0.3 s' },
      statusCode: null,
    });
    expect(attempt.latencyMs).toBeGreaterThanOrEqual(250);
  });

  it('reports a receiver that is not there', async () => {
    const gone = await serve(() => {});
    const url = gone.url;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const attempt = await sendWebhook(url, [generateWebhookSecret()], message(), local);
    expect(attempt.outcome).toMatchObject({ kind: 'failed' });
    expect(attempt.outcome.kind === 'failed' && attempt.outcome.reason).toMatch(/^network error/);
  });

  it('refuses a loopback endpoint outside development, without sending anything', async () => {
    const receiver = await serve(createReceiver({ secret: generateWebhookSecret() }));
    const attempt = await sendWebhook(receiver.url, [generateWebhookSecret()], message(), {
      allowPrivate: false,
    });
    expect(attempt.outcome).toMatchObject({ kind: 'failed' });
    expect(attempt.outcome.kind === 'failed' && attempt.outcome.reason).toContain(
      'endpoint refused',
    );
    expect(receiver.requests()).toBe(0);
  });
});
