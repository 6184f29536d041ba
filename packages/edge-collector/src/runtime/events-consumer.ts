import type { EventRecord } from '../core/event-record.ts';
import type { Store } from '../store/types.ts';

/**
 * Stores a queue batch in one transaction. Inserts are idempotent, so a batch retried after a
 * failure (or redelivered by the queue) leaves exactly one copy of each event.
 */
export async function consumeEvents(batch: MessageBatch<EventRecord>, store: Store): Promise<void> {
  try {
    await store.insertEvents(batch.messages.map((message) => message.body));
    batch.ackAll();
  } catch (error) {
    console.error('events batch failed; retrying', error instanceof Error ? error.message : error);
    batch.retryAll({ delaySeconds: 5 });
  }
}
