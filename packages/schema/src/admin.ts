import { z } from 'zod';
import { pageOf, responseTime } from './list-page.ts';
import type { Pinned, Same } from './same-type.ts';

/** `https://example.com`, or `https://*.example.com` for every subdomain of it. No path. */
const origin = z
  .string()
  .max(253)
  // Host labels as DNS allows them; a wildcard needs two labels under it (`*.com` is refused).
  .regex(
    /^https?:\/\/(\*\.(?=[^:]*\.))?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?(:\d{1,5})?$/i,
    {
      message: 'Expected an origin such as https://example.com or https://*.example.com',
    },
  );

export const MIN_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 3650;

let zonesByLowerCase: Map<string, string> | undefined;

/** The IANA name of a zone as spelled in the tz database (`europe/paris` → `Europe/Paris`), or null. */
function canonicalTimeZone(zone: string): string | null {
  zonesByLowerCase ??= new Map(
    Intl.supportedValuesOf('timeZone').map((name) => [name.toLowerCase(), name]),
  );
  const listed = zonesByLowerCase.get(zone.toLowerCase());
  if (listed) return listed;
  try {
    // Links such as US/Eastern are valid but not listed; offsets like +01:00 are not zones.
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return /^[A-Za-z]+(\/[A-Za-z0-9_+-]+)*$/.test(zone) ? zone : null;
  } catch {
    return null;
  }
}

const timezone = z.string().transform((zone, ctx) => {
  const canonical = canonicalTimeZone(zone);
  if (canonical === null) {
    ctx.addIssue({ code: 'custom', message: 'Expected an IANA time zone such as Europe/Paris' });
    return z.NEVER;
  }
  return canonical;
});

/**
 * How many days events, sessions and other activity are kept before the daily purge removes
 * them; null keeps them forever. At least 30: attribution needs a month of paths to mean anything.
 */
const retentionDays = z
  .number()
  .int()
  .min(MIN_RETENTION_DAYS)
  .max(MAX_RETENTION_DAYS)
  .nullable()
  .meta({
    description:
      'Days activity (events, sessions, anonymous visitors, webhook logs) is kept; null keeps it forever. Leads, conversions and costs are kept.',
  });

/** `POST /v1/admin/sites`. Unknown keys are refused, so a typo never passes silently. */
export const createSiteSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  allowedOrigins: z.array(origin).max(100),
  timezone: timezone.default('UTC'),
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, { message: 'Expected an ISO 3166-1 alpha-2 code such as US' })
    .optional(),
  /**
   * Emails that never identify anyone on this site besides the built-in junk list: whole
   * addresses (`info@acme.com`) or every address of a local part (`info@*`).
   */
  ignoredIdentifiers: z.array(z.string().trim().toLowerCase().min(1).max(320)).max(500).default([]),
  retentionDays: retentionDays.default(null),
});

export type CreateSiteInput = z.input<typeof createSiteSchema>;
export type CreateSite = z.infer<typeof createSiteSchema>;

/** `PATCH /v1/admin/sites/{siteId}`: the settings that may change after creation. */
export const updateSiteSchema = z
  .strictObject({ retentionDays: retentionDays.optional() })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'Expected at least one setting to change: retentionDays',
  });
export type UpdateSite = z.infer<typeof updateSiteSchema>;

/** A site as the admin API shows it. */
export const siteSchema = z
  .strictObject({
    id: z.string().meta({ description: 'The site’s id (`site_…`).' }),
    name: z.string(),
    allowedOrigins: z.array(z.string()).meta({
      description: 'Origins whose pages may send events (`https://*.acme.com` covers subdomains).',
    }),
    timezone: z.string().meta({ description: 'IANA time zone: the site’s days and hours.' }),
    defaultCountry: z
      .string()
      .nullable()
      .meta({ description: 'ISO 3166-1 alpha-2: how phones without a country code are read.' }),
    ignoredIdentifiers: z
      .array(z.string())
      .meta({ description: 'Emails (`info@acme.com`, `info@*`) that never identify anyone.' }),
    // Optional in the type so code that builds sites needs no change; the API always sends it.
    retentionDays: z.number().int().nullable().optional().meta({
      description: 'Days activity is kept before the daily purge; null keeps it forever.',
    }),
    createdAt: responseTime,
  })
  .meta({ id: 'Site' });
export type Site = z.infer<typeof siteSchema>;

export type CreateSiteResponse = { site: Site; writeKey: string; secretKey: string };

/** `201` of `POST /v1/admin/sites`: the keys appear here and never again. */
export const createSiteResponseSchema = z
  .strictObject({
    site: siteSchema,
    writeKey: z.string().meta({ description: 'Public write key `pk_…`, for the script tag.' }),
    secretKey: z.string().meta({ description: 'Secret key `sk_…` for the REST API: shown once.' }),
  })
  .meta({ id: 'CreatedSite' });

/** `GET /v1/admin/sites`: in id order, `cursor` is the last id of the previous page. */
export const listSitesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, { message: 'Expected a cursor from a previous page' })
    .optional(),
});

export const siteListSchema = pageOf(siteSchema).meta({ id: 'SiteList' });
export type SiteList = z.infer<typeof siteListSchema>;

// API keys. A site has public write keys `pk_…` (only for /v1/collect, no REST scopes) and secret
// keys `sk_…` for the REST API, each with the scopes `read` (GET) and/or `write` (everything else).

export const apiKeyKinds = ['secret', 'write'] as const;
export type ApiKeyKind = (typeof apiKeyKinds)[number];

export const apiKeyScopes = ['read', 'write'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** `POST /v1/admin/sites/{siteId}/keys`. A secret key gets both scopes unless told otherwise. */
export const createApiKeySchema = z
  .strictObject({
    kind: z.enum(apiKeyKinds),
    name: z.string().trim().max(100).default(''),
    scopes: z.array(z.enum(apiKeyScopes)).optional(),
  })
  .superRefine((body, ctx) => {
    if (!Array.isArray(body.scopes)) return;
    if (body.kind === 'write')
      ctx.addIssue({
        code: 'custom',
        path: ['scopes'],
        message: 'A write key has no scopes: it only sends events to /v1/collect',
      });
    else if (body.scopes.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['scopes'],
        message: 'A secret key needs at least one scope: read, write',
      });
  })
  .transform((body) => ({
    kind: body.kind,
    name: body.name,
    // One canonical order, whatever order or repetition was sent.
    scopes:
      body.kind === 'write'
        ? []
        : apiKeyScopes.filter((scope) => (body.scopes ?? apiKeyScopes).includes(scope)),
  }));
export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;
export type CreateApiKey = z.infer<typeof createApiKeySchema>;

/** A key as the admin API shows it: never the key itself nor its hash, only a recognisable prefix. */
export const apiKeySchema = z
  .strictObject({
    id: z.string().meta({ description: 'The key’s id (`key_…`): not the key itself.' }),
    kind: z.enum(apiKeyKinds).meta({
      description: '`secret` (`sk_…`, the REST API) or `write` (`pk_…`, only `POST /v1/collect`).',
    }),
    name: z.string(),
    prefix: z.string().meta({
      description:
        'The first characters (`sk_AbC123`), to tell keys apart; never enough to use one.',
    }),
    scopes: z.array(z.enum(apiKeyScopes)).meta({
      description: '`read` opens GET routes, `write` everything else; a write key has none.',
    }),
    createdAt: responseTime,
    lastUsedAt: responseTime.nullable().meta({ description: 'Updated at most once a minute.' }),
    revokedAt: responseTime
      .nullable()
      .meta({ description: 'Set once revoked: the key opens nothing.' }),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof apiKeySchema>;

/** `201` of `POST …/keys`: the key itself appears here and never again. */
export const createdApiKeySchema = z
  .strictObject({
    key: apiKeySchema,
    secret: z.string().meta({ description: 'The key itself (`sk_…` or `pk_…`): shown only here.' }),
  })
  .meta({ id: 'CreatedApiKey' });
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

/** `GET …/keys`: every key of the site, revoked ones included, oldest first (one page). */
export const apiKeyListSchema = z
  .strictObject({
    data: z.array(apiKeySchema),
    nextCursor: z.null().meta({ description: 'Always null: every key is on the one page.' }),
  })
  .meta({ id: 'ApiKeyList' });
export type ApiKeyList = z.infer<typeof apiKeyListSchema>;

export type AdminSchemasMatchTypes = Pinned<{
  createdSite: Same<z.infer<typeof createSiteResponseSchema>, CreateSiteResponse>;
}>;
