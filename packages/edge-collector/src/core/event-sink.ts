import type { EventRecord } from './event-record.ts';

/**
 * Where accepted events are handed over. The promise resolves only once they are durable (queued
 * or stored); a rejection means nothing can be promised and the client must retry.
 */
export type EventSink = (records: EventRecord[]) => Promise<void>;
