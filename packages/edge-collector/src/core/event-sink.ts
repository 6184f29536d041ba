import type { EventMessage } from './event-record.ts';

/**
 * Where accepted events (and refused ones, bound for quarantine) are handed over. The promise
 * resolves only once they are durable (queued or stored); a rejection means nothing can be
 * promised and the client must retry.
 */
export type EventSink = (messages: EventMessage[]) => Promise<void>;
