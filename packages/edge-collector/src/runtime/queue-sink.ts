import { utf8ByteLength } from '@leadloop/schema';
import type { EventRecord } from '../core/event-record.ts';
import type { EventSink } from '../core/event-sink.ts';

// Cloudflare Queues: at most 100 messages and 256 KB per sendBatch; keep headroom for overhead.
const MAX_MESSAGES = 100;
const MAX_BATCH_BYTES = 200 * 1024;

/** Hands events to the `events` queue, one message each, in as few sendBatch calls as fit. */
export function queueSink(queue: Queue<EventRecord>): EventSink {
  return async (records) => {
    let batch: MessageSendRequest<EventRecord>[] = [];
    let bytes = 0;
    for (const record of records) {
      const size = utf8ByteLength(JSON.stringify(record));
      if (batch.length === MAX_MESSAGES || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
        await queue.sendBatch(batch);
        batch = [];
        bytes = 0;
      }
      batch.push({ body: record, contentType: 'json' });
      bytes += size;
    }
    if (batch.length > 0) await queue.sendBatch(batch);
  };
}
