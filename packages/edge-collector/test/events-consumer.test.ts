import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { consumeEvents, retryDelaySeconds } from '../src/runtime/events-consumer.ts';
import worker from '../src/runtime/worker.ts';
import { D1Store } from '../src/store/d1.ts';
import { enqueue, messageBatch, redeliver } from './message-batch.ts';
import { newSite, record } from './store-suite.ts';

const store = () => new D1Store(env.DB);

/** Delivers bodies as one queue batch to the worker, as the Queues runtime would. */
async function deliver(bodies: unknown[], queue = 'leadloop-events', attempts = 1) {
  const batch = createMessageBatch<unknown>(
    queue,
    bodies.map((body, index) => ({
      id: `m-${index}-${(body as { id?: string }).id ?? crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts,
      body,
    })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  return {
    ...result,
    acked: result.ackAll ? batch.messages.map((m) => m.id) : result.explicitAcks,
    retried: result.retryBatch.retry
      ? batch.messages.map((m) => m.id)
      : result.retryMessages.map((retry) => retry.msgId),
  };
}

/** A real fault inside the database: any session row with this id makes its statement fail. */
async function failSessionsNamed(id: string) {
  await env.DB.prepare(
    `CREATE TRIGGER IF NOT EXISTS inject_fault BEFORE INSERT ON sessions WHEN NEW.id = '${id}'
     BEGIN SELECT RAISE(ABORT, 'injected fault'); END`,
  ).run();
}

afterEach(async () => {
  await env.DB.prepare('DROP TRIGGER IF EXISTS inject_fault').run();
});

describe('events consumer', () => {
  it('stores a batch and acknowledges every message', async () => {
    const siteId = await newSite(store());
    const records = Array.from({ length: 30 }, () => record(siteId));
    const result = await deliver(records);
    expect(result.acked).toHaveLength(30);
    expect(result.retried).toEqual([]);
    expect(await store().listEvents(siteId)).toHaveLength(30);
    expect(await store().listSessions(siteId, 'visitor-1')).toHaveLength(1);
  });

  it('quarantines a malformed message and one for an unknown site; the rest is stored', async () => {
    const siteId = await newSite(store());
    const good = [record(siteId), record(siteId)];
    const malformed = { ...record(siteId), occurredAt: 'yesterday' };
    const orphan = record('site_gone');
    const result = await deliver([good[0], malformed, orphan, good[1]]);
    expect(result.acked).toHaveLength(4);
    expect(result.retried).toEqual([]);
    expect((await store().listEvents(siteId)).map((event) => event.id)).toEqual(
      good.map((event) => event.id),
    );
    const quarantined = await store().listQuarantine(siteId);
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({ eventId: malformed.id });
    expect(quarantined[0]!.reason).toMatch(/^malformed message: occurredAt: /);
    // Kept as received, except the user agent, which is never stored.
    const { userAgent: _userAgent, ...withoutUserAgent } = malformed;
    expect(JSON.parse(quarantined[0]!.body)).toEqual(withoutUserAgent);
    expect(quarantined[0]!.body).not.toContain('Mozilla');
    const [lost] = (await store().listQuarantine('site_gone')).filter(
      (entry) => entry.eventId === orphan.id,
    );
    expect(lost?.reason).toBe('unknown site site_gone');
  });

  it('retries only the message the database refuses, then stores it once', async () => {
    const siteId = await newSite(store());
    const records = Array.from({ length: 10 }, (_, index) =>
      record(siteId, { sessionId: index === 6 ? 'poison' : 'session-1' }),
    );
    await failSessionsNamed('poison');
    const first = await deliver(records);
    // The batch's transaction failed on its sessions statement; message by message, nine commit.
    expect(first.acked).toHaveLength(9);
    expect(first.retried).toEqual([expect.stringContaining(records[6]!.id)]);
    expect(await store().listEvents(siteId)).toHaveLength(9);

    // The fault clears; the queue redelivers the retried message (and, say, the whole batch).
    await env.DB.prepare('DROP TRIGGER inject_fault').run();
    const second = await deliver(records, 'leadloop-events', 2);
    expect(second.retried).toEqual([]);
    const stored = await store().listEvents(siteId);
    expect(stored).toHaveLength(10);
    expect(new Set(stored.map((event) => event.id)).size).toBe(10);
    expect(await store().listSessions(siteId, 'visitor-1')).toHaveLength(2);
  });

  it('backs off longer on every attempt, up to five minutes', async () => {
    const siteId = await newSite(store());
    await failSessionsNamed('poison');
    // workerd's test harness does not report delays: a recording batch does.
    const [poison] = enqueue([record(siteId, { sessionId: 'poison' })]);
    const { batch, settle } = messageBatch('leadloop-events', [{ ...poison!, attempts: 3 }]);
    await consumeEvents(batch, store());
    expect([...settle().delaySeconds.values()]).toEqual([20]);
    expect([1, 2, 3, 4, 10].map(retryDelaySeconds)).toEqual([5, 10, 20, 40, 300]);
  });

  it('completes a batch exactly once when the consumer died after acknowledging part of it', async () => {
    const siteId = await newSite(store());
    const records = Array.from({ length: 20 }, () => record(siteId));
    // The first half was committed and acknowledged; then the isolate died, so the runtime
    // delivers the batch again (at-least-once).
    await deliver(records.slice(0, 10));
    const again = await deliver(records, 'leadloop-events', 2);
    expect(again.acked).toHaveLength(20);
    const stored = await store().listEvents(siteId);
    expect(stored.map((event) => event.id).sort()).toEqual(records.map((r) => r.id).sort());
  });

  it('quarantines dead letters, once each, so accepted = stored + quarantined', async () => {
    const siteId = await newSite(store());
    const storable = [record(siteId), record(siteId)];
    const dead = [1, 2, 3].map(() => record(siteId, { sessionId: 'poison' }));
    // The database keeps refusing three messages until the queue gives up on them.
    await failSessionsNamed('poison');
    const first = await deliver([...storable, ...dead]);
    expect(first.retried).toHaveLength(3);
    const result = await deliver(dead, 'leadloop-events-dlq');
    expect(result.acked).toHaveLength(3);
    await deliver(dead, 'leadloop-events-dlq'); // redelivered dead letters add nothing
    const quarantined = await store().listQuarantine(siteId);
    expect(quarantined.map((entry) => entry.eventId).sort()).toEqual(
      dead.map((event) => event.id).sort(),
    );
    expect(quarantined[0]!.reason).toMatch(/^dead-lettered/);
    const accepted = [...storable, ...dead].map((event) => event.id).sort();
    const accounted = [
      ...(await store().listEvents(siteId)).map((event) => event.id),
      ...quarantined.map((entry) => entry.eventId!),
    ].sort();
    expect(accounted).toEqual(accepted);
  });

  it('gives a whole batch back, at once, when the database does not answer at all', async () => {
    const siteId = await newSite(store());
    const { batch, settle } = messageBatch(
      'leadloop-events',
      redeliver(enqueue(Array.from({ length: 5 }, () => record(siteId)))),
    );
    let calls = 0;
    const down = Object.assign(Object.create(store()), {
      findSites: async (ids: string[]) => {
        // The batch's own lookup succeeds; the database goes away during the write.
        if (++calls > 1) throw new Error('D1_ERROR: Network connection lost.');
        return store().findSites(ids);
      },
      ingest: async () => {
        throw new Error('D1_ERROR: Network connection lost.');
      },
    });
    await consumeEvents(batch, down);
    expect([...settle().delaySeconds.values()]).toEqual([10, 10, 10, 10, 10]);
    expect(calls).toBe(2); // one probe, not one transaction per message
  });
});
