import type { Site } from '@leadloop/schema';
import type { SessionTouch } from '../core/session-touch.ts';

// Row-to-domain mapping both adapters share: their drizzle row types differ, their fields do not.

type SiteColumns = {
  id: string;
  name: string;
  allowedOrigins: string[];
  timezone: string;
  defaultCountry: string | null;
  createdAt: Date;
};

export function toSite(row: SiteColumns): Site {
  return {
    id: row.id,
    name: row.name,
    allowedOrigins: row.allowedOrigins,
    timezone: row.timezone,
    defaultCountry: row.defaultCountry,
    createdAt: row.createdAt.toISOString(),
  };
}

type TouchColumns = { [K in keyof SessionTouch]: string | null };

/** A session row's touch, or null while it has seen no pageview. */
export function touchFromColumns(row: TouchColumns): SessionTouch | null {
  if (row.channel === null) return null;
  return {
    channel: row.channel as SessionTouch['channel'],
    source: row.source ?? '',
    medium: row.medium ?? '',
    campaign: row.campaign,
    term: row.term,
    content: row.content,
    clickIdType: row.clickIdType,
    clickId: row.clickId,
    referrerDomain: row.referrerDomain,
    landingPage: row.landingPage ?? '',
    country: row.country,
    region: row.region,
    city: row.city,
    deviceType: row.deviceType,
  };
}
