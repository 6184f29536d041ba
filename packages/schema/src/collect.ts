import { z } from 'zod';
import { eventSchema, type LeadloopEvent, timestamp } from './events.ts';
import { LIMITS } from './limits.ts';
import { type FieldError, fieldErrorSchema, toFieldErrors } from './problem.ts';
import type { Pinned, Same } from './same-type.ts';
import { utf8ByteLength } from './utf8.ts';

export const contextSchema = z.object({
  library: z.object({ name: z.string().max(64), version: z.string().max(64) }).optional(),
  locale: z.string().max(64).optional(),
  timezone: z.string().max(64).optional(),
  screen: z.object({ width: z.number().int().min(0), height: z.number().int().min(0) }).optional(),
  /** The domain the SDK keeps its cookies on; lets a first-party collector set `ll_aid` itself. */
  cookieDomain: z.string().max(253).optional(),
});

/** The envelope of a `POST /v1/collect` body; events are checked one by one afterwards. */
export const collectBatchSchema = z.object({
  writeKey: z.string().startsWith('pk_').max(LIMITS.idLength),
  sentAt: timestamp,
  context: contextSchema.optional(),
  events: z.array(z.unknown()).min(1).max(LIMITS.batchEvents),
});

export type CollectContext = z.infer<typeof contextSchema>;
export type CollectBatch = Omit<z.infer<typeof collectBatchSchema>, 'events'> & {
  events: LeadloopEvent[];
};
export type RejectedEvent = { index: number; errors: FieldError[] };

export const rejectedEventSchema = z
  .strictObject({
    index: z.int().min(0).meta({ description: 'Position of the event in `events`.' }),
    errors: z.array(fieldErrorSchema),
  })
  .meta({ id: 'RejectedEvent' });

/** `202` of `POST /v1/collect`: how many events were kept, and which were refused and why. */
export const collectAcceptedSchema = z
  .strictObject({
    accepted: z.int().min(0).meta({ description: 'Events handed over for storage.' }),
    rejected: z.array(rejectedEventSchema).meta({
      description: 'Events refused, with why; they are kept in quarantine, never silently lost.',
    }),
  })
  .meta({ id: 'CollectAccepted' });
export type CollectAccepted = z.infer<typeof collectAcceptedSchema>;

export type CollectSchemasMatchTypes = Pinned<{
  rejected: Same<z.infer<typeof rejectedEventSchema>, RejectedEvent>;
}>;

export type ParsedBatch =
  | { ok: true; batch: CollectBatch; rejected: RejectedEvent[] }
  | { ok: false; errors: FieldError[] };

/**
 * Why an event is too big to read, or null: its size as UTF-8 JSON, measured before its shape. A
 * value nested thousands of levels deep overflows the stack of `JSON.stringify` (objects with
 * index keys such as `{"0": …}` take its recursive path): that is refused too, never thrown.
 */
export function eventSizeError(raw: unknown): FieldError | null {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? '';
  } catch {
    return {
      path: '',
      message: `Event is nested too deeply; the limit is ${LIMITS.jsonDepth} levels`,
    };
  }
  const bytes = utf8ByteLength(text);
  return bytes > LIMITS.eventBytes
    ? { path: '', message: `Event is ${bytes} bytes; the limit is ${LIMITS.eventBytes}` }
    : null;
}

/** Checks one event: size first (cheap to explain), then shape. */
export function parseEvent(
  raw: unknown,
): { ok: true; event: LeadloopEvent } | { ok: false; errors: FieldError[] } {
  const tooBig = eventSizeError(raw);
  if (tooBig) return { ok: false, errors: [tooBig] };
  const result = eventSchema.safeParse(raw);
  return result.success
    ? { ok: true, event: result.data }
    : { ok: false, errors: toFieldErrors(result.error) };
}

/**
 * Validates a collect body. A bad envelope rejects the whole batch; a bad event rejects only
 * itself, so the valid events of a batch are always kept.
 */
export function parseCollectBatch(input: unknown): ParsedBatch {
  const envelope = collectBatchSchema.safeParse(input);
  if (!envelope.success) return { ok: false, errors: toFieldErrors(envelope.error) };
  const events: LeadloopEvent[] = [];
  const rejected: RejectedEvent[] = [];
  envelope.data.events.forEach((raw, index) => {
    const parsed = parseEvent(raw);
    if (parsed.ok) events.push(parsed.event);
    else rejected.push({ index, errors: parsed.errors });
  });
  return { ok: true, batch: { ...envelope.data, events }, rejected };
}
