#!/usr/bin/env node
// `leadloop`: sites, keys and exports against a local or deployed collector.
//   pnpm leadloop sites create --name "Acme" --origin https://acme.com
//   pnpm leadloop keys create site_… --name "CRM sync" --scope read
//   LEADLOOP_SECRET_KEY=sk_… pnpm leadloop leads export --format csv --out leads.csv
// Run `leadloop help` for everything. Exit codes: 0 done, 1 the collector refused or was
// unreachable, 2 the command line is wrong.

import { parseArgs } from 'node:util';
import type { CreateSiteResponse, Site } from '@leadloop/schema';
import { ApiError, apiClient } from './api-client.ts';
import { type ExportFormat, exportAll, LEAD_COLUMNS } from './export.ts';

const HELP = `leadloop — manage a Leadloop collector

Usage: leadloop [--url URL] [--json] <command>

  sites list                         every site (admin token)
  sites get SITE_ID
  sites create --name NAME --origin ORIGIN [--origin …] [--timezone Europe/Paris] [--country US]
  keys list SITE_ID                  a site's keys, by prefix (admin token)
  keys create SITE_ID [--kind secret|write] [--name NAME] [--scope read] [--scope write]
  keys revoke SITE_ID KEY_ID
  leads export [--format ndjson|csv] [--out FILE] [--status S] [--min-score N]
               [--channel C] [--updated-since ISO]   (secret key)

Options:
  --url URL            the collector (env LEADLOOP_URL; default http://127.0.0.1:8787)
  --admin-token TOKEN  operator token (env LEADLOOP_ADMIN_TOKEN)
  --key sk_…           secret key for exports (env LEADLOOP_SECRET_KEY)
  --json               machine-readable output
`;

class UsageError extends Error {}

const OPTIONS = {
  url: { type: 'string' },
  json: { type: 'boolean', default: false },
  'admin-token': { type: 'string' },
  key: { type: 'string' },
  name: { type: 'string' },
  origin: { type: 'string', multiple: true },
  timezone: { type: 'string' },
  country: { type: 'string' },
  kind: { type: 'string' },
  scope: { type: 'string', multiple: true },
  format: { type: 'string', default: 'ndjson' },
  out: { type: 'string' },
  status: { type: 'string' },
  'min-score': { type: 'string' },
  channel: { type: 'string' },
  'updated-since': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

export type CliIo = {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal: progress then rewrites one line. */
  interactive: boolean;
};

const nodeIo: CliIo = {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
};

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === '') throw new UsageError(`missing ${what}`);
  return value;
}

function table(rows: Record<string, unknown>[], columns: string[]): string {
  const cell = (value: unknown) =>
    value === null || value === undefined
      ? '-'
      : Array.isArray(value)
        ? value.join(',')
        : String(value);
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => cell(row[column]).length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(columns), ...rows.map((row) => line(columns.map((column) => cell(row[column]))))].join('\n')}\n`;
}

export async function run(argv: string[], io: CliIo = nodeIo): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    io.stderr(`leadloop: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help || positionals.length === 0 || positionals[0] === 'help') {
    io.stdout(HELP);
    return 0;
  }
  const client = apiClient(values.url ?? io.env.LEADLOOP_URL ?? 'http://127.0.0.1:8787');
  const admin = () =>
    need(
      values['admin-token'] ?? io.env.LEADLOOP_ADMIN_TOKEN,
      'admin token (--admin-token or LEADLOOP_ADMIN_TOKEN)',
    );
  const secret = () =>
    need(values.key ?? io.env.LEADLOOP_SECRET_KEY, 'secret key (--key or LEADLOOP_SECRET_KEY)');
  const print = (json: unknown, human: string) =>
    io.stdout(values.json ? `${JSON.stringify(json, null, 2)}\n` : human);

  const [group, action, ...rest] = positionals;
  try {
    switch (`${group} ${action}`) {
      case 'sites list': {
        const sites: Site[] = [];
        let cursor: string | null = null;
        do {
          const page: { data: Site[]; nextCursor: string | null } = await client.call(
            'GET',
            `/v1/admin/sites?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
            admin(),
          );
          sites.push(...page.data);
          cursor = page.nextCursor;
        } while (cursor);
        print(sites, table(sites, ['id', 'name', 'timezone', 'allowedOrigins', 'createdAt']));
        return 0;
      }
      case 'sites get': {
        const site = await client.call<Site>(
          'GET',
          `/v1/admin/sites/${encodeURIComponent(need(rest[0], 'SITE_ID'))}`,
          admin(),
        );
        print(
          site,
          table(
            [site],
            ['id', 'name', 'timezone', 'defaultCountry', 'allowedOrigins', 'createdAt'],
          ),
        );
        return 0;
      }
      case 'sites create': {
        const created = await client.call<CreateSiteResponse>('POST', '/v1/admin/sites', admin(), {
          name: need(values.name, '--name'),
          allowedOrigins: values.origin ?? [],
          ...(values.timezone ? { timezone: values.timezone } : {}),
          ...(values.country ? { defaultCountry: values.country } : {}),
        });
        print(
          created,
          `site       ${created.site.id} (${created.site.name})\nwrite key  ${created.writeKey}\nsecret key ${created.secretKey}\n\nThe secret key is shown only now: keep it somewhere safe.\n`,
        );
        return 0;
      }
      case 'keys list': {
        const site = encodeURIComponent(need(rest[0], 'SITE_ID'));
        const keys = await client.call<{ data: Record<string, unknown>[] }>(
          'GET',
          `/v1/admin/sites/${site}/keys`,
          admin(),
        );
        print(
          keys.data,
          table(keys.data, [
            'id',
            'kind',
            'name',
            'prefix',
            'scopes',
            'createdAt',
            'lastUsedAt',
            'revokedAt',
          ]),
        );
        return 0;
      }
      case 'keys create': {
        const site = encodeURIComponent(need(rest[0], 'SITE_ID'));
        const kind = values.kind ?? 'secret';
        const created = await client.call<{ key: Record<string, unknown>; secret: string }>(
          'POST',
          `/v1/admin/sites/${site}/keys`,
          admin(),
          {
            kind,
            ...(values.name ? { name: values.name } : {}),
            ...(values.scope ? { scopes: values.scope } : {}),
          },
        );
        print(
          created,
          `key ${created.key.id} (${kind}${Array.isArray(created.key.scopes) && created.key.scopes.length ? `: ${created.key.scopes.join(', ')}` : ''})\n${created.secret}\n\nShown only now: keep it somewhere safe.\n`,
        );
        return 0;
      }
      case 'keys revoke': {
        const site = encodeURIComponent(need(rest[0], 'SITE_ID'));
        const key = encodeURIComponent(need(rest[1], 'KEY_ID'));
        const revoked = await client.call<Record<string, unknown>>(
          'DELETE',
          `/v1/admin/sites/${site}/keys/${key}`,
          admin(),
        );
        print(revoked, `revoked ${revoked.id} at ${revoked.revokedAt}\n`);
        return 0;
      }
      case 'leads export': {
        const format = values.format as ExportFormat;
        if (format !== 'ndjson' && format !== 'csv')
          throw new UsageError('--format is ndjson or csv');
        if (!values.out && values.json)
          throw new UsageError('--json needs --out: the data itself goes to stdout');
        const count = await exportAll({
          client,
          credential: secret(),
          path: '/v1/leads',
          query: {
            status: values.status,
            minScore: values['min-score'],
            channel: values.channel,
            updatedSince: values['updated-since'],
          },
          format,
          columns: LEAD_COLUMNS,
          out: values.out,
          noun: 'leads',
          progress: (line, final) => {
            if (io.interactive) io.stderr(`\r${line}${final ? '\n' : ''}`);
            else if (final) io.stderr(`${line}\n`);
          },
        });
        if (values.json) io.stdout(`${JSON.stringify({ exported: count, out: values.out })}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${positionals.join(' ')}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`leadloop: ${error.message}\n\n${HELP}`);
      return 2;
    }
    if (values.json && error instanceof ApiError)
      io.stderr(`${JSON.stringify({ status: error.status, ...error.problem })}\n`);
    else io.stderr(`leadloop: ${(error as Error).message}\n`);
    return 1;
  }
}

if (import.meta.main) process.exitCode = await run(process.argv.slice(2));
