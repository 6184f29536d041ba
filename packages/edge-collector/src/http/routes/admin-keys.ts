import {
  type ApiKey,
  type ApiKeyList,
  type CreatedApiKey,
  createApiKeySchema,
} from '@leadloop/schema';
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import { generateId, generateKey, sha256Hex, visiblePrefix } from '../../core/keys.ts';
import type { ApiKeyRow } from '../../store/key-store.ts';
import { resourceNotFound } from '../problem.ts';
import { parseAdminBody, requireSite } from './admin-sites.ts';

// `/v1/admin/sites/{siteId}/keys`: a site's keys. The key itself is shown once, in the answer that
// creates it; lists show a prefix to recognise it by, never the key or its hash.

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function apiKeyView(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: iso(row.createdAt)!,
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
  };
}

export function adminKeyRoutes({ store, now = Date.now }: AppDeps): Hono {
  const keyNotFound = (siteId: string, keyId: string) =>
    resourceNotFound(`No key ${keyId} on site ${siteId}.`);

  return new Hono()
    .post('/', async (c) => {
      const site = await requireSite(store, c.req.param('siteId'));
      const input = await parseAdminBody(createApiKeySchema, c.req.raw);
      const secret = generateKey(input.kind);
      const row: ApiKeyRow = {
        id: generateId('key'),
        siteId: site.id,
        kind: input.kind,
        name: input.name,
        prefix: visiblePrefix(secret),
        scopes: input.scopes,
        createdAt: now(),
        lastUsedAt: null,
        revokedAt: null,
      };
      await store.keys.createKey({ ...row, hash: await sha256Hex(secret) });
      c.header('location', `${c.req.path.replace(/\/+$/, '')}/${row.id}`);
      c.header('cache-control', 'no-store');
      const body: CreatedApiKey = { key: apiKeyView(row), secret };
      return c.json(body, 201);
    })
    .get('/', async (c) => {
      const site = await requireSite(store, c.req.param('siteId'));
      const rows = await store.keys.listKeys(site.id);
      const body: ApiKeyList = { data: rows.map(apiKeyView), nextCursor: null };
      return c.json(body);
    })
    .get('/:keyId', async (c) => {
      const site = await requireSite(store, c.req.param('siteId'));
      const keyId = c.req.param('keyId');
      const row = await store.keys.getKey(site.id, keyId);
      if (!row) throw keyNotFound(site.id, keyId);
      return c.json(apiKeyView(row));
    })
    .delete('/:keyId', async (c) => {
      const site = await requireSite(store, c.req.param('siteId'));
      const keyId = c.req.param('keyId');
      // Takes effect at once for secret keys (looked up on every request); /v1/collect remembers
      // a write key for up to a minute per isolate.
      const row = await store.keys.revokeKey(site.id, keyId, now());
      if (!row) throw keyNotFound(site.id, keyId);
      return c.json(apiKeyView(row));
    });
}
