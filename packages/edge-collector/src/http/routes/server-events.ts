import {
  eventSizeError,
  LIMITS,
  type RejectedEvent,
  type ServerEvent,
  type ServerEventsResponse,
  type Site,
  serverEventSchema,
  serverEventsBodySchema,
  serverIdentifySchema,
  toFieldErrors,
} from '@leadloop/schema';
import { type Context, Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import { type EventRecord, type RefusedEvent, toRefusedEvent } from '../../core/event-record.ts';
import { serverEventRecords } from '../../runtime/server-events.ts';
import { canAnnounce } from '../../runtime/speed-to-lead.ts';
import { afterResponse, errorMessage } from '../after-response.ts';
import { resourceNotFound, serviceUnavailable, validationFailed } from '../problem.ts';
import { readJsonBody } from '../read-json.ts';
import { requireSecretKey, type SecretKeyEnv } from '../secret-key-auth.ts';
import { limitBody } from '../validate.ts';

const RETRY_AFTER_SECONDS = 5;

const limitBatch = limitBody(LIMITS.batchBytes);

/**
 * `POST /v1/identify` and `POST /v1/events` (secret key): what a backend knows — who someone is, a
 * call a call-tracking system logged — through the same `events` queue and consumer as the
 * browser's events (see core/server-event.ts). `202 {accepted, ids, rejected}` like collect: the
 * accepted events are durably handed over, the refused ones kept in quarantine with their reason.
 */
export function serverEventRoutes(deps: AppDeps): Hono<SecretKeyEnv> {
  const { store, events, speedToLead, now = Date.now } = deps;
  const auth = requireSecretKey(deps);

  async function handOver(
    c: Context<SecretKeyEnv>,
    site: Site,
    records: EventRecord[],
    refused: RefusedEvent[],
  ) {
    if (records.length + refused.length === 0) return;
    try {
      await events([...records, ...refused]);
    } catch (error) {
      console.error('server event hand-over failed', errorMessage(error));
      throw serviceUnavailable('Events could not be stored; retry later.', RETRY_AFTER_SECONDS);
    }
    if (speedToLead && canAnnounce(records))
      afterResponse(c, speedToLead(site, records), 'speed to lead failed; the queue will do it');
  }

  return new Hono<SecretKeyEnv>()
    .post('/identify', auth, limitBatch, async (c) => {
      const receivedAt = now();
      const parsed = serverIdentifySchema.safeParse(await readJsonBody(c.req.raw));
      if (!parsed.success) throw validationFailed(toFieldErrors(parsed.error));
      const site = c.get('site');
      const event: ServerEvent = { ...parsed.data, type: 'identify' };
      const { results, unknownLeads } = await serverEventRecords(store, site, [event], receivedAt);
      if (event.leadId !== undefined && unknownLeads.has(event.leadId))
        throw resourceNotFound(`No lead ${event.leadId} on this site.`);
      const [result] = results;
      if (!result?.ok) throw validationFailed(result?.errors ?? []);
      await handOver(c, site, [result.record], []);
      const body: ServerEventsResponse = { accepted: 1, ids: [result.record.id], rejected: [] };
      return c.json(body, 202);
    })
    .post('/events', auth, limitBatch, async (c) => {
      const receivedAt = now();
      const envelope = serverEventsBodySchema.safeParse(await readJsonBody(c.req.raw));
      if (!envelope.success) throw validationFailed(toFieldErrors(envelope.error));
      const site = c.get('site');
      const raw = envelope.data.events;

      // Each event on its own, as collect does: the valid ones are kept whatever the others say.
      const rejected: RejectedEvent[] = [];
      const valid: { index: number; event: ServerEvent }[] = [];
      raw.forEach((item, index) => {
        const tooBig = eventSizeError(item);
        if (tooBig) {
          rejected.push({ index, errors: [tooBig] });
          return;
        }
        const parsed = serverEventSchema.safeParse(item);
        if (parsed.success) valid.push({ index, event: parsed.data });
        else rejected.push({ index, errors: toFieldErrors(parsed.error) });
      });
      const { results } = await serverEventRecords(
        store,
        site,
        valid.map(({ event }) => event),
        receivedAt,
      );
      const records: EventRecord[] = [];
      results.forEach((result, position) => {
        if (result.ok) records.push(result.record);
        else rejected.push({ index: valid[position]!.index, errors: result.errors });
      });
      rejected.sort((a, b) => a.index - b.index);

      const refused = rejected.map(({ index, errors }) =>
        toRefusedEvent(site.id, raw[index], errors, receivedAt),
      );
      await handOver(c, site, records, refused);
      const body: ServerEventsResponse = {
        accepted: records.length,
        ids: records.map((record) => record.id),
        rejected,
      };
      return c.json(body, 202);
    });
}
