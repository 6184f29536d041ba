// Property-based fuzzing of the public API: the real app on the test's real D1, with the real
// events consumer run inline as the hand-over (so what collect accepts is stored, or quarantined,
// before the answer is checked). Every input goes through `probe`, which checks what holds for
// any input: a 2xx, or a 4xx problem+json naming the fields; no 5xx, no escaped exception, no
// polluted prototype.

import { env } from 'cloudflare:workers';
import type { CreateSiteResponse } from '@leadloop/schema';
import type fc from 'fast-check';
import { expect } from 'vitest';
import { createApp } from '../src/app.ts';
import type { EventMessage } from '../src/core/event-record.ts';
import { storableText } from '../src/core/storable-text.ts';
import { consumeEvents } from '../src/runtime/events-consumer.ts';
import { D1Store } from '../src/store/d1.ts';
import { enqueue, messageBatch } from './message-batch.ts';

/** Only `VITE_`-prefixed variables reach tests inside workerd: `VITE_FUZZ_SCALE=20` runs 20×. */
const meta = import.meta as unknown as { env?: Record<string, string | undefined> };
const SCALE = Number(meta.env?.VITE_FUZZ_SCALE ?? 1) || 1;
const SEED = meta.env?.VITE_FUZZ_SEED;

/** fast-check parameters for a property worth `runs` inputs at the default scale. */
export const fuzzParams = (runs: number): fc.Parameters<unknown> => ({
  numRuns: Math.max(1, Math.round(runs * SCALE)),
  ...(SEED === undefined ? {} : { seed: Number(SEED) }),
});

export const ADMIN_TOKEN = 'fuzz-admin-token';
/** A person's browser: without a user agent, events are stored as a bot's and identify no one. */
export const BROWSER =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const store = new D1Store(env.DB);

/** What the inline consumer did with what the app handed over. */
export const handedOver = { messages: 0, retried: 0 };

/** The app as production runs it (no development shortcuts), the queue replaced by its consumer. */
export const app = createApp({
  store,
  events: async (messages: EventMessage[]) => {
    const { batch, settle } = messageBatch('leadloop-events', enqueue(messages));
    await consumeEvents(batch, store);
    const settled = settle();
    handedOver.messages += messages.length;
    handedOver.retried += settled.retried.length;
  },
  delivery: { allowPrivate: false, enqueue: async () => {} },
  config: { environment: 'production', adminToken: ADMIN_TOKEN },
  sdkScript: { code: '', etag: '""' },
});

export async function createFuzzSite(): Promise<CreateSiteResponse> {
  const response = await app.request('/v1/admin/sites', {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Fuzz',
      allowedOrigins: ['https://www.fuzz.test'],
      defaultCountry: 'DE',
      timezone: 'Europe/Berlin',
    }),
  });
  if (response.status !== 201) throw new Error(`site: ${response.status} ${await response.text()}`);
  return response.json();
}

// ---------------------------------------------------------------------------------------------
// Counting

const counted = { inputs: 0, byRoute: new Map<string, Map<number, number>>() };

function tally(route: string, status: number) {
  counted.inputs += 1;
  const statuses = counted.byRoute.get(route) ?? new Map<number, number>();
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  counted.byRoute.set(route, statuses);
}

/** `fuzz …: 1234 inputs` and the answers per route, for the README figure. */
export function summary(file: string): string {
  const routes = [...counted.byRoute]
    .filter(([route]) => route !== 'seed')
    .map(([route, statuses]) => {
      const answers = [...statuses]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}×${n}`)
        .join(' ');
      return `  ${route}: ${answers}`;
    });
  const seeds = [...(counted.byRoute.get('seed')?.values() ?? [])].reduce((a, b) => a + b, 0);
  const consumed = `${handedOver.messages} queue messages consumed, ${handedOver.retried} given back`;
  return [`fuzz ${file}: ${counted.inputs - seeds} inputs; ${consumed}`, ...routes].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Rows

let tables: string[] | undefined;

/** Rows in every table of the database: a refused request must leave every figure as it was. */
export async function rowCounts(): Promise<Record<string, number>> {
  tables ??= (
    await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY name",
    ).all<{ name: string }>()
  ).results.map((row) => row.name);
  const columns = tables.map((name) => `(SELECT count(*) FROM "${name}") AS "${name}"`).join(', ');
  return (await env.DB.prepare(`SELECT ${columns}`).first<Record<string, number>>())!;
}

/** Ids of `ids` stored as events of the site. */
export async function storedEventIds(siteId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { results } = await env.DB.prepare(
    'SELECT id FROM events WHERE site_id = ?1 AND id IN (SELECT value FROM json_each(?2))',
  )
    .bind(siteId, JSON.stringify(ids))
    .all<{ id: string }>();
  return new Set(results.map((row) => row.id));
}

// ---------------------------------------------------------------------------------------------
// The probe

const prototypes = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const pristine = prototypes.map((proto) =>
  Object.getOwnPropertyNames(proto).map((name) => [
    name,
    Object.getOwnPropertyDescriptor(proto, name),
  ]),
);

function expectPristinePrototypes() {
  prototypes.forEach((proto, index) => {
    const now = Object.getOwnPropertyNames(proto);
    const before = pristine[index]!;
    expect(now, 'a prototype gained or lost a property').toEqual(before.map(([name]) => name));
    for (const [name, descriptor] of before) {
      const current = Object.getOwnPropertyDescriptor(proto, name as string);
      const original = descriptor as PropertyDescriptor;
      expect(current?.value, `${String(name)} was replaced`).toBe(original.value);
    }
  });
  expect(Object.getPrototypeOf(Object.prototype)).toBe(null);
  const probe = {} as Record<string, unknown>;
  for (const name of ['polluted', 'isAdmin', 'x', 'a', '0']) expect(probe[name]).toBeUndefined();
}

export type Sent = {
  /** For the tally: `POST /v1/collect`. */
  route: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
};

export type Answer = {
  status: number;
  contentType: string;
  text: string;
  headers: Headers;
  /** The problem document of a 4xx. */
  problem?: {
    type: string;
    status: number;
    title: string;
    errors?: { path: string; message: string }[];
  };
  json?: unknown;
};

export type Expectation = {
  /** The body's top-level keys a field error may name besides the ones sent (the schema's). */
  fields?: readonly string[];
  /** The fields a query's errors may name: its own keys besides the schema's. */
  query?: Record<string, string>;
};

/** The body as the app reads it: UTF-8, lone surrogates and bad bytes as U+FFFD, no BOM. */
const textOf = (body: string | Uint8Array | undefined) =>
  body === undefined
    ? ''
    : new TextDecoder().decode(typeof body === 'string' ? new TextEncoder().encode(body) : body);

function parses(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Sends one input and checks what must hold whatever it was; the answer (body read to the end,
 * streams included) is returned for the route's own checks.
 */
export async function probe(sent: Sent, expectation: Expectation = {}): Promise<Answer> {
  const retriedBefore = handedOver.retried;
  let response: Response;
  let text: string;
  try {
    response = await app.request(sent.path, {
      method: sent.method,
      headers: sent.headers ?? {},
      ...(sent.body === undefined ? {} : { body: sent.body }),
    });
    // As bytes: `text()` on a CSV or NDJSON body makes workerd warn.
    text = new TextDecoder().decode(await response.arrayBuffer());
  } catch (error) {
    throw new Error(
      `an exception escaped the app: ${error instanceof Error ? error.stack : error}`,
    );
  }
  tally(sent.route, response.status);
  const contentType = response.headers.get('content-type') ?? '';
  const answer: Answer = { status: response.status, contentType, text, headers: response.headers };
  const context = `${sent.method} ${sent.path.slice(0, 300)} → ${response.status} ${text.slice(0, 500)}`;

  expect(response.status, context).toBeGreaterThanOrEqual(200);
  expect(response.status, context).toBeLessThan(500);
  expect(handedOver.retried - retriedBefore, `the consumer gave back messages: ${context}`).toBe(0);
  expectPristinePrototypes();

  if (response.status >= 400) {
    expect(contentType, context).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(text) as NonNullable<Answer['problem']>;
    answer.problem = problem;
    expect(problem.status, context).toBe(response.status);
    expect(problem.type, context).toMatch(/^urn:leadloop:problem:[a-z-]+$/);
    expect(typeof problem.title, context).toBe('string');
    if (response.status === 400) expectNamedFields(problem, sent, expectation, context);
  } else if (/^application\/json/.test(contentType)) {
    answer.json = JSON.parse(text);
  }
  return answer;
}

/** A 400 says why: malformed JSON only when it is, otherwise every error names a field. */
function expectNamedFields(
  problem: NonNullable<Answer['problem']>,
  sent: Sent,
  { fields = [], query }: Expectation,
  context: string,
) {
  const slug = problem.type.replace('urn:leadloop:problem:', '');
  const bodyText = textOf(sent.body);
  const parsed = sent.body === undefined ? undefined : parses(bodyText);
  if (slug === 'malformed-json') {
    expect(parsed?.ok ?? false, `refused as malformed, yet it parses: ${context}`).toBe(false);
    return;
  }
  expect(slug, context).toBe('validation-failed');
  if (parsed && !parsed.ok)
    throw new Error(`malformed JSON answered as a validation failure: ${context}`);
  expect(Array.isArray(problem.errors) && problem.errors.length > 0, context).toBe(true);
  const sentKeys =
    query !== undefined
      ? Object.keys(query)
      : parsed?.ok && isPlainObject(parsed.value)
        ? Object.keys(parsed.value)
        : [];
  // Names arrive as the collector stores text: a NUL or lone surrogate reads as U+FFFD.
  const named = new Set([...sentKeys.map(storableText), ...fields]);
  for (const error of problem.errors!) {
    expect(typeof error.path, context).toBe('string');
    expect(typeof error.message === 'string' && error.message.length > 0, context).toBe(true);
    if (error.path === '') continue; // the body (or query) as a whole
    // Keys may hold dots themselves (`a.b`): the path starts with a field, whole or dotted on.
    const field = [...named].some((key) => error.path === key || error.path.startsWith(`${key}.`));
    expect(field, `error path "${error.path}" names no field: ${context}`).toBe(true);
  }
}
