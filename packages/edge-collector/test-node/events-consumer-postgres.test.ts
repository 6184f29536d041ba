// The events consumer on a real PostgreSQL: what test/events-consumer.test.ts proves on D1, plus
// what only a server can show — a statement refused inside the batch's transaction, and the
// consumer's connections cut while batches are in flight. The queue's side is played by plain
// MessageBatch objects (test/message-batch.ts); every fault is the database's own.

import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { migratePostgres } from '../local/migrate-postgres.ts';
import type { EventRecord } from '../src/core/event-record.ts';
import {
  consumeEvents,
  quarantineDeadLetters,
  retryDelaySeconds,
} from '../src/runtime/events-consumer.ts';
import { connectPerOperation, connectPool, PostgresStore } from '../src/store/postgres.ts';
import type { Store } from '../src/store/types.ts';
import { enqueue, messageBatch, type Queued, redeliver } from '../test/message-batch.ts';
import { newSite, record } from '../test/store-suite.ts';

/** The application_name of the consumer whose connections get cut, so the admin cuts only those. */
const CONSUMER = 'leadloop-consumer';
const DLQ = 'leadloop-events-dlq';

const db = {} as {
  name: string;
  /** Our database, as a consumer connects to it. */
  consumerUrl: string;
  /** The server's own database: creates ours and cuts connections to it. */
  server: postgres.Sql;
  /** Inside ours, never cut: installs and removes the faults. */
  owner: postgres.Sql;
  pool: ReturnType<typeof connectPool>;
  store: PostgresStore;
};

/** Every message a consumer acknowledged in the current test. */
const acknowledged: Queued[] = [];

beforeAll(async () => {
  const url = new URL(inject('databaseUrl'));
  db.name = `consumer_${process.pid}_${Date.now()}`;
  db.server = postgres(url.href, { max: 1, onnotice: () => {} });
  await db.server.unsafe(`create database ${db.name}`);
  url.pathname = `/${db.name}`;
  await migratePostgres(url.href);
  db.owner = postgres(url.href, { max: 1, onnotice: () => {} });
  await db.owner.unsafe(`
    create function raise_injected_fault() returns trigger language plpgsql as $$
    begin raise exception 'injected fault on % row', tg_table_name; end $$;
    create function stall_until_cut() returns trigger language plpgsql as $$
    begin perform pg_sleep(60); return new; end $$;
    create table injected_outage (since timestamptz not null);
    create function refuse_during_outage() returns trigger language plpgsql as $$
    begin
      if exists (select from injected_outage) then raise exception 'injected outage'; end if;
      return null;
    end $$;`);
  db.pool = connectPool(url.href);
  db.store = new PostgresStore(db.pool);
  url.searchParams.set('application_name', CONSUMER);
  db.consumerUrl = url.href;
});

afterAll(async () => {
  await db.pool?.end();
  await db.owner?.end();
  await db.server?.end();
});

afterEach(async () => {
  // A failed test may leave a stalled transaction holding its locks.
  await cutConsumerConnections({ stalledOnly: true });
  await db.owner.unsafe(`
    delete from injected_outage;
    drop trigger if exists inject_fault on events;
    drop trigger if exists inject_fault on sessions;
    drop trigger if exists inject_fault on visitors;
    drop trigger if exists inject_outage on events;
    drop trigger if exists inject_stall on sessions;`);
  // An acknowledged message is never delivered again: it must be stored or quarantined.
  const lost: Queued[] = [];
  for (const message of acknowledged.splice(0)) {
    if (!(await accountedFor(message))) lost.push(message);
  }
  expect(lost).toEqual([]);
});

async function accountedFor(message: Queued): Promise<boolean> {
  const { siteId, id } = message.body as Partial<EventRecord>;
  const quarantined = await db.store.listQuarantine(typeof siteId === 'string' ? siteId : null);
  if (quarantined.some((entry) => entry.id.endsWith(message.id))) return true;
  if (typeof siteId !== 'string') return false;
  return (await db.store.listEvents(siteId)).some((event) => event.id === id);
}

/** A real fault inside the database: inserting a row whose `column` is 'poison' fails. */
async function failRowsNamedPoison(table: 'events' | 'sessions' | 'visitors', column: string) {
  await db.owner.unsafe(
    `create trigger inject_fault before insert on ${table} for each row
     when (new.${column} = 'poison') execute function raise_injected_fault()`,
  );
}

/** Where a batch's transaction hangs until its connection is cut, and the query waiting there. */
const STALLS = {
  // A deferred constraint trigger runs when the transaction commits.
  commit: {
    query: 'commit%',
    trigger: `create constraint trigger inject_stall after insert on sessions
      deferrable initially deferred for each row
      when (new.id like 'stall-%') execute function stall_until_cut()`,
  },
  statement: {
    query: 'insert into sessions%',
    trigger: `create trigger inject_stall before insert on sessions for each row
      when (new.id like 'stall-%') execute function stall_until_cut()`,
  },
};

async function untilStalled(count: number, query: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [row] = await db.server`
      select count(*)::int as stalled from pg_stat_activity
      where datname = ${db.name} and application_name = ${CONSUMER}
        and wait_event = 'PgSleep' and query ilike ${query}`;
    if (row?.stalled === count) return;
    if (Date.now() > deadline) throw new Error(`${count} batches never stalled in the database`);
    await sleep(20);
  }
}

/** Terminates the consumer's backends (only those stalled in pg_sleep, when asked). */
async function cutConsumerConnections({ stalledOnly = false } = {}) {
  await db.server`
    select pg_terminate_backend(pid, 10000) from pg_stat_activity
    where datname = ${db.name} and application_name = ${CONSUMER}
      and (${!stalledOnly} or wait_event = 'PgSleep')`;
}

/** Hands the messages to the consumer of `queue`, as the Queues runtime would. */
async function deliver(
  queued: Queued[],
  { queue = 'leadloop-events', store = db.store as Store } = {},
) {
  const { batch, settle } = messageBatch(queue, queued);
  if (queue === DLQ) await quarantineDeadLetters(batch, store);
  else await consumeEvents(batch, store);
  const settled = settle();
  acknowledged.push(...settled.acked);
  return settled;
}

const eventIds = (queued: Queued[]) => queued.map((message) => (message.body as EventRecord).id);
const storedIds = async (siteId: string) =>
  (await db.store.listEvents(siteId)).map((event) => event.id);
const sorted = (ids: string[]) => [...ids].sort();

/**
 * Six batches of ten consumed at once, each its own visitor, three of them hanging in the
 * database at `stall`; then every connection the consumer holds is cut, and the database refuses
 * events for as long as the consumer keeps trying. Then the queue redelivers what was retried.
 */
async function consumeWhileConnectionsAreCut(
  stall: keyof typeof STALLS,
  connections: 'pool' | 'per-operation',
) {
  const siteId = await newSite(db.store);
  const stalled = 3;
  const batches = Array.from({ length: 6 }, (_, batch) =>
    enqueue(
      Array.from({ length: 10 }, (_, index) =>
        record(siteId, {
          anonymousId: `visitor-${batch}`,
          sessionId: batch < stalled && index === 4 ? `stall-${batch}` : `session-${batch}`,
        }),
      ),
    ),
  );
  await db.owner.unsafe(STALLS[stall].trigger);
  await db.owner.unsafe(`create trigger inject_outage before insert on events
    for each statement execute function refuse_during_outage()`);
  // A consumer of its own, so that what the cut breaks stays in this test.
  const pool = connections === 'pool' ? connectPool(db.consumerUrl) : undefined;
  const store = new PostgresStore(pool ?? connectPerOperation(db.consumerUrl));
  try {
    const consuming = Promise.all(batches.map((queued) => deliver(queued, { store })));
    await untilStalled(stalled, STALLS[stall].query);
    await db.owner`insert into injected_outage values (now())`;
    await cutConsumerConnections();
    const settled = await consuming;
    await db.owner.unsafe('delete from injected_outage; drop trigger inject_stall on sessions');

    const acked = settled.flatMap((result) => result.acked);
    const retried = settled.flatMap((result) => result.retried);
    expect(acked.length + retried.length).toBe(60);
    // What was in flight was rolled back and retried with backoff, none of it acknowledged.
    for (const result of settled.slice(0, stalled)) expect(result.acked).toEqual([]);
    const afterCut = new Set(await storedIds(siteId));
    const inFlight = eventIds(batches.slice(0, stalled).flat());
    expect(inFlight.filter((id) => afterCut.has(id))).toEqual([]);
    const delays = settled.flatMap((result) => [...result.delaySeconds.values()]);
    expect(new Set(delays)).toEqual(new Set([retryDelaySeconds(1)]));
    // An acknowledged message whose rows are missing would be lost for good.
    expect(eventIds(acked).filter((id) => !afterCut.has(id))).toEqual([]);

    // The queue redelivers the retried messages, to whichever consumer is up.
    const again = await deliver(redeliver(retried));
    expect(again.retried).toEqual([]);
    expect(sorted(await storedIds(siteId))).toEqual(sorted(eventIds(batches.flat())));
    for (const [batch, queued] of batches.entries()) {
      const sessions = await db.store.listSessions(siteId, `visitor-${batch}`);
      const expected = new Set(queued.map((message) => (message.body as EventRecord).sessionId));
      expect(sorted(sessions.map((session) => session.id))).toEqual(sorted([...expected]));
    }
  } finally {
    // Not awaited: postgres.js 3.4.9 never ends a connection whose query was cut.
    void pool?.end();
  }
}

describe('events consumer on Postgres', () => {
  it('stores a batch and acknowledges every message', async () => {
    const siteId = await newSite(db.store);
    const queued = enqueue(Array.from({ length: 30 }, () => record(siteId)));
    const result = await deliver(queued);
    expect(result.acked).toHaveLength(30);
    expect(result.retried).toEqual([]);
    expect(sorted(await storedIds(siteId))).toEqual(sorted(eventIds(queued)));
    expect(await db.store.listSessions(siteId, 'visitor-1')).toHaveLength(1);
    expect(await db.store.findVisitor(siteId, 'visitor-1')).not.toBe(null);
  });

  it('quarantines a malformed message and one for an unknown site; the rest is stored', async () => {
    const siteId = await newSite(db.store);
    const goneSite = `site_gone_${crypto.randomUUID()}`;
    const good = [record(siteId), record(siteId)];
    const malformed = { ...record(siteId), occurredAt: 'yesterday' };
    const orphan = record(goneSite);
    const result = await deliver(enqueue([good[0], malformed, orphan, good[1]]));
    expect(result.acked).toHaveLength(4);
    expect(result.retried).toEqual([]);
    expect(await storedIds(siteId)).toEqual(good.map((event) => event.id));
    const quarantined = await db.store.listQuarantine(siteId);
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({ eventId: malformed.id });
    expect(quarantined[0]!.reason).toMatch(/^malformed message: occurredAt: /);
    // Kept as received, except the user agent, which is never stored.
    const { userAgent: _userAgent, ...withoutUserAgent } = malformed;
    expect(JSON.parse(quarantined[0]!.body)).toEqual(withoutUserAgent);
    expect(quarantined[0]!.body).not.toContain('Mozilla');
    expect(await db.store.listQuarantine(goneSite)).toEqual([
      expect.objectContaining({ eventId: orphan.id, reason: `unknown site ${goneSite}` }),
    ]);
  });

  // The batch's transaction writes events, then sessions, then visitors: fail each in turn.
  it.each([
    { statement: 1, table: 'events', column: 'id', poison: { id: 'poison' } },
    { statement: 2, table: 'sessions', column: 'id', poison: { sessionId: 'poison' } },
    {
      statement: 3,
      table: 'visitors',
      column: 'anonymous_id',
      poison: { anonymousId: 'poison', sessionId: 'poison-session' },
    },
  ] as const)(
    'retries only the message whose $table row the database refuses (statement $statement), then stores it once',
    async ({ table, column, poison }) => {
      const siteId = await newSite(db.store);
      const records = Array.from({ length: 10 }, (_, index) =>
        record(siteId, index === 6 ? poison : {}),
      );
      const queued = enqueue(records);
      await failRowsNamedPoison(table, column);
      const first = await deliver(queued);
      // The batch's transaction rolled back; message by message, the nine others commit.
      expect(first.acked).toEqual(queued.filter((_, index) => index !== 6));
      expect(first.retried).toEqual([queued[6]]);
      expect(first.delaySeconds.get(queued[6]!.id)).toBe(retryDelaySeconds(1));
      expect(sorted(await storedIds(siteId))).toEqual(sorted(eventIds(first.acked)));

      // The fault clears; the queue redelivers the retried message (and, say, the whole batch).
      await db.owner.unsafe(`drop trigger inject_fault on ${table}`);
      const second = await deliver(redeliver(queued));
      expect(second.retried).toEqual([]);
      expect(sorted(await storedIds(siteId))).toEqual(sorted(eventIds(queued)));
      const poisoned = records[6]!;
      const sessions = await db.store.listSessions(siteId, poisoned.anonymousId);
      expect(sessions.map((session) => session.id)).toContain(poisoned.sessionId);
      expect(await db.store.findVisitor(siteId, poisoned.anonymousId)).toMatchObject({
        firstSeenAt: Math.min(...sessions.map((session) => session.startedAt)),
      });
    },
  );

  it('completes a batch exactly once when the consumer died after acknowledging part of it', async () => {
    const siteId = await newSite(db.store);
    const records = Array.from({ length: 20 }, () => record(siteId));
    const queued = enqueue(records);
    // The first half was committed and acknowledged; then the isolate died, so the runtime
    // delivers the whole batch again (at-least-once) — and, its acks lost too, once more.
    await deliver(queued.slice(0, 10));
    const again = await deliver(redeliver(queued));
    expect(again.acked).toHaveLength(20);
    await deliver(redeliver(redeliver(queued)));
    expect(sorted(await storedIds(siteId))).toEqual(sorted(eventIds(queued)));
    const occurred = records.map((event) => event.occurredAt);
    expect(await db.store.listSessions(siteId, 'visitor-1')).toEqual([
      expect.objectContaining({
        startedAt: Math.min(...occurred),
        lastEventAt: Math.max(...occurred),
      }),
    ]);
  });

  it('retries the batches whose pooled connections were cut while committing; loses or doubles nothing', () =>
    consumeWhileConnectionsAreCut('commit', 'pool'));

  it('retries the batches whose own connections (as on Workers) were cut while committing', () =>
    consumeWhileConnectionsAreCut('commit', 'per-operation'));

  // Skipped until the driver is fixed: cut mid-statement, postgres.js 3.4.9 throws an uncaught
  // TypeError from its socket handler (porsager/postgres#1208; fixes #1209, #1168 pending).
  it.skip('retries the batches whose pooled connections were cut mid-statement', () =>
    consumeWhileConnectionsAreCut('statement', 'pool'));

  it('quarantines dead letters, once each, so accepted = stored + quarantined', async () => {
    const siteId = await newSite(db.store);
    const storable = enqueue([record(siteId), record(siteId)]);
    const dead = enqueue([1, 2, 3].map(() => record(siteId, { sessionId: 'poison' })));
    // The database keeps refusing three messages until the queue gives up on them.
    await failRowsNamedPoison('sessions', 'id');
    const first = await deliver([...storable, ...dead]);
    expect(first.retried).toEqual(dead);
    const result = await deliver(dead, { queue: DLQ });
    expect(result.acked).toEqual(dead);
    await deliver(redeliver(dead), { queue: DLQ }); // a redelivered dead letter adds nothing
    const quarantined = await db.store.listQuarantine(siteId);
    expect(sorted(quarantined.map((entry) => entry.eventId!))).toEqual(sorted(eventIds(dead)));
    for (const entry of quarantined) expect(entry.reason).toMatch(/^dead-lettered/);
    const accounted = [...(await storedIds(siteId)), ...quarantined.map((entry) => entry.eventId!)];
    expect(sorted(accounted)).toEqual(sorted(eventIds([...storable, ...dead])));
  });
});
