import { utf8ByteLength } from '@leadloop/schema';
import type { EventMessage } from '../core/event-record.ts';
import type { EventSink } from '../core/event-sink.ts';

// Cloudflare Queues: at most 100 messages and 256 KB per sendBatch; keep headroom for overhead.
const MAX_MESSAGES = 100;
const MAX_BATCH_BYTES = 200 * 1024;

/** Hands events to the `events` queue, one message each, in as few sendBatch calls as fit. */
export function queueSink(queue: Queue<EventMessage>): EventSink {
  return async (messages) => {
    let batch: MessageSendRequest<EventMessage>[] = [];
    let bytes = 0;
    for (const message of messages) {
      const size = utf8ByteLength(JSON.stringify(message));
      if (batch.length === MAX_MESSAGES || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
        await queue.sendBatch(batch);
        batch = [];
        bytes = 0;
      }
      batch.push({ body: message, contentType: 'json' });
      bytes += size;
    }
    if (batch.length > 0) await queue.sendBatch(batch);
  };
}
