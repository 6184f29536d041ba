import type { consumeEvents } from '../src/runtime/events-consumer.ts';

// The Queues runtime's half of a batch, for Node (no workerd) and for what workerd's harness does
// not report (retry delays): plain MessageBatch objects that record what the consumer decided,
// settled the way the runtime settles them.

type Batch = Parameters<typeof consumeEvents>[0];
type RetryOptions = Parameters<Batch['retryAll']>[0];
type Decision = { ack: true } | { ack: false; delaySeconds: number | undefined };

/** A message as the queue keeps it: the same id and body on every delivery. */
export type Queued = { id: string; body: unknown; attempts: number; timestamp: Date };

/** What became of each message of a delivered batch. */
export type Settled = {
  acked: Queued[];
  retried: Queued[];
  /** The backoff asked for, by message id (undefined: the queue's default). */
  delaySeconds: Map<string, number | undefined>;
};

/** Bodies sent to the queue: each becomes a message on its first attempt. */
export const enqueue = (bodies: unknown[]): Queued[] =>
  bodies.map((body) => ({ id: crypto.randomUUID(), body, attempts: 1, timestamp: new Date() }));

/** The same messages delivered again, one attempt later. */
export const redeliver = (queued: Queued[]): Queued[] =>
  queued.map((message) => ({ ...message, attempts: message.attempts + 1 }));

/**
 * A batch of these messages, and `settle()` for once its handler has returned: a message
 * explicitly acknowledged or retried keeps its first decision (as in workerd), otherwise
 * `ackAll` / `retryAll` decide, and whatever is still undecided is acknowledged.
 */
export function messageBatch(queue: string, queued: Queued[]) {
  const decided = new Map<string, Decision>();
  let wholeBatch: Decision | undefined;
  const decide = (id: string, decision: Decision) => {
    if (!decided.has(id)) decided.set(id, decision);
  };
  const batch: Batch = {
    queue,
    metadata: { metrics: { backlogCount: queued.length, backlogBytes: 0 } },
    messages: queued.map(({ id, body, attempts, timestamp }) => ({
      id,
      body,
      attempts,
      timestamp,
      ack: () => decide(id, { ack: true }),
      retry: (options?: RetryOptions) =>
        decide(id, { ack: false, delaySeconds: options?.delaySeconds }),
    })),
    ackAll: () => {
      wholeBatch ??= { ack: true };
    },
    retryAll: (options?: RetryOptions) => {
      wholeBatch ??= { ack: false, delaySeconds: options?.delaySeconds };
    },
  };

  const settle = (): Settled => {
    const settled: Settled = { acked: [], retried: [], delaySeconds: new Map() };
    for (const message of queued) {
      const decision = decided.get(message.id) ?? wholeBatch ?? { ack: true };
      if (decision.ack) settled.acked.push(message);
      else {
        settled.retried.push(message);
        settled.delaySeconds.set(message.id, decision.delaySeconds);
      }
    }
    return settled;
  };
  return { batch, settle };
}
