// Runs the collector on local workerd (`wrangler dev`) with local D1 and Queues, for the demo,
// the browser tests and the benchmarks. Node-only: never bundled into the Worker.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const collectorDir = fileURLToPath(new URL('..', import.meta.url));
const wranglerBin = join(
  dirname(createRequire(import.meta.url).resolve('wrangler/package.json')),
  'bin/wrangler.js',
);

export type LocalCollectorOptions = {
  port: number;
  /** Where local D1 and Queues keep their state (default `.wrangler/state` of the collector). */
  persistTo?: string;
  adminToken: string;
  /** Print wrangler's output (warnings and errors) to this process's stderr. */
  verbose?: boolean;
};

export type LocalCollector = { url: string; stop(): Promise<void> };

const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  X_LOCAL_OBSERVABILITY: 'false',
  X_LOCAL_EXPLORER: 'false',
  CI: 'true', // no interactive prompts, no dev-session hotkeys
};

function wrangler(args: string[]) {
  return promisify(execFile)(process.execPath, [wranglerBin, ...args], {
    cwd: collectorDir,
    env: quietEnv,
  });
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

async function waitForHealth(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output()}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the collector did not answer ${url}/healthz within 90 s:\n${output()}`);
}

// Offline, wrangler warns on every start that it cannot fetch `Request.cf` (with a stack trace).
// That is expected here and harmless: the collector does not use `request.cf` yet.
function withoutOfflineNoise(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/Request\.cf|ENOTFOUND workers\.cloudflare\.com|^\s+at .*\(node:/.test(line))
    .join('\n');
}

/** Applies the D1 migrations to the local database, then starts `wrangler dev` and waits for it. */
export async function startLocalCollector(options: LocalCollectorOptions): Promise<LocalCollector> {
  const persist = options.persistTo ? ['--persist-to', options.persistTo] : [];
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', ...persist]);

  const url = `http://127.0.0.1:${options.port}`;
  const child = spawn(
    process.execPath,
    [
      wranglerBin,
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--inspector-port',
      String(await freePort()),
      '--log-level',
      'warn',
      '--show-interactive-dev-session=false',
      '--var',
      'LEADLOOP_ENV:development',
      '--var',
      `LEADLOOP_ADMIN_TOKEN:${options.adminToken}`,
      ...persist,
    ],
    { cwd: collectorDir, env: quietEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const capture = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-20_000);
    if (options.verbose) process.stderr.write(withoutOfflineNoise(text));
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);

  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGTERM'); // the whole group: wrangler and its workerd
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitForHealth(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
