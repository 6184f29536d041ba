import { z } from 'zod';

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
});

export type CreateSiteInput = z.input<typeof createSiteSchema>;
export type CreateSite = z.infer<typeof createSiteSchema>;

export type Site = {
  id: string;
  name: string;
  allowedOrigins: string[];
  timezone: string;
  defaultCountry: string | null;
  ignoredIdentifiers: string[];
  createdAt: string;
};

export type CreateSiteResponse = { site: Site; writeKey: string; secretKey: string };
