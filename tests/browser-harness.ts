// What a browser test looks at: the collect requests a page sends (read off the wire, not from the
// SDK) and the events the collector stored in D1.
import type { BrowserContext, Request } from 'playwright-core';
import type { LocalStack } from './local-stack.ts';

/** An event as it left the page, loosely typed: the tests check its shape themselves. */
export type SentEvent = {
  id: string;
  type: string;
  anonymousId: string;
  sessionId: string;
  page: { url: string; path: string; title?: string; referrer?: string };
  name?: string;
  traits?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  form?: { id?: string; name?: string; fields: Record<string, string> };
  call?: { number: string; kind?: string; text?: string };
};

export type SentBatch = {
  body: string;
  events: SentEvent[];
  /** The HTTP status, `'failed'` for a network error, `'pending'` until either. */
  outcome: number | 'failed' | 'pending';
};

export type CollectLog = {
  batches: SentBatch[];
  /** Every event sent, once per id, in the order first sent. */
  events(): SentEvent[];
};

/** Records every `POST /v1/collect` the context's pages send (fetches and beacons). */
export function recordCollect(context: BrowserContext, collectorUrl: string): CollectLog {
  const batches: SentBatch[] = [];
  const byRequest = new Map<Request, SentBatch>();
  const endpoint = `${collectorUrl}/v1/collect`;
  context.on('request', (request) => {
    if (request.url() !== endpoint || request.method() !== 'POST') return;
    const body = request.postData() ?? '';
    const batch: SentBatch = { body, events: JSON.parse(body).events, outcome: 'pending' };
    batches.push(batch);
    byRequest.set(request, batch);
  });
  context.on('requestfailed', (request) => {
    const batch = byRequest.get(request);
    if (batch) batch.outcome = 'failed';
  });
  context.on('response', (response) => {
    const batch = byRequest.get(response.request());
    if (batch) batch.outcome = response.status();
  });
  return {
    batches,
    events() {
      const unique = new Map<string, SentEvent>();
      for (const event of batches.flatMap((batch) => batch.events)) {
        if (!unique.has(event.id)) unique.set(event.id, event);
      }
      return [...unique.values()];
    },
  };
}

/** Polls `check` (cheap, in-process) until it returns something truthy. */
export async function until<T>(
  check: () => T | undefined | null | false,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export type StoredEvent = {
  id: string;
  type: string;
  anonymous_id: string;
  session_id: string;
  page_url: string;
  name: string | null;
  /** The parsed `payload` column: form, call, traits, properties, attribution, context. */
  payload: Record<string, unknown> & Pick<SentEvent, 'form' | 'call' | 'traits' | 'properties'>;
};

const sqlText = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * The site's stored events of these visitors, once every id in `ids` is among them, or once `ready`
 * says so (D1 is polled: the queue consumer writes a moment after the collector answers).
 */
export async function waitForStored(
  stack: LocalStack,
  anonymousIds: readonly string[],
  ready: readonly string[] | ((rows: StoredEvent[]) => boolean),
  timeoutMs = 30_000,
): Promise<StoredEvent[]> {
  const sql = `SELECT id, type, anonymous_id, session_id, page_url, name, payload FROM events
    WHERE site_id = ${sqlText(stack.site.site.id)}
    AND anonymous_id IN (${anonymousIds.map(sqlText).join(', ')}) ORDER BY occurred_at, rowid`;
  const isReady =
    typeof ready === 'function'
      ? ready
      : (rows: StoredEvent[]) => ready.every((id) => rows.some((row) => row.id === id));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = (await stack.query<Omit<StoredEvent, 'payload'> & { payload: string }>(sql)).map(
      (row) => ({ ...row, payload: JSON.parse(row.payload) }),
    );
    if (isReady(rows)) return rows;
    if (Date.now() > deadline) {
      throw new Error(`D1 never had what the test waited for: ${JSON.stringify(rows)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
