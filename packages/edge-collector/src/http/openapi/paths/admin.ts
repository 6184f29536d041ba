import {
  apiKeyListSchema,
  apiKeySchema,
  createApiKeySchema,
  createdApiKeySchema,
  createSiteResponseSchema,
  createSiteSchema,
  listSitesQuerySchema,
  siteListSchema,
  siteSchema,
  updateSiteSchema,
} from '@leadloop/schema';
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { described } from '../described.ts';
import { ADMIN, json, location, noStore, problems } from '../responses.ts';

const tags = ['Admin'];
const siteId = z.object({ siteId: z.string().meta({ description: 'The site’s id (`site_…`).' }) });
const keyPath = siteId.extend({
  keyId: z.string().meta({ description: 'The key’s id (`key_…`), as listed; not the key itself.' }),
});
const body = (schema: z.ZodType) => ({
  required: true,
  content: { 'application/json': { schema } },
});

const createApiKey = described(createApiKeySchema.in, {
  kind: '`secret` (`sk_…`) for the REST API, or `write` (`pk_…`) for the script tag.',
  name: 'What the key is for, to recognise it by (`CRM sync`).',
  scopes:
    'A secret key’s scopes, both when left out: `read` opens GET routes, `write` everything else. ' +
    'A write key takes none.',
}).meta({ id: 'CreateApiKey' });

const listSitesQuery = described(listSitesQuerySchema, {
  limit: 'Sites per page.',
  cursor: '`nextCursor` of the previous page.',
});

/** `/v1/admin/*`: the operator's routes, behind `LEADLOOP_ADMIN_TOKEN`. */
export const adminPaths: ZodOpenApiPathsObject = {
  '/v1/admin/sites': {
    post: {
      tags,
      operationId: 'createSite',
      summary: 'Create a site',
      description:
        'A site with its first write key `pk_…` and secret key `sk_…`, both shown in this answer only. ' +
        'The admin API is off (403) when no admin token is configured outside development.',
      ...ADMIN,
      requestBody: body(createSiteSchema.meta({ id: 'CreateSite' })),
      responses: {
        201: json('The site and its keys.', createSiteResponseSchema, noStore),
        ...problems(400, 401, 403, 413, 415),
      },
    },
    get: {
      tags,
      operationId: 'listSites',
      summary: 'List sites',
      description: 'Every site, in id order, a page at a time.',
      ...ADMIN,
      requestParams: { query: listSitesQuery },
      responses: {
        200: json('A page of sites.', siteListSchema),
        ...problems(400, 401, 403),
      },
    },
  },
  '/v1/admin/sites/{siteId}': {
    get: {
      tags,
      operationId: 'getSite',
      summary: 'Retrieve a site',
      ...ADMIN,
      requestParams: { path: siteId },
      responses: {
        200: json('The site.', siteSchema),
        ...problems(401, 403, 404),
      },
    },
    patch: {
      tags,
      operationId: 'updateSite',
      summary: 'Update a site',
      description:
        'Changes the site’s data retention: `retentionDays` (30–3650, or null to keep everything). ' +
        'The daily purge then deletes events, sessions, browsers with no session left, ' +
        'quarantined messages, relayed outbox changes, finished webhook deliveries and kept ' +
        '`Idempotency-Key` answers older than that; leads, their identifiers, conversions and ' +
        'costs are kept.',
      ...ADMIN,
      requestParams: { path: siteId },
      requestBody: body(updateSiteSchema.meta({ id: 'UpdateSite' })),
      responses: {
        200: json('The site as updated.', siteSchema),
        ...problems(400, 401, 403, 404, 413, 415),
      },
    },
  },
  '/v1/admin/sites/{siteId}/keys': {
    post: {
      tags,
      operationId: 'createApiKey',
      summary: 'Create a key',
      description:
        'A new secret key `sk_…` (scopes `read` and/or `write`) or write key `pk_…` for the site. ' +
        'The key itself is in this answer only; lists show its prefix.',
      ...ADMIN,
      requestParams: { path: siteId },
      requestBody: body(createApiKey),
      responses: {
        201: json('The key, with the key itself in `secret`.', createdApiKeySchema, {
          ...location('the new key'),
          ...noStore,
        }),
        ...problems(400, 401, 403, 404, 413, 415),
      },
    },
    get: {
      tags,
      operationId: 'listApiKeys',
      summary: 'List a site’s keys',
      description: 'Every key of the site, revoked ones included, oldest first, on one page.',
      ...ADMIN,
      requestParams: { path: siteId },
      responses: {
        200: json('The keys, by prefix: never the keys themselves.', apiKeyListSchema),
        ...problems(401, 403, 404),
      },
    },
  },
  '/v1/admin/sites/{siteId}/keys/{keyId}': {
    get: {
      tags,
      operationId: 'getApiKey',
      summary: 'Retrieve a key',
      ...ADMIN,
      requestParams: { path: keyPath },
      responses: {
        200: json('The key, by prefix.', apiKeySchema),
        ...problems(401, 403, 404),
      },
    },
    delete: {
      tags,
      operationId: 'revokeApiKey',
      summary: 'Revoke a key',
      description:
        'A secret key stops working at once; `POST /v1/collect` may take a write key for up to a ' +
        'minute more. Revoking a revoked key changes nothing and answers the same.',
      ...ADMIN,
      requestParams: { path: keyPath },
      responses: {
        200: json('The key, with `revokedAt` set.', apiKeySchema),
        ...problems(401, 403, 404),
      },
    },
  },
};
