// Starts a worker with `wrangler dev` on local workerd, the way the collector's dev server does
// (same flags and environment), so both sides of a comparison run on the same runtime.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from '../packages/edge-collector/local/dev-server.ts';

export const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  X_LOCAL_OBSERVABILITY: 'false',
  X_LOCAL_EXPLORER: 'false',
  CI: 'true', // no interactive prompts, no dev-session hotkeys
};

/** wrangler's CLI as the package in `dir` resolves it. */
export function wranglerBin(dir: string): string {
  const require = createRequire(join(dir, 'package.json'));
  return join(dirname(require.resolve('wrangler/package.json')), 'bin/wrangler.js');
}

export type Worker = { url: string; stop(): Promise<void> };

async function waitUntilServing(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within 90 s:\n${output()}`);
}

/** `wrangler dev` for the worker configured in `dir`, ready once GET / answers 2xx. */
export async function startWorker(dir: string, port: number, persistTo: string): Promise<Worker> {
  const args = [
    wranglerBin(dir),
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(await freePort()),
    '--log-level',
    'warn',
    '--show-interactive-dev-session=false',
    '--persist-to',
    persistTo,
  ];
  // Its own process group, so stop() ends wrangler and the workerd it spawned together.
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: quietEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const capture = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
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

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
