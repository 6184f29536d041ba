import { z } from 'zod';

/** `https://example.com`, or `https://*.example.com` for every subdomain of it. No path. */
const origin = z
  .string()
  .max(253)
  .regex(/^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/i, {
    message: 'Expected an origin such as https://example.com or https://*.example.com',
  });

const timezone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'Expected an IANA time zone such as Europe/Paris' },
);

/** `POST /v1/admin/sites`. Unknown keys are refused, so a typo never passes silently. */
export const createSiteSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  allowedOrigins: z.array(origin).max(100),
  timezone: timezone.default('UTC'),
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, { message: 'Expected an ISO 3166-1 alpha-2 code such as US' })
    .optional(),
});

export type CreateSiteInput = z.input<typeof createSiteSchema>;
export type CreateSite = z.infer<typeof createSiteSchema>;

export type Site = {
  id: string;
  name: string;
  allowedOrigins: string[];
  timezone: string;
  defaultCountry: string | null;
  createdAt: string;
};

export type CreateSiteResponse = { site: Site; writeKey: string; secretKey: string };
