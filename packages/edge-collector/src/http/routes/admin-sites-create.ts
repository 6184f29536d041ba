import { createSiteSchema, toFieldErrors } from '@leadloop/schema';
import type { Handler } from 'hono';
import type { AppDeps } from '../../app.ts';
import { generateId, generateKey, sha256Hex, visiblePrefix } from '../../core/keys.ts';
import { validationFailed } from '../problem.ts';
import { readJsonBody } from '../read-json.ts';

/** `POST /v1/admin/sites` → 201 with the site and its keys, shown this once. */
export function createSite({ store, now = Date.now }: AppDeps): Handler {
  return async (c) => {
    const parsed = createSiteSchema.safeParse(await readJsonBody(c.req.raw));
    if (!parsed.success) throw validationFailed(toFieldErrors(parsed.error));
    const writeKey = generateKey('write');
    const secretKey = generateKey('secret');
    const keys = await Promise.all(
      [writeKey, secretKey].map(async (key) => ({
        id: generateId('key'),
        kind: key === writeKey ? ('write' as const) : ('secret' as const),
        prefix: visiblePrefix(key),
        hash: await sha256Hex(key),
      })),
    );
    const site = await store.createSite(
      {
        id: generateId('site'),
        name: parsed.data.name,
        allowedOrigins: parsed.data.allowedOrigins,
        timezone: parsed.data.timezone,
        defaultCountry: parsed.data.defaultCountry ?? null,
        ignoredIdentifiers: parsed.data.ignoredIdentifiers,
        retentionDays: parsed.data.retentionDays,
        createdAt: new Date(now()),
      },
      keys,
    );
    // The keys appear here and never again: no cache may keep them.
    c.header('cache-control', 'no-store');
    return c.json({ site, writeKey, secretKey }, 201);
  };
}
