// Security: body limits hold when the client sends no Content-Length (chunked transfer), the way
// an attacker would try to slip past a limit that only reads the header. Every route that takes a
// body answers 413 problem+json for a streamed body over its limit, and a streamed body under it
// still works. The largest limit is the collect batch's (LIMITS.batchBytes); each body sent here is
// three times that, so a route without a limit would answer 400 (not JSON it knows), not 413.

import type { CreateSiteResponse } from '@leadloop/schema';
import { LIMITS } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_ADMIN_TOKEN } from '../src/http/admin-auth.ts';
import { batch, createSite, expectProblem, pageview, request, SITE_ORIGIN } from './helpers.ts';

const CHUNK = 16 * 1024;

/** A JSON body streamed in chunks, with no Content-Length: `{"pad":"xxxx…"}` of `bytes` bytes. */
function streamed(bytes: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const head = encoder.encode('{"pad":"');
  const tail = encoder.encode('"}');
  let sent = 0;
  const padding = bytes - head.length - tail.length;
  return new ReadableStream({
    pull(controller) {
      if (sent === 0) controller.enqueue(head);
      if (sent >= padding) {
        controller.enqueue(tail);
        controller.close();
        return;
      }
      const size = Math.min(CHUNK, padding - sent);
      controller.enqueue(encoder.encode('x'.repeat(size)));
      sent += size;
    },
  });
}

/** A small valid body streamed the same way, to show streaming itself is not what is refused. */
function streamedText(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 100) controller.enqueue(bytes.slice(at, at + 100));
      controller.close();
    },
  });
}

let site: CreateSiteResponse;
let webhookId: string;

beforeAll(async () => {
  site = await createSite({ name: 'Body limits' });
  const hook = await request('/v1/webhooks', {
    method: 'POST',
    headers: { authorization: `Bearer ${site.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'https://hooks.acme.test/in', eventTypes: ['lead.created'] }),
  });
  webhookId = ((await hook.json()) as { id: string }).id;
});

function send(method: string, path: string, body: ReadableStream<Uint8Array>, key?: string) {
  const headers = new Headers({ 'content-type': 'application/json' });
  const token = key ?? (path.startsWith('/v1/admin') ? DEVELOPMENT_ADMIN_TOKEN : site.secretKey);
  if (path === '/v1/collect') headers.set('origin', SITE_ORIGIN);
  else headers.set('authorization', `Bearer ${token}`);
  const outgoing = new Request(`http://collector.test${path}`, { method, headers, body });
  expect(outgoing.headers.get('content-length')).toBeNull();
  return request(path, { method, headers: outgoing.headers, body: outgoing.body });
}

describe('a streamed body without Content-Length over the limit', () => {
  const routes = () => [
    ['POST', '/v1/collect'],
    ['POST', '/v1/identify'],
    ['POST', '/v1/events'],
    ['POST', '/v1/conversions'],
    ['POST', '/v1/costs'],
    ['PATCH', '/v1/leads/lead_x'],
    ['PUT', '/v1/scoring'],
    ['POST', '/v1/webhooks'],
    ['PATCH', `/v1/webhooks/${webhookId}`],
    ['POST', `/v1/webhooks/${webhookId}/rotate-secret`],
    ['POST', '/v1/admin/sites'],
    ['PATCH', `/v1/admin/sites/${site.site.id}`],
    ['POST', `/v1/admin/sites/${site.site.id}/keys`],
  ];

  it('is answered 413 problem+json on every route that takes a body', async () => {
    const answers: string[] = [];
    for (const [method, path] of routes()) {
      const response = await send(method!, path!, streamed(3 * LIMITS.batchBytes));
      answers.push(`${method} ${path} ${response.status}`);
      if (response.status === 413) await expectProblem(response, 413);
      else await response.body?.cancel();
    }
    expect(answers.filter((line) => !line.endsWith(' 413'))).toEqual([]);
  });

  it('is fine under the limit: a streamed batch is accepted', async () => {
    const body = JSON.stringify(batch(site.writeKey, [pageview()]));
    const response = await send('POST', '/v1/collect', streamedText(body));
    expect(response.status).toBe(202);
    const rules = await send('PUT', '/v1/scoring', streamedText('{}'));
    expect(rules.status).toBe(200);
  });
});
