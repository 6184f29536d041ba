// `wrangler dev` on local workerd, started and stopped the same way for every caller (the demo, the
// browser tests, the benchmarks' collector and hello-world), plus queries of a local D1.
// Node-only: never bundled into the Worker.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const collectorDir = fileURLToPath(new URL('..', import.meta.url));

export const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  X_LOCAL_OBSERVABILITY: 'false',
  X_LOCAL_EXPLORER: 'false',
  CI: 'true', // no interactive prompts, no dev-session hotkeys
};

/** wrangler's CLI as the package in `dir` resolves it. */
export function wranglerBin(dir = collectorDir): string {
  const require = createRequire(join(dir, 'package.json'));
  return join(dirname(require.resolve('wrangler/package.json')), 'bin/wrangler.js');
}

/** Runs a wrangler command for the worker configured in `dir`. */
export function wrangler(
  args: string[],
  { dir = collectorDir, signal }: { dir?: string; signal?: AbortSignal } = {},
) {
  return promisify(execFile)(process.execPath, [wranglerBin(dir), ...args], {
    cwd: dir,
    env: quietEnv,
    timeout: 60_000,
    signal,
  });
}

/** Runs SQL against the collector's local D1 (kept in `persistTo`) and returns the rows. */
export async function queryLocalD1<T>(
  sql: string,
  persistTo: string,
  signal?: AbortSignal,
): Promise<T[]> {
  const persist = ['--persist-to', persistTo];
  const args = ['d1', 'execute', 'DB', '--local', ...persist, '--json', '--command', sql];
  const { stdout } = await wrangler(args, { signal });
  return (JSON.parse(stdout) as { results: T[] }[])[0]?.results ?? [];
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export type DevServerOptions = {
  dir: string;
  port: number;
  /** Another wrangler config than `dir`'s wrangler.toml (e.g. wrangler.postgres.toml). */
  config?: string;
  /** More environment for wrangler (e.g. a Hyperdrive local connection string). */
  env?: Record<string, string>;
  /** Where local D1 and Queues keep their state (default: `.wrangler/state` in `dir`). */
  persistTo?: string | undefined;
  vars?: Record<string, string>;
  /** The path that answers 2xx once the worker serves. */
  readyPath?: string;
  /** Each chunk of wrangler's output, as it comes. */
  onOutput?: (text: string) => void;
};

export type DevServer = { url: string; stop(): Promise<void> };

async function waitUntilReady(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output()}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within 90 s:\n${output()}`);
}

/** Starts `wrangler dev` on 127.0.0.1 and resolves once `readyPath` answers. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const args = [
    wranglerBin(options.dir),
    ...['dev', '--ip', '127.0.0.1', '--port', String(options.port)],
    ...['--inspector-port', String(await freePort()), '--log-level', 'warn'],
    '--show-interactive-dev-session=false',
    ...Object.entries(options.vars ?? {}).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
    ...(options.persistTo ? ['--persist-to', options.persistTo] : []),
    ...(options.config ? ['--config', options.config] : []),
  ];
  // Its own process group, so stop() ends wrangler and the workerd it spawned together.
  const child = spawn(process.execPath, args, {
    cwd: options.dir,
    env: { ...quietEnv, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const capture = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-20_000);
    options.onOutput?.(text);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);

  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntilReady(`${url}${options.readyPath ?? '/'}`, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
