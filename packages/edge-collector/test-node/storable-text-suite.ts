// Text Postgres cannot hold — NUL, lone surrogates — in bodies, keys and query parameters: the
// same requests must be stored alike on D1 and Postgres, never a 500 on one and a 2xx on the other
// (found by the fuzz suite). They arrive as U+FFFD.

import type { CreateSiteResponse, LeadList } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/types.ts';
import { harness } from './leads-api-harness.ts';

export function describeStorableText(name: string, getStore: () => Store) {
  const h = harness(getStore);
  let site: CreateSiteResponse;
  let api: ReturnType<typeof h.client>;
  beforeAll(async () => {
    site = await h.createSite('Unicode edges');
    api = h.client(site);
  });

  describe(`${name}: NUL and lone surrogates`, () => {
    // Raw JSON text, so the escapes reach the server as JSON.parse reads them.
    const raw = (method: string, path: string, json: string) => api.send(method, path, json);

    it('stores a webhook description, scoring caps and spend with them replaced', async () => {
      const hook = await api.ok<{ id: string; description: string }>(
        raw(
          'POST',
          '/v1/webhooks',
          '{"url":"https://hooks.northwind.io/in","eventTypes":["*"],"description":"a\\u0000b\\ud800"}',
        ),
        201,
      );
      expect(hook.description).toBe('a\uFFFDb\uFFFD');
      const rules = await api.ok<{ caps: Record<string, number> }>(
        raw('PUT', '/v1/scoring', '{"caps":{"forms\\u0000":3}}'),
      );
      expect(Object.keys(rules.caps)).toContain('forms\uFFFD');
      await api.ok(
        raw(
          'POST',
          '/v1/costs',
          '{"costs":[{"date":"2026-11-20","source":"goo\\udc00gle","amount":1,"currency":"EUR"}]}',
        ),
      );
      const costs = await api.ok<{ data: { source: string }[] }>(api.call('/v1/costs'));
      expect(costs.data.map((cost) => cost.source)).toEqual(['goo\uFFFDgle']);
    });

    it('reads a query parameter holding a NUL as any other value', async () => {
      const list = await api.ok<LeadList>(api.call('/v1/leads?email=a%00b%40northwind.io'));
      expect(list.data).toEqual([]);
    });

    it('stores server events whose traits hold them, instead of retrying them forever', async () => {
      const answer = await api.ok<{ accepted: number }>(
        raw(
          'POST',
          '/v1/identify',
          '{"email":"nul@northwind.io","traits":{"name":"N\\u0000L","note\\ud800":"x"}}',
        ),
        202,
      );
      expect(answer.accepted).toBe(1);
      const lead = await api.byEmail('nul@northwind.io');
      expect(lead.traits).toMatchObject({ name: 'N\uFFFDL', 'note\uFFFD': 'x' });
    });
  });
}
