// Fetches one file of each published package at bench time, so no third-party code is vendored
// here: `npm pack` (the registry's ordinary client) into a temporary directory, `tar` out only the
// file wanted, read it, delete the directory. A failure (offline, registry down) is returned per
// package instead of thrown, so the rest of the bench carries on.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type PackageFile = { name: string; version: string; file: string };
export type Fetched = { code: Buffer } | { error: string };

const NPM_FLAGS = [
  '--json',
  // A pinned version never changes: npm's cache answers when it can.
  '--prefer-offline',
  // Offline, fail within seconds rather than after npm's minute of backoff.
  '--fetch-retries=1',
  '--fetch-retry-mintimeout=1000',
  '--fetch-retry-maxtimeout=2000',
];

/** npm --json prints `{"error": {"code": "ECONNREFUSED", "summary": …}}` when it fails. */
function reason(error: unknown): string {
  const { stdout, message } = error as { stdout?: string; message?: string };
  try {
    const parsed = JSON.parse(stdout ?? '') as { error?: { code?: string; summary?: string } };
    if (parsed.error) return `${parsed.error.code ?? ''} ${parsed.error.summary ?? ''}`.trim();
  } catch {}
  return (message ?? String(error)).split('\n')[0]!;
}

async function fetchOne(spec: PackageFile, dir: string): Promise<Fetched> {
  try {
    const { stdout } = await run(
      'npm',
      ['pack', `${spec.name}@${spec.version}`, '--pack-destination', dir, ...NPM_FLAGS],
      { cwd: dir, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    if (!packed) throw new Error('npm pack printed no file name');
    const into = join(dir, packed.filename.replace(/\.tgz$/, ''));
    await mkdir(into);
    await run('tar', ['-xzf', join(dir, packed.filename), '-C', into, `package/${spec.file}`]);
    return { code: await readFile(join(into, 'package', spec.file)) };
  } catch (error) {
    return { error: `download failed: ${reason(error)}` };
  }
}

/** The files, in the order asked for; the temporary directory is gone when this resolves. */
export async function fetchPackageFiles(specs: PackageFile[]): Promise<Fetched[]> {
  const dir = await mkdtemp(join(tmpdir(), 'leadloop-bench-npm-'));
  try {
    return await Promise.all(specs.map((spec) => fetchOne(spec, dir)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
