// A small typed client for Leadloop's REST API, as a backend would write one: the secret key in
// the Authorization header, JSON in and out, problem+json errors thrown with their field paths,
// and an Idempotency-Key on writes so a retried request never does anything twice.

export type Lead = {
  id: string;
  email: string | null;
  phone: string | null;
  name: string | null;
  status: string;
  score: number;
  updatedAt: string;
  firstTouch: { channel: string; source: string; campaign: string | null } | null;
};

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
};

export class LeadloopError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    const fields = (problem.errors ?? []).map((error) => ` ${error.path}: ${error.message};`);
    super(
      `${problem.status} ${problem.title}${problem.detail ? ` — ${problem.detail}` : ''}${fields.join('')}`,
    );
    this.problem = problem;
  }
}

export function leadloop(
  url = process.env.LEADLOOP_URL ?? 'http://127.0.0.1:8787',
  secretKey = process.env.LEADLOOP_SECRET_KEY,
) {
  if (!secretKey) throw new Error('Set LEADLOOP_SECRET_KEY to a secret key (sk_…).');
  const base = url.replace(/\/+$/, '');

  async function call<T>(method: string, path: string, body?: unknown, idempotencyKey?: string) {
    const response = await fetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${secretKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 204) return undefined as T;
    const json = await response.json();
    if (!response.ok) throw new LeadloopError(json as Problem);
    return json as T;
  }

  return {
    /** Every lead matching the filters, page after page. */
    async *leads(filters: Record<string, string> = {}): AsyncGenerator<Lead> {
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ ...filters, limit: '100' });
        if (cursor) query.set('cursor', cursor);
        const page: { data: Lead[]; nextCursor: string | null } = await call(
          'GET',
          `/v1/leads?${query}`,
        );
        yield* page.data;
        cursor = page.nextCursor;
      } while (cursor);
    },
    conversion: (body: Record<string, unknown>, idempotencyKey?: string) =>
      call<Record<string, unknown>>('POST', '/v1/conversions', body, idempotencyKey),
    events: (events: Record<string, unknown>[], idempotencyKey?: string) =>
      call<{ accepted: number; ids: string[]; rejected: unknown[] }>(
        'POST',
        '/v1/events',
        { events },
        idempotencyKey,
      ),
    eraseLead: (id: string) => call<void>('DELETE', `/v1/leads/${encodeURIComponent(id)}`),
  };
}
