import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReceiver, type LeadloopEvent } from '../examples/webhook-receiver/receiver.ts';

// The example receiver over real HTTP, with requests signed by the `standardwebhooks` package the
// way any Standard Webhooks sender signs them.

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const secret = newSecret();
const onEvent = vi.fn<(event: LeadloopEvent) => void>();
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer(createReceiver({ secret, onEvent }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

beforeEach(() => {
  onEvent.mockReset();
});

const MEGABYTE = 1024 * 1024;

function eventBody(data: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'lead.created',
    timestamp: '2026-11-23T10:00:00.000Z',
    data: { lead: { id: 'lead_1', email: 'ada@acme.com', score: 12 }, ...data },
  });
}

type Signing = { id?: string; at?: Date; secrets?: string[] };

/** Standard Webhooks headers for `body`, one signature per secret as a sender lists them. */
function signed(
  body: string,
  { id = `msg_${randomUUID()}`, at = new Date(), secrets = [secret] }: Signing = {},
) {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((key) => new Webhook(key).sign(id, at, body)).join(' '),
  };
}

function post(body: BodyInit, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', headers, body });
}

describe('the example webhook receiver', () => {
  it('acknowledges a signed event with 204 and hands it over once, parsed', async () => {
    const body = eventBody();
    const headers = signed(body, { id: 'msg_valid' });

    const response = await post(body, headers);

    expect(response.status).toBe(204);
    expect(onEvent).toHaveBeenCalledTimes(1);
    expect(onEvent).toHaveBeenCalledWith({
      id: 'msg_valid',
      type: 'lead.created',
      timestamp: '2026-11-23T10:00:00.000Z',
      data: { lead: { id: 'lead_1', email: 'ada@acme.com', score: 12 } },
    });
  });

  it('acknowledges a retried delivery (same webhook-id) again but handles it once', async () => {
    const body = eventBody();
    const id = `msg_${randomUUID()}`;

    expect((await post(body, signed(body, { id }))).status).toBe(204);
    // A retry is signed anew, with its own timestamp, but keeps the webhook-id.
    const retryAt = new Date(Date.now() + 1000);
    expect((await post(body, signed(body, { id, at: retryAt }))).status).toBe(204);

    expect(onEvent).toHaveBeenCalledTimes(1);
  });

  it('refuses a tampered body with 400', async () => {
    const body = eventBody();
    const tampered = body.replace('"score":12', '"score":99');
    expect(tampered).not.toBe(body);

    const response = await post(tampered, signed(body));

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'No matching signature found' });
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('refuses a signature from 10 minutes ago with 400', async () => {
    const body = eventBody();
    const response = await post(body, signed(body, { at: new Date(Date.now() - 10 * 60_000) }));

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Message timestamp too old' });
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('refuses a body signed with another secret with 400', async () => {
    const body = eventBody();
    const response = await post(body, signed(body, { secrets: [newSecret()] }));

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'No matching signature found' });
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('refuses a request without the webhook headers with 400', async () => {
    const response = await post(eventBody(), { 'content-type': 'application/json' });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Missing required headers' });
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('answers anything but POST with 405', async () => {
    const response = await fetch(url);

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('accepts a body of exactly 1 MB and refuses one byte more with 413', async () => {
    const filler = (bytes: number) =>
      eventBody({ filler: '' }).replace('""', `"${'x'.repeat(bytes)}"`);
    const empty = Buffer.byteLength(filler(0));
    const atLimit = filler(MEGABYTE - empty);
    const overLimit = filler(MEGABYTE - empty + 1);
    expect(Buffer.byteLength(atLimit)).toBe(MEGABYTE);

    expect((await post(atLimit, signed(atLimit))).status).toBe(204);
    const response = await post(overLimit, signed(overLimit));

    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'Body over 1 MB' });
    expect(onEvent).toHaveBeenCalledTimes(1);
  });

  it('refuses a chunked body (no content-length) with 413 once it passes 1 MB', async () => {
    const body = eventBody({ filler: 'x'.repeat(2 * MEGABYTE) });
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(body);
        for (let at = 0; at < bytes.length; at += 64 * 1024)
          controller.enqueue(bytes.subarray(at, at + 64 * 1024));
        controller.close();
      },
    });

    const response = await fetch(url, {
      method: 'POST',
      headers: signed(body),
      body: chunks,
      duplex: 'half',
    } as RequestInit);

    expect(response.status).toBe(413);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('accepts a rotation header listing the old and new secrets where only one matches', async () => {
    const body = eventBody();
    const headers = signed(body, { secrets: [newSecret(), secret] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);

    const response = await post(body, headers);

    expect(response.status).toBe(204);
    expect(onEvent).toHaveBeenCalledTimes(1);
  });

  it('answers 500 when onEvent throws, and handles the retry', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    onEvent.mockImplementationOnce(() => {
      throw new Error('CRM is down');
    });
    const body = eventBody();
    const id = `msg_${randomUUID()}`;

    expect((await post(body, signed(body, { id }))).status).toBe(500);
    expect((await post(body, signed(body, { id }))).status).toBe(204);

    expect(onEvent).toHaveBeenCalledTimes(2);
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
  });

  it('refuses a signed body that is not a Leadloop event, or not JSON, with 400', async () => {
    const noData = JSON.stringify({ type: 'lead.created', timestamp: '2026-11-23T10:00:00.000Z' });
    const notEvent = await post(noData, signed(noData));
    const notJson = await post('{"type": "lead.created", ', signed('{"type": "lead.created", '));

    expect(notEvent.status).toBe(400);
    expect(await notEvent.json()).toEqual({ error: 'Body is not a Leadloop event' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: 'Body is not JSON' });
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('remembers the last 10,000 webhook-ids, not more', async () => {
    const forgetful = vi.fn();
    const small = createServer(createReceiver({ secret, onEvent: forgetful }));
    await new Promise<void>((resolve) => small.listen(0, '127.0.0.1', resolve));
    const smallUrl = `http://127.0.0.1:${(small.address() as AddressInfo).port}/`;
    const deliver = async (id: string) => {
      const body = eventBody();
      const response = await fetch(smallUrl, {
        method: 'POST',
        headers: signed(body, { id }),
        body,
      });
      return response.status;
    };

    try {
      expect(await deliver('msg_first')).toBe(204);
      const others = Array.from({ length: 10_000 }, (_, index) => `msg_other_${index}`);
      for (let start = 0; start < others.length; start += 100) {
        const statuses = await Promise.all(others.slice(start, start + 100).map(deliver));
        expect(statuses.every((status) => status === 204)).toBe(true);
      }
      expect(await deliver(others[0]!)).toBe(204); // the oldest of the last 10,000: remembered
      expect(forgetful).toHaveBeenCalledTimes(10_001);
      expect(await deliver('msg_first')).toBe(204); // the oldest, forgotten: handled again
      expect(forgetful).toHaveBeenCalledTimes(10_002);
    } finally {
      await new Promise((resolve) => small.close(resolve));
    }
  });

  it('will not start with a secret that is not whsec_ and base64', () => {
    expect(() => createReceiver({ secret: 'whsec_not base64!' })).toThrow(TypeError);
    expect(() => createReceiver({ secret: 'sk_live_123' })).toThrow(TypeError);
  });
});
