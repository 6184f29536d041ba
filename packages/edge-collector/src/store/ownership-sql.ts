import { type SQL, sql } from 'drizzle-orm';

// "Whose was it" follows core/stitching.ts in SQL: a browser's session or event at time T belongs
// to the lead of the browser's latest link at or before T, or else to its earliest link
// (retroactive) — so after a shared device moved to another person, what came later is theirs.

/** The lead a browser (`alias.anonymous_id`) belonged to at `alias.<time>`. */
export function ownerAt(siteId: string, alias: string, time: string): SQL {
  const browser = sql.raw(`${alias}.anonymous_id`);
  const when = sql.raw(`${alias}.${time}`);
  return sql`COALESCE((SELECT l.lead_id FROM visitor_links l WHERE l.site_id = ${siteId} AND l.anonymous_id = ${browser} AND l.linked_at <= ${when} ORDER BY l.linked_at DESC, l.event_id DESC LIMIT 1), (SELECT l.lead_id FROM visitor_links l WHERE l.site_id = ${siteId} AND l.anonymous_id = ${browser} ORDER BY l.linked_at, l.event_id LIMIT 1))`;
}

/** Browsers ever linked to the lead (`lead` a parameter or a column). */
export const browsersOf = (siteId: string, lead: SQL) =>
  sql`(SELECT v.anonymous_id FROM visitor_links v WHERE v.site_id = ${siteId} AND v.lead_id = ${lead})`;
