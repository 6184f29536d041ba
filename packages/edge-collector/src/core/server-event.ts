import type { FieldError, JsonObject, ServerEvent } from '@leadloop/schema';
import type { EventRecord } from './event-record.ts';
import { type Identifier, identifierKey, normaliseEmail, normalisePhone } from './identifiers.ts';
import { sha256Hex } from './keys.ts';

// Server-side events (`POST /v1/identify`, `POST /v1/events`) become the same queue records as
// the browser's, so the consumer stores, stitches, scores and announces them like any other:
//
// - Who: the browser's `anonymousId` when the backend has it (the event joins that browser's
//   history and whoever it belongs to at that moment). Without one, the event gets a synthetic
//   browser derived from the identifier it carries — `srv_` + SHA-256 of the site and
//   `email:<normalised email>` (or the phone, or the named lead's email or phone), never the
//   identifier itself — so every server event about one person lands on one stable browser, and
//   the identifier it carries links that browser to the person's lead, like a form would.
// - Never a visit: no pageview, so no touch; a session of its own per browser (`srvs_…`) so a
//   browser session's start, end and touch stay the browser's; no page; no place (the request
//   comes from the backend's data centre, not from the person).
// - Never a bot, and trusted: the payload's `server: true` (which a browser cannot send: collect
//   keeps only the fields it knows) skips the user-agent check, and lets an `externalId` identify.

/** Marks a payload as a server event's (see above). */
export const isServerPayload = (payload: JsonObject) => payload.server === true;

/** A server clock this far ahead of ours is tolerated (the event is dated on arrival). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** What is known of the lead a `leadId` names: the identifiers it can be reached by. */
export type NamedLead = { email: string | null; phone: string | null };

export type ServerEventContext = {
  siteId: string;
  defaultCountry: string | null;
  /** The site's ignored identifiers (`info@*`). */
  ignored: readonly string[];
  receivedAt: number;
  newId: () => string;
};

export type ServerEventResult =
  | { ok: true; record: EventRecord }
  | { ok: false; errors: FieldError[] };

const hashed = async (prefix: string, ...parts: string[]) =>
  `${prefix}${(await sha256Hex(parts.join('\n'))).slice(0, 32)}`;

/** The synthetic browser of server events about the person this identifier names. */
export const serverVisitorId = (siteId: string, identifier: Identifier) =>
  hashed('srv_', siteId, identifierKey(identifier));

const serverSessionId = (siteId: string, anonymousId: string) =>
  hashed('srvs_', siteId, 'session', anonymousId);

/**
 * The queue record of a validated server event, or why it cannot be one. `lead` is what the
 * event's `leadId` resolved to (null: no such lead), ignored when it has none.
 */
export async function toServerEventRecord(
  event: ServerEvent,
  lead: NamedLead | null,
  context: ServerEventContext,
): Promise<ServerEventResult> {
  const errors: FieldError[] = [];
  const email = event.email === undefined ? null : normaliseEmail(event.email, context.ignored);
  if (event.email !== undefined && !email)
    errors.push({
      path: 'email',
      message: 'Identifies nobody: not an email address, a placeholder, or one the site ignores',
    });
  const phone =
    event.phone === undefined ? null : normalisePhone(event.phone, context.defaultCountry);
  if (event.phone !== undefined && !phone)
    errors.push({
      path: 'phone',
      message: context.defaultCountry
        ? `Not a valid phone number (read with the site's default country ${context.defaultCountry})`
        : 'Not a valid phone number: send it in international format (+…)',
    });

  // A named lead is reached through an identifier of its own the event does not replace.
  let carried: Identifier | null = null;
  if (event.leadId !== undefined) {
    const reached = lead && ((email && email === lead.email) || (phone && phone === lead.phone));
    if (!lead) errors.push({ path: 'leadId', message: `No lead ${event.leadId} on this site` });
    else if (reached) carried = null;
    else if (lead.email && !email) carried = { kind: 'email', value: lead.email };
    else if (lead.phone && !phone) carried = { kind: 'phone', value: lead.phone };
    else
      errors.push({
        path: 'leadId',
        message: 'The lead has no email or phone this event leaves free to reach it by',
      });
  }

  const occurredAt = event.timestamp ? Date.parse(event.timestamp) : context.receivedAt;
  if (occurredAt > context.receivedAt + FUTURE_TOLERANCE_MS)
    errors.push({ path: 'timestamp', message: 'Is in the future' });
  if (errors.length > 0) return { ok: false, errors };

  const identifiers: Identifier[] = [
    ...(carried ? [carried] : []),
    ...(email ? [{ kind: 'email' as const, value: email }] : []),
    ...(phone ? [{ kind: 'phone' as const, value: phone }] : []),
  ];
  const anonymousId =
    event.anonymousId ??
    (identifiers[0] ? await serverVisitorId(context.siteId, identifiers[0]) : null);
  // The schema asks for anonymousId, email, phone or leadId, and each of those is checked above.
  if (!anonymousId) return { ok: false, errors: [{ path: '', message: 'Identifies nobody' }] };

  const traits: JsonObject = { ...event.traits };
  for (const identifier of identifiers) traits[identifier.kind] = identifier.value;
  if (event.externalId !== undefined) traits.externalId = event.externalId;
  const payload: JsonObject = { server: true };
  if (Object.keys(traits).length > 0 || event.type === 'identify') payload.traits = traits;
  if (event.type === 'track' && event.properties) payload.properties = event.properties;
  if (event.timestamp) payload.clientTimestamp = event.timestamp;

  return {
    ok: true,
    record: {
      siteId: context.siteId,
      id: event.id ?? context.newId(),
      type: event.type,
      anonymousId,
      sessionId: await serverSessionId(context.siteId, anonymousId),
      occurredAt: Math.min(occurredAt, context.receivedAt),
      receivedAt: context.receivedAt,
      pageUrl: '',
      pagePath: '',
      pageTitle: null,
      referrer: null,
      name: event.type === 'track' ? event.name : null,
      payload,
    },
  };
}
