// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the reviewed SQL is pinned as source text
// Security: what a client names in a query reaches SQL only through an allow-list. Every list,
// report and export route refuses a query parameter it does not know (400 naming it), refuses a
// value outside the allowed set for a field that picks a column or model (groupBy, by, model,
// status…), and binds free-text filters as parameters, so SQL in them matches nothing.
//
// Below the routes, drizzle's `sql` template binds every value; `sql.raw(…)` writes text into the
// statement unbound. Each call of it in src/store is pinned here as reviewed: its argument is a
// literal, or is built from code constants, enum values zod already checked (groupBy → column,
// `by` → PLACE_FIELDS), dialect switches, or integers the code computed (`literal()` refuses
// anything else). A new or changed call fails this test until it is reviewed and added.

import type { CreateSiteResponse } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { batch, collect, createSite, expectProblem, pageview, request } from './helpers.ts';
import { STORE_SOURCES } from './security-sources.ts';
import { CHROME_ON_MAC } from './store-suite.ts';

const INJECTIONS = [
  "' OR 1=1 --",
  'channel; DROP TABLE leads; --',
  'channel) UNION SELECT hash FROM api_keys --',
  '1; SELECT 1',
  '__proto__',
  'constructor',
];

type Parameter = { name: string; in: string; schema?: { enum?: string[]; type?: string } };

let site: CreateSiteResponse;
let listRoutes: { path: string; parameters: Parameter[] }[];

beforeAll(async () => {
  site = await createSite({ name: 'Allow-listed fields' });
  await collect(
    batch(site.writeKey, [pageview({ type: 'identify', traits: { email: 'grace@acme.io' } })]),
    { userAgent: CHROME_ON_MAC },
  );
  const document = (await (await request('/v1/openapi.json')).json()) as {
    paths: Record<string, { get?: { parameters?: Parameter[] } }>;
  };
  listRoutes = Object.entries(document.paths)
    .filter(([path, item]) => path.startsWith('/v1/') && !path.startsWith('/v1/admin') && item.get)
    .map(([path, item]) => ({
      path,
      parameters: (item.get!.parameters ?? []).filter((parameter) => parameter.in === 'query'),
    }))
    .filter((route) => route.parameters.length > 0 && !route.path.includes('{'));
});

function get(path: string): Promise<Response> {
  return request(path, { headers: { authorization: `Bearer ${site.secretKey}` } });
}

/** The query a route needs to answer at all (the offline export names its platform). */
const REQUIRED: Record<string, string> = {
  '/v1/exports/offline-conversions': 'platform=google_ads',
};

function withQuery(path: string, extra: string): string {
  const required = REQUIRED[path];
  const replaced = required && extra.startsWith(`${required.split('=')[0]}=`);
  return `${path}?${required && !replaced ? `${required}&` : ''}${extra}`;
}

/** The site's leads, once the queue consumer has made the identified one. */
async function leadsOnceStored(): Promise<unknown[]> {
  for (let tries = 0; tries < 100; tries++) {
    const { data } = (await (await get('/v1/leads')).json()) as { data: unknown[] };
    if (data.length > 0) return data;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [];
}

describe('query parameters', () => {
  it('finds the list, report and export routes to try', () => {
    const paths = listRoutes.map((route) => route.path);
    for (const expected of ['/v1/leads', '/v1/attribution', '/v1/reports/locations'])
      expect(paths).toContain(expected);
  });

  it('an unknown one is refused with 400 naming it, on every route that takes a query', async () => {
    for (const { path } of listRoutes) {
      for (const unknown of ['sort', 'orderBy', 'where', '__proto__', 'email%20OR%201']) {
        const problem = await expectProblem(await get(withQuery(path, `${unknown}=1`)), 400);
        expect(JSON.stringify(problem.errors), `${path} ${unknown}`).toContain(
          decodeURIComponent(unknown) === '__proto__' ? '' : decodeURIComponent(unknown),
        );
      }
    }
  });

  it('a field that picks a column, model or order takes only its allowed values', async () => {
    let tried = 0;
    for (const { path, parameters } of listRoutes)
      for (const parameter of parameters.filter((p) => p.schema?.enum)) {
        for (const value of INJECTIONS) {
          const query = `${parameter.name}=${encodeURIComponent(value)}`;
          const problem = await expectProblem(await get(withQuery(path, query)), 400);
          expect(
            problem.errors?.map((error) => error.path),
            `${path} ${query}`,
          ).toContain(parameter.name);
          tried++;
        }
      }
    // groupBy, model, conversion, format, status, by, platform, stage… each with every injection.
    expect(tried).toBeGreaterThanOrEqual(8 * INJECTIONS.length);
  });

  it('free-text filters are bound as values: SQL in them matches nothing', async () => {
    expect((await leadsOnceStored()).length).toBeGreaterThan(0);
    for (const value of INJECTIONS)
      for (const field of ['email', 'phone', 'channel']) {
        const response = await get(`/v1/leads?${field}=${encodeURIComponent(value)}`);
        if (response.status === 400) {
          await response.body?.cancel();
          continue;
        }
        expect(response.status, `${field}=${value}`).toBe(200);
        expect(((await response.json()) as { data: unknown[] }).data, `${field}=${value}`).toEqual(
          [],
        );
      }
  }, 20_000);
});

/** The argument text of every `sql.raw(…)` call, whitespace collapsed. */
function rawArguments(text: string): string[] {
  const found: string[] = [];
  for (let at = text.indexOf('sql.raw('); at !== -1; at = text.indexOf('sql.raw(', at + 1)) {
    let depth = 1;
    let end = at + 'sql.raw('.length;
    for (; end < text.length && depth > 0; end++) {
      if (text[end] === '(') depth++;
      else if (text[end] === ')') depth--;
    }
    found.push(
      text
        .slice(at + 'sql.raw('.length, end - 1)
        .replace(/\s+/g, ' ')
        .trim()
        .replace(/,$/, ''),
    );
  }
  return found;
}

/**
 * Reviewed `sql.raw` arguments per store file. Where they come from: `name`/`column` (attribution
 * groupKey) — an AttributionGroup zod enum value or a fixed column; `lead`, `time`, `id`, `alias`,
 * `from`, `table`, `names`, `values`, `key`, `columns` — column and table names written in the
 * store code; `fields` — PLACE_FIELDS of a zod-checked location level; `order` — 'ASC' | 'DESC';
 * `bucket` — SPEED_BUCKET_LIMITS names; `value`, `ms` — integers the code computed.
 */
const REVIEWED: Record<string, string[]> = {
  'attribution-store.ts': [
    "`COALESCE(NULLIF(s.${name}, ''), '(not set)')`",
    "`split_part(split_part(s.landing_page, '#', 1), '?', 1)`",
    "cut(cut('s.landing_page', '#'), '?')",
    'column',
    'column',
    'lead',
    'lead',
    "dialect === 'pg' ? `NULL::${type}` : 'NULL'",
    "'PARTITION BY browser ORDER BY touch_at, id'",
  ],
  'identity-sql.ts': [
    "dialect === 'sqlite' ? column : `(extract(epoch from ${column}) * 1000)::float8`",
    "dialect === 'sqlite' ? column : `${column}::text`",
    "`ON CONFLICT (${key}) DO UPDATE SET ${columns .filter(([name]) => !key.split(', ').includes(name)) .map(([name]) => `${name} = excluded.${name}`) .join(', ')}`",
    '`ON CONFLICT (site_id, kind, value) DO UPDATE SET lead_id = excluded.lead_id, first_seen_at = ${least(dialect)}(lead_identifiers.first_seen_at, excluded.first_seen_at)`',
    "'ON CONFLICT (site_id, event_id) DO UPDATE SET lead_id = excluded.lead_id'",
    "'ON CONFLICT DO NOTHING'",
    "'ON CONFLICT DO NOTHING'",
    "'ON CONFLICT DO NOTHING'",
    "dialect === 'sqlite' ? 'instr' : 'strpos'",
    'column',
    'column',
  ],
  'key-store.ts': ['`${from}${name}`'],
  'lead-query-store.ts': ["dialect === 'sqlite' ? '0' : 'false'", 'time', 'id'],
  'merge-sql.ts': [
    'table',
    'names',
    'values',
    'table',
    'names',
    'values',
    "`ON CONFLICT (site_id, id) DO UPDATE SET ${[ `started_at = ${least(dialect)}(sessions.started_at, excluded.started_at)`, `last_event_at = ${greatest(dialect)}(sessions.last_event_at, excluded.last_event_at)`, ...touch, ].join(', ')}`",
    "`ON CONFLICT (site_id, anonymous_id) DO UPDATE SET ${[ `first_seen_at = ${least(dialect)}(visitors.first_seen_at, excluded.first_seen_at)`, `last_seen_at = ${greatest(dialect)}(visitors.last_seen_at, excluded.last_seen_at)`, ].join(', ')}`",
  ],
  'offline-conversion-store.ts': ['String(ms)', 'String(ms / 1000)'],
  'ownership-sql.ts': ['`${alias}.anonymous_id`', '`${alias}.${time}`'],
  'report-store.ts': [
    'String(value)',
    "Object.entries(STAGE_RANKS) .map(([stage, rank]) => `WHEN '${stage}' THEN ${rank}`) .join(' ')",
    "fields.map((field) => `${alias}.${field}`).join(', ')",
    "fields.map((field) => `${alias}.${field} AS ${field}`).join(', ')",
    "dialect === 'sqlite' ? 'e.bot = 0' : 'e.bot = false'",
    "dialect === 'sqlite' ? `json_extract(o.data, '$.current')` : `o.data->>'current'`",
    "`('opportunity', 'customer', 'lost')`",
    'order',
    "'e.occurred_at'",
    '`b_${bucket}`',
  ],
  'webhook-store.ts': ["dialect === 'sqlite' ? (value ? '1' : '0') : value ? 'true' : 'false'"],
};

describe('raw SQL in src/store', () => {
  it('is only the reviewed calls, built from constants and allow-listed identifiers', () => {
    const found = Object.fromEntries(
      Object.entries(STORE_SOURCES)
        .map(([file, text]) => [file, rawArguments(text)] as const)
        .filter(([, calls]) => calls.length > 0)
        .sort(([a], [b]) => a.localeCompare(b)),
    );
    expect(found).toEqual(REVIEWED);
  });

  it('never takes request input directly: no raw call reads a query, body, param or header', () => {
    for (const [file, text] of Object.entries(STORE_SOURCES))
      for (const argument of rawArguments(text))
        expect(argument, file).not.toMatch(/\b(req|query|body|params?|input|header)\b/);
  });
});
