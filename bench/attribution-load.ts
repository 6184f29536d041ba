// Puts a generated site (attribution-data.ts) into both databases at once: into the local D1's
// SQLite file with node:sqlite, in one transaction (wrangler dev must not be running on it), and
// into text files that Postgres then reads with COPY. Afterwards the pipeline's invariants are
// checked on both: every lead has a visitor link, every session a visitor, every event a session,
// every conversion a lead.
import { closeSync, createReadStream, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import { wrangler } from '../packages/edge-collector/local/wrangler-dev.ts';
import {
  type DataSize,
  type GeneratedSite,
  generateSite,
  type RowSink,
  type Table,
} from './attribution-data.ts';

/** Applies the shipped D1 migrations to a fresh persist dir and returns the database's file. */
export async function migrateLocalD1(persistTo: string): Promise<string> {
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo]);
  const dir = join(persistTo, 'v3/d1/miniflare-D1DatabaseObject');
  const files = readdirSync(dir).filter(
    (name) => name.endsWith('.sqlite') && name !== 'metadata.sqlite',
  );
  if (files.length !== 1) throw new Error(`expected one D1 database in ${dir}, found ${files}`);
  return join(dir, files[0]!);
}

type Kind = Table['columns'][number][1];

function sqliteValue(kind: Kind, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (kind === 'json') return JSON.stringify(value);
  if (kind === 'bool') return value ? 1 : 0;
  return value as string | number;
}

/** Rows into a D1 database file, in one transaction committed by `finish`. */
function sqliteSink(file: string): { sink: RowSink; finish(): void } {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA cache_size = -1000000');
  db.exec('BEGIN');
  const statements = new Map<Table, StatementSync>();
  return {
    sink: {
      write(table, row) {
        let statement = statements.get(table);
        if (!statement) {
          const names = table.columns.map(([name]) => name).join(', ');
          const marks = table.columns.map(() => '?').join(', ');
          statement = db.prepare(`INSERT INTO ${table.name} (${names}) VALUES (${marks})`);
          statements.set(table, statement);
        }
        statement.run(...row.map((value, i) => sqliteValue(table.columns[i]![1], value)));
      },
    },
    finish() {
      db.exec('COMMIT');
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

/** COPY's text format: tab-separated, `\N` for NULL, backslash escapes. */
function copyValue(kind: Kind, value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  if (kind === 'time') text = new Date(value as number).toISOString();
  else if (kind === 'json') text = JSON.stringify(value);
  else if (kind === 'bool') text = value ? 't' : 'f';
  else text = String(value);
  return /[\\\t\n\r]/.test(text)
    ? text
        .replaceAll('\\', '\\\\')
        .replaceAll('\t', '\\t')
        .replaceAll('\n', '\\n')
        .replaceAll('\r', '\\r')
    : text;
}

/** Rows into one COPY file per table under `dir`. */
function copyFileSink(dir: string): { sink: RowSink; finish(): Table[] } {
  const files = new Map<Table, { fd: number; chunks: string[]; size: number }>();
  const flush = (file: { fd: number; chunks: string[]; size: number }) => {
    writeSync(file.fd, file.chunks.join(''));
    file.chunks = [];
    file.size = 0;
  };
  return {
    sink: {
      write(table, row) {
        let file = files.get(table);
        if (!file) {
          file = { fd: openSync(join(dir, `${table.name}.tsv`), 'w'), chunks: [], size: 0 };
          files.set(table, file);
        }
        const line = `${row.map((value, i) => copyValue(table.columns[i]![1], value)).join('\t')}\n`;
        file.chunks.push(line);
        file.size += line.length;
        if (file.size > 4_000_000) flush(file);
      },
    },
    finish() {
      for (const file of files.values()) {
        flush(file);
        closeSync(file.fd);
      }
      return [...files.keys()];
    },
  };
}

async function copyIntoPostgres(url: string, dir: string, tables: Table[]): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    for (const table of tables) {
      const names = table.columns.map(([name]) => `"${name}"`).join(', ');
      const writable = await sql.unsafe(`COPY "${table.name}" (${names}) FROM STDIN`).writable();
      await pipeline(createReadStream(join(dir, `${table.name}.tsv`)), writable);
    }
    // As autovacuum would have by the time anyone reports on this much data.
    await sql.unsafe('ANALYZE');
  } finally {
    await sql.end();
  }
}

export type Invariants = {
  leadsWithoutLink: number;
  sessionsWithoutVisitor: number;
  eventsWithoutSession: number;
  conversionsWithoutLead: number;
};

const INVARIANTS: Record<keyof Invariants, string> = {
  leadsWithoutLink:
    'SELECT count(*) AS n FROM leads l WHERE l.site_id = $1 AND l.merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM visitor_links v WHERE v.site_id = l.site_id AND v.lead_id = l.id)',
  sessionsWithoutVisitor:
    'SELECT count(*) AS n FROM sessions s WHERE s.site_id = $1 AND NOT EXISTS (SELECT 1 FROM visitors v WHERE v.site_id = s.site_id AND v.anonymous_id = s.anonymous_id)',
  eventsWithoutSession:
    'SELECT count(*) AS n FROM events e WHERE e.site_id = $1 AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.site_id = e.site_id AND s.id = e.session_id)',
  conversionsWithoutLead:
    'SELECT count(*) AS n FROM conversions c WHERE c.site_id = $1 AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.site_id = c.site_id AND l.id = c.lead_id)',
};

function checkedInvariants(database: string, found: Invariants): Invariants {
  const broken = Object.entries(found).filter(([, n]) => n !== 0);
  if (broken.length > 0)
    throw new Error(
      `${database}: generated data breaks ${JSON.stringify(Object.fromEntries(broken))}`,
    );
  return found;
}

function sqliteInvariants(file: string, siteId: string): Invariants {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const count = (query: string) =>
      Number((db.prepare(query.replace('$1', '?')).get(siteId) as { n: number }).n);
    return checkedInvariants('D1', {
      leadsWithoutLink: count(INVARIANTS.leadsWithoutLink),
      sessionsWithoutVisitor: count(INVARIANTS.sessionsWithoutVisitor),
      eventsWithoutSession: count(INVARIANTS.eventsWithoutSession),
      conversionsWithoutLead: count(INVARIANTS.conversionsWithoutLead),
    });
  } finally {
    db.close();
  }
}

async function postgresInvariants(url: string, siteId: string): Promise<Invariants> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const count = async (query: string) =>
      Number(((await sql.unsafe(query, [siteId])) as unknown as { n: string }[])[0]?.n);
    return checkedInvariants('Postgres', {
      leadsWithoutLink: await count(INVARIANTS.leadsWithoutLink),
      sessionsWithoutVisitor: await count(INVARIANTS.sessionsWithoutVisitor),
      eventsWithoutSession: await count(INVARIANTS.eventsWithoutSession),
      conversionsWithoutLead: await count(INVARIANTS.conversionsWithoutLead),
    });
  } finally {
    await sql.end();
  }
}

export type LoadedSite = GeneratedSite & {
  /** Seconds: generating and writing the D1 file, then Postgres's COPY. */
  seconds: { generate: number; copy: number };
};

/**
 * Generates `size` once into a migrated local D1 (`d1File`) and a migrated Postgres (`postgresUrl`),
 * staging COPY files in `stagingDir`; throws when an invariant does not hold on either.
 */
export async function loadSite(
  size: DataSize,
  { d1File, postgresUrl, stagingDir }: { d1File: string; postgresUrl: string; stagingDir: string },
): Promise<LoadedSite> {
  const started = performance.now();
  const d1 = sqliteSink(d1File);
  const copy = copyFileSink(stagingDir);
  const site = generateSite(size, {
    write(table, row) {
      d1.sink.write(table, row);
      copy.sink.write(table, row);
    },
  });
  d1.finish();
  const tables = copy.finish();
  const generated = performance.now();
  await copyIntoPostgres(postgresUrl, stagingDir, tables);
  const copied = performance.now();
  sqliteInvariants(d1File, site.siteId);
  await postgresInvariants(postgresUrl, site.siteId);
  return {
    ...site,
    seconds: { generate: (generated - started) / 1000, copy: (copied - generated) / 1000 },
  };
}
