import type { Site } from '@leadloop/schema';
import {
  type EventMessage,
  type EventRecord,
  eventRecordSchema,
  isRefusedEvent,
  isRescoreJob,
  type RescoreJob,
} from '../core/event-record.ts';
import { planIngest, type StoredEvent } from '../core/ingest-plan.ts';
import { cachedSiteLookup } from '../store/site-cache.ts';
import type { QuarantineEntry, Store } from '../store/types.ts';
import { rescoreStep, updateLeads } from './lead-updater.ts';

// The `events` queue consumer. What it acknowledges is committed; what failed is retried with
// backoff, message by message, so one poison message never holds its batch back; a malformed
// message or one for a site that no longer exists goes to quarantine at once, with its reason.
// Messages that keep failing reach the dead-letter queue, whose consumer quarantines them too:
// every accepted event ends up stored or quarantined. Once stored, a batch's events are stitched
// to leads and scored; a failure there sends the messages back too (storing them again is a no-op).

const MAX_BODY_CHARS = 64 * 1024;

// A site's allowed origins change rarely; a minute of staleness only delays a self-referral rule.
const findSites = cachedSiteLookup(60_000);

type Valid = { message: Message<unknown>; record: EventRecord };

/** Exponential backoff from the message's attempts: 5 s, 10 s, 20 s … at most 5 minutes. */
export const retryDelaySeconds = (attempts: number) =>
  Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));

/**
 * Dead letters wait out a long outage of the database that should keep them: 1 minute, doubling
 * to Queues' maximum of 12 hours, for the 100 attempts wrangler.toml allows — weeks.
 */
export const deadLetterDelaySeconds = (attempts: number) =>
  Math.min(43_200, 60 * 2 ** Math.max(0, attempts - 1));

/** The message as kept in quarantine: without the user agent, which is never stored. */
function bodyText(body: unknown): string {
  let text: string;
  try {
    text =
      JSON.stringify(body, (key, value) => (key === 'userAgent' ? undefined : value)) ??
      String(body);
  } catch {
    text = String(body);
  }
  return text.slice(0, MAX_BODY_CHARS);
}

/** A quarantine entry for a message, idempotent per message id (a redelivery writes no copy). */
export function quarantineEntry(
  id: string,
  body: unknown,
  reason: string,
  now: number,
): QuarantineEntry {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 200) : null);
  return {
    id,
    siteId: text(fields.siteId),
    eventId: text(fields.id),
    reason: reason.slice(0, 1000),
    body: bodyText(body),
    quarantinedAt: now,
  };
}

/** The database's own message (drizzle wraps it in "Failed query: <the whole SQL>"), short. */
function errorText(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return (cause instanceof Error ? cause.message : String(cause)).slice(0, 300);
}

export type ConsumerOptions = {
  now?: () => number;
  /** Sends follow-up work (the next page of a rescore) to the queue. */
  enqueue?: (messages: EventMessage[]) => Promise<void>;
  /**
   * Called once a site's lead update has written domain changes: relays them to the webhooks.
   * Its failure is only logged, since the changes are committed and the minute sweep relays them.
   */
  onChanges?: (siteId: string) => Promise<void>;
};

export async function consumeEvents(
  batch: MessageBatch<unknown>,
  store: Store,
  { now = Date.now, enqueue, onChanges }: ConsumerOptions = {},
): Promise<void> {
  const announce = async (siteId: string) => {
    try {
      await onChanges?.(siteId);
    } catch (error) {
      console.error('webhook relay failed; the sweep will retry', errorText(error));
    }
  };
  const valid: Valid[] = [];
  const rescores: { message: Message<unknown>; job: RescoreJob }[] = [];
  const rejected: { message: Message<unknown>; reason: string }[] = [];
  for (const message of batch.messages) {
    if (isRescoreJob(message.body)) {
      rescores.push({ message, job: message.body });
      continue;
    }
    if (isRefusedEvent(message.body)) {
      rejected.push({ message, reason: `refused at collect: ${message.body.reason}` });
      continue;
    }
    const parsed = eventRecordSchema.safeParse(message.body);
    if (parsed.success) valid.push({ message, record: parsed.data });
    else {
      const issue = parsed.error.issues[0];
      rejected.push({
        message,
        reason: `malformed message: ${issue?.path.join('.') || '(body)'}: ${issue?.message}`,
      });
    }
  }

  let sites: Map<string, Site>;
  try {
    sites = await findSites(store, [
      ...valid.map(({ record }) => record.siteId),
      ...rescores.map(({ job }) => job.siteId),
    ]);
  } catch (error) {
    console.error('events batch: site lookup failed; retrying', errorText(error));
    for (const message of batch.messages)
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    return;
  }
  const known = valid.filter(({ message, record }) => {
    if (sites.has(record.siteId)) return true;
    rejected.push({ message, reason: `unknown site ${record.siteId}` });
    return false;
  });

  if (rejected.length > 0) {
    try {
      await store.quarantine(
        rejected.map(({ message, reason }) =>
          quarantineEntry(message.id, message.body, reason, now()),
        ),
      );
      for (const { message } of rejected) message.ack();
    } catch (error) {
      console.error('events batch: quarantine failed; retrying', errorText(error));
      for (const { message } of rejected)
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }

  for (const { message, job } of rescores) {
    const site = sites.get(job.siteId);
    try {
      const step = site ? await rescoreStep(store, site, job.after, now) : null;
      if (step && site) {
        if (step.next !== null)
          await enqueue?.([{ rescore: true, siteId: site.id, after: step.next }]);
        if (step.changes > 0) await announce(site.id);
      }
      message.ack();
    } catch (error) {
      console.error('rescore step failed; retrying', errorText(error));
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }

  const hostsOf = (siteId: string) => sites.get(siteId)!;
  const plan = planIngest(
    known.map(({ record }) => record),
    hostsOf,
  );
  const storedEvents = new Map(plan.events.map((event) => [`${event.siteId}\n${event.id}`, event]));
  const ingest = (items: Valid[]) =>
    store.ingest(
      items === known
        ? plan
        : planIngest(
            items.map(({ record }) => record),
            hostsOf,
          ),
    );
  const stored: Valid[] = [];
  try {
    if (known.length > 0) await ingest(known);
    stored.push(...known);
  } catch (error) {
    // A database that cannot answer at all gets the batch back later, not a hundred doomed
    // transactions now.
    const databaseAnswers = await store.findSites([known[0]!.record.siteId]).then(
      () => true,
      () => false,
    );
    if (!databaseAnswers) {
      console.error('events batch failed, database unavailable; retrying', errorText(error));
      for (const { message } of known)
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      return;
    }
    console.error('events batch failed; storing message by message', errorText(error));
    // One transaction per message: what can be stored is, and only the failures come back.
    for (const item of known) {
      try {
        await ingest([item]);
        stored.push(item);
      } catch {
        item.message.retry({ delaySeconds: retryDelaySeconds(item.message.attempts) });
      }
    }
  }

  // Leads, site by site: what fails comes back with its messages, and only that site's.
  const bySite = new Map<string, Valid[]>();
  for (const item of stored) {
    const items = bySite.get(item.record.siteId) ?? [];
    items.push(item);
    bySite.set(item.record.siteId, items);
  }
  for (const [siteId, items] of bySite) {
    const events = items.map(
      ({ record }) => storedEvents.get(`${record.siteId}\n${record.id}`) as StoredEvent,
    );
    try {
      const changes = await updateLeads(store, sites.get(siteId)!, events, { now });
      for (const { message } of items) message.ack();
      if (changes > 0) await announce(siteId);
    } catch (error) {
      console.error('lead update failed; retrying', errorText(error));
      for (const { message } of items)
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/** The dead-letter queue's consumer: what kept failing is kept in quarantine with its history. */
export async function quarantineDeadLetters(
  batch: MessageBatch<unknown>,
  store: Store,
  now: () => number = Date.now,
): Promise<void> {
  const entries = batch.messages.map((message) =>
    quarantineEntry(
      `dead-letter:${message.id}`,
      message.body,
      'dead-lettered: the events queue gave up retrying it (see max_retries in wrangler.toml)',
      now(),
    ),
  );
  try {
    await store.quarantine(entries);
    batch.ackAll();
  } catch (error) {
    console.error('dead letters: quarantine failed; retrying', errorText(error));
    for (const message of batch.messages)
      message.retry({ delaySeconds: deadLetterDelaySeconds(message.attempts) });
  }
}
