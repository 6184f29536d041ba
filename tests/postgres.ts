// A throwaway PostgreSQL for tests: a fresh cluster in a temp dir on a free 127.0.0.1 port. The
// server refuses to run as root, so as root it runs as the `postgres` user. Debian's package is
// installed with apt when this machine has apt and root and no PostgreSQL yet, like tests/chromium.ts.
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readdirSync, rmSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from '../packages/edge-collector/local/wrangler-dev.ts';

const run = promisify(execFile);

/** Role, password and database (Hyperdrive's local connection string must carry a password). */
const NAME = 'leadloop';
const DEBIAN_VERSIONS = '/usr/lib/postgresql';

export type TestPostgres = {
  /** `postgres://leadloop:leadloop@127.0.0.1:<port>/leadloop`, or `DATABASE_URL` when set. */
  url: string;
  /** Stops the server and deletes its data; does nothing for a `DATABASE_URL` server. */
  stop(): Promise<void>;
};

type Identity = { uid: number; gid: number };

function findBinDir(): string | undefined {
  const configured = process.env.PG_BINDIR;
  if (configured) return configured;
  const hasTools = (dir: string) =>
    existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  if (existsSync(DEBIAN_VERSIONS)) {
    const newestFirst = readdirSync(DEBIAN_VERSIONS).sort((a, b) => Number(b) - Number(a));
    const debian = newestFirst
      .map((version) => join(DEBIAN_VERSIONS, version, 'bin'))
      .find(hasTools);
    if (debian) return debian;
  }
  return process.env.PATH?.split(delimiter).find((dir) => dir && hasTools(dir));
}

function installPostgres(): void {
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) return;
  console.log('Installing Debian postgresql for the database tests (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'postgresql'], { stdio: 'inherit', env });
}

/** Who runs the server: `postgres` when we are root, else ourselves (undefined). */
function serverIdentity(): Identity | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error(
      'PostgreSQL refuses to run as root and there is no `postgres` user to run it as: create one ' +
        '(`useradd --system postgres`), run the tests unprivileged, or set DATABASE_URL.',
    );
  }
}

async function waitUntilReady(bin: string, port: number, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error('postgres exited while starting');
    }
    try {
      await run(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]);
      return;
    } catch {}
    if (Date.now() > deadline) throw new Error('postgres accepted no connection within 30 s');
    await sleep(50);
  }
}

function settings(port: number, socketDir: string): string {
  return `
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${socketDir}'
max_connections = 50
# Throwaway data: durability buys nothing here.
fsync = off
synchronous_commit = off
full_page_writes = off
`;
}

/**
 * Starts a fresh PostgreSQL with role, password and database `leadloop`, or returns `DATABASE_URL`
 * when set and starts nothing.
 * @example
 * const postgres = await startPostgres();
 * const sql = pg(postgres.url);
 * await postgres.stop();
 */
export async function startPostgres(): Promise<TestPostgres> {
  const external = process.env.DATABASE_URL;
  if (external) return { url: external, stop: async () => {} };

  let binDir = findBinDir();
  if (!binDir) {
    installPostgres();
    binDir = findBinDir();
  }
  if (!binDir) {
    throw new Error(
      'The database tests need PostgreSQL: install it (Debian/Ubuntu: `sudo apt-get install ' +
        'postgresql`), set PG_BINDIR to the directory holding initdb and pg_ctl, or set ' +
        'DATABASE_URL to a server the tests may use.',
    );
  }
  const bin = binDir;
  const identity = serverIdentity();
  const dir = await mkdtemp(join(tmpdir(), 'leadloop-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const tool = (name: string, args: string[]) =>
    run(join(bin, name), args, { cwd: dir, ...identity });
  const stopArgs = ['stop', '-D', data, '-m', 'fast', '-w', '-s'];
  let server: ChildProcess | undefined;

  // Safety net for a run that exits without teardown: the server would outlive it.
  const stopNow = () => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      try {
        execFileSync(join(bin, 'pg_ctl'), stopArgs, { cwd: dir, stdio: 'ignore', ...identity });
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopNow);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stopNow);
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = once(server, 'exit');
      await tool('pg_ctl', stopArgs);
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const passwordFile = join(dir, 'password');
    await writeFile(passwordFile, NAME);
    if (identity) {
      await chown(dir, identity.uid, identity.gid);
      await chown(passwordFile, identity.uid, identity.gid);
    }
    await tool('initdb', [
      ...['-D', data, '-U', NAME, `--pwfile=${passwordFile}`],
      ...['--auth-local=trust', '--auth-host=scram-sha-256', '--no-locale', '-E', 'UTF8'],
      '--no-sync',
    ]);
    const port = await freePort();
    await appendFile(join(data, 'postgresql.conf'), settings(port, dir));
    // Our own child rather than pg_ctl's orphan, so its exit is reaped here and leaves no zombie.
    const logFile = openSync(log, 'a');
    server = spawn(join(bin, 'postgres'), ['-D', data], {
      cwd: dir,
      stdio: ['ignore', logFile, logFile],
      ...identity,
    });
    closeSync(logFile);
    server.unref();
    await waitUntilReady(bin, port, server);
    await tool('createdb', ['-h', dir, '-p', String(port), '-U', NAME, NAME]);
    return { url: `postgres://${NAME}:${NAME}@127.0.0.1:${port}/${NAME}`, stop };
  } catch (error) {
    const serverLog = await readFile(log, 'utf8').catch(() => '(no server log)');
    await stop().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`The test PostgreSQL did not start: ${reason}\nServer log:\n${serverLog}`, {
      cause: error,
    });
  }
}
