import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { getPlatformProxy } from 'wrangler';
import { D1Store } from '../src/store/d1.ts';

const collectorDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * A real local D1 (workerd, through wrangler's platform proxy) with the migrations applied, for
 * Node tests that need what workerd tests cannot have: local HTTP servers to deliver to.
 */
export function freshD1Store(): () => D1Store {
  return freshD1().store;
}

/** A fresh local D1 as a store, and as the raw database (to read every table in a test). */
export function freshD1(): { store: () => D1Store; database: () => D1Database } {
  const state = {
    dir: undefined as string | undefined,
    store: undefined as D1Store | undefined,
    database: undefined as D1Database | undefined,
    dispose: undefined as (() => Promise<void>) | undefined,
  };
  beforeAll(async () => {
    state.dir = await mkdtemp(join(tmpdir(), 'leadloop-d1-'));
    const proxy = await getPlatformProxy<{ DB: D1Database }>({
      configPath: join(collectorDir, 'wrangler.toml'),
      persist: { path: state.dir },
    });
    state.dispose = proxy.dispose;
    const migrations = join(collectorDir, 'migrations/d1');
    for (const file of (await readdir(migrations)).filter((name) => name.endsWith('.sql')).sort()) {
      const text = await readFile(join(migrations, file), 'utf8');
      for (const statement of text.split('--> statement-breakpoint')) {
        if (statement.trim()) await proxy.env.DB.prepare(statement).run();
      }
    }
    state.store = new D1Store(proxy.env.DB);
    state.database = proxy.env.DB;
  }, 60_000);
  afterAll(async () => {
    await state.dispose?.();
    if (state.dir) await rm(state.dir, { recursive: true, force: true });
  });
  return { store: () => state.store!, database: () => state.database! };
}

/** Every table of a local D1 as text, by name: to prove a value is nowhere, or unchanged. */
export async function dumpD1Tables(database: D1Database): Promise<Record<string, string>> {
  const { results: tables } = await database
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'",
    )
    .all<{ name: string }>();
  const dump: Record<string, string> = {};
  for (const { name } of tables) {
    const { results } = await database.prepare(`SELECT * FROM "${name}"`).all();
    dump[name] = JSON.stringify(results);
  }
  return dump;
}
