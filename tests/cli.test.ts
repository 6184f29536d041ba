import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, run } from '../packages/edge-collector/cli/leadloop.ts';
import { type LocalStack, startLocalStack } from './local-stack.ts';

// The `leadloop` CLI as an operator and a backend developer use it, against the collector on
// local workerd: sites, keys (created, listed by prefix, revoked at once) and a lead export that
// pages through the API, in NDJSON and in spreadsheet-safe CSV.

const ADMIN_TOKEN = 'e2e-admin-token';
const CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const CLI = fileURLToPath(new URL('../packages/edge-collector/cli/leadloop.ts', import.meta.url));
/** Two pages of the export's 100-lead pages. */
const LEADS = 130;

let stack: LocalStack;
let dir: string;

type Captured = { code: number; out: string; err: string };

async function cli(args: string[], env: Record<string, string> = {}): Promise<Captured> {
  let out = '';
  let err = '';
  const io: CliIo = {
    env: { LEADLOOP_URL: stack.collector.url, LEADLOOP_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    interactive: false,
  };
  const code = await run(args, io);
  return { code, out, err };
}

async function leadCount(secretKey: string): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const response = await fetch(
      `${stack.collector.url}/v1/leads?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { headers: { authorization: `Bearer ${secretKey}` } },
    );
    const page = (await response.json()) as { data: unknown[]; nextCursor: string | null };
    count += page.data.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

beforeAll(async () => {
  stack = await startLocalStack();
  dir = await mkdtemp(join(tmpdir(), 'leadloop-cli-'));
  // LEADS people identify themselves; the first one with a name a spreadsheet would run.
  const events = Array.from({ length: LEADS }, (_, index) => ({
    id: crypto.randomUUID(),
    type: 'identify',
    timestamp: new Date().toISOString(),
    anonymousId: `cli-visitor-${index}`,
    sessionId: `cli-session-${index}`,
    page: { url: `${stack.pageOrigin}/`, path: '/' },
    traits: {
      email: `person${index}@acme.com`,
      name: index === 0 ? '=HYPERLINK("http://evil.com","click")' : `Person ${index}`,
    },
  }));
  for (let start = 0; start < events.length; start += 100) {
    const response = await fetch(`${stack.collector.url}/v1/collect`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'user-agent': CHROME },
      body: JSON.stringify({
        writeKey: stack.site.writeKey,
        sentAt: new Date().toISOString(),
        events: events.slice(start, start + 100),
      }),
    });
    expect(response.status).toBe(202);
  }
  const deadline = Date.now() + 60_000;
  while ((await leadCount(stack.site.secretKey)) < LEADS && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 250));
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('leadloop sites', () => {
  it('creates a site and prints its keys once, then lists and reads it', async () => {
    const created = await cli([
      'sites',
      'create',
      '--name',
      'CLI Co',
      '--origin',
      'https://cli.acme.com',
      '--timezone',
      'Europe/Paris',
      '--json',
    ]);
    expect(created.code, created.err).toBe(0);
    const body = JSON.parse(created.out);
    expect(body.site).toMatchObject({ name: 'CLI Co', timezone: 'Europe/Paris' });
    expect(body.secretKey).toMatch(/^sk_/);
    expect(body.writeKey).toMatch(/^pk_/);

    const listed = await cli(['sites', 'list']);
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toContain(body.site.id);
    expect(listed.out).toContain('CLI Co');
    expect(listed.out).not.toContain(body.secretKey);

    const read = await cli(['sites', 'get', body.site.id, '--json']);
    expect(JSON.parse(read.out)).toMatchObject({ id: body.site.id, name: 'CLI Co' });
  });

  it('says what is wrong with a bad site and exits 1', async () => {
    const refused = await cli(['sites', 'create', '--name', 'Bad', '--origin', 'not an origin']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/400/);
    expect(refused.err).toMatch(/allowedOrigins\.0/);
  });

  it('refuses a wrong admin token with the collector’s answer', async () => {
    const refused = await cli(['sites', 'list'], { LEADLOOP_ADMIN_TOKEN: 'wrong' });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/401/);
  });
});

describe('leadloop keys', () => {
  it('creates a read-only key, lists it by prefix only, and revokes it at once', async () => {
    const siteId = stack.site.site.id;
    const created = await cli([
      'keys',
      'create',
      siteId,
      '--name',
      'Exports',
      '--scope',
      'read',
      '--json',
    ]);
    expect(created.code, created.err).toBe(0);
    const { key, secret } = JSON.parse(created.out);
    expect(secret).toMatch(/^sk_/);
    expect(key).toMatchObject({ kind: 'secret', name: 'Exports', scopes: ['read'] });

    const listed = await cli(['keys', 'list', siteId]);
    expect(listed.out).toContain(key.id);
    expect(listed.out).toContain(secret.slice(0, 9));
    expect(listed.out).not.toContain(secret);

    const exported = await cli(['leads', 'export', '--out', join(dir, 'ro.ndjson')], {
      LEADLOOP_SECRET_KEY: secret,
    });
    expect(exported.code, exported.err).toBe(0);

    const revoked = await cli(['keys', 'revoke', siteId, key.id]);
    expect(revoked.code, revoked.err).toBe(0);
    expect(revoked.out).toContain(`revoked ${key.id}`);
    const after = await cli(['leads', 'export'], { LEADLOOP_SECRET_KEY: secret });
    expect(after.code).toBe(1);
    expect(after.err).toMatch(/401/);
  });
});

describe('leadloop leads export', () => {
  it('writes every lead as NDJSON across pages, with progress on stderr', async () => {
    const file = join(dir, 'leads.ndjson');
    const result = await cli(['leads', 'export', '--out', file], {
      LEADLOOP_SECRET_KEY: stack.site.secretKey,
    });
    expect(result.code, result.err).toBe(0);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(LEADS);
    const emails = new Set(lines.map((line) => JSON.parse(line).email));
    expect(emails.size).toBe(LEADS);
    expect(emails).toContain('person129@acme.com');
    expect(result.err).toContain(`exported ${LEADS} leads to ${file}`);
  });

  it('writes CSV a spreadsheet opens safely: one row per lead, formulas neutralised', async () => {
    const file = join(dir, 'leads.csv');
    const result = await cli(['leads', 'export', '--format', 'csv', '--out', file], {
      LEADLOOP_SECRET_KEY: stack.site.secretKey,
    });
    expect(result.code, result.err).toBe(0);
    const rows: Record<string, string>[] = parse(await readFile(file, 'utf8'), { columns: true });
    expect(rows).toHaveLength(LEADS);
    expect(Object.keys(rows[0]!)).toEqual(
      expect.arrayContaining(['id', 'email', 'status', 'score', 'first_touch_channel']),
    );
    const hostile = rows.find((row) => row.email === 'person0@acme.com')!;
    expect(hostile.name).toBe(`'=HYPERLINK("http://evil.com","click")`);
  });

  it('streams to stdout when no file is given, filtered as asked', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [CLI, 'leads', 'export', '--status', 'lead'],
      {
        env: {
          ...process.env,
          LEADLOOP_URL: stack.collector.url,
          LEADLOOP_SECRET_KEY: stack.site.secretKey,
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const leads = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(leads).toHaveLength(LEADS);
    expect(leads.every((lead) => lead.status === 'lead')).toBe(true);
    expect(stderr).toContain(`exported ${LEADS} leads`);
  });

  it('exits 2 on a wrong command line and 1 when the collector is unreachable', async () => {
    expect((await cli(['leads', 'export', '--format', 'xml'])).code).toBe(2);
    expect((await cli(['leads', 'export'])).err).toMatch(/secret key/);
    expect((await cli(['nonsense', 'command'])).code).toBe(2);
    const down = await cli(['sites', 'list'], { LEADLOOP_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/cannot reach the collector/);
  });
});

describe('the leadloop binary', () => {
  it('runs with the project’s Node and prints its help', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'help']);
    expect(stdout).toContain('leadloop — manage a Leadloop collector');
    expect(stdout).toContain('leads export');
  });
});
