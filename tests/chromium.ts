// Finds the Chromium the browser tests drive (Debian's `chromium` package), installing it with apt
// when this machine has apt and root and no Chromium yet. Downloads of browser builds are avoided
// on purpose: only distribution packages are used.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function findChromium(): string | undefined {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return configured;
  return CANDIDATES.find((path) => existsSync(path));
}

function installChromium(): void {
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) return;
  console.log('Installing Debian chromium for the browser tests (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
}

/** Launches headless Chromium; `extraArgs` go after the defaults (e.g. `--host-resolver-rules=…`). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  let executablePath = findChromium();
  if (!executablePath) {
    installChromium();
    executablePath = findChromium();
  }
  if (!executablePath) {
    throw new Error(
      'The browser tests need Chromium: install it (Debian/Ubuntu: `sudo apt-get install chromium`) ' +
        'or set CHROMIUM_PATH to a Chromium or Chrome binary.',
    );
  }
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
