// Headless Chromium for sdk-load.ts: Debian's `chromium` (or CHROMIUM_PATH), driven by the
// playwright-core the e2e tests install, so the bench adds no dependency and downloads no browser.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

type Playwright = typeof import('../tests/node_modules/playwright-core/index.js');
export type Browser = import('../tests/node_modules/playwright-core/index.js').Browser;

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Throws with a readable reason when Chromium or playwright-core is not on this machine. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? CANDIDATES.find((path) => existsSync(path));
  if (!executablePath)
    throw new Error('no Chromium (install Debian chromium or set CHROMIUM_PATH)');
  let playwright: Playwright;
  try {
    playwright = createRequire(new URL('../tests/package.json', import.meta.url))(
      'playwright-core',
    ) as Playwright;
  } catch {
    throw new Error('playwright-core is not installed in tests/ (run pnpm install)');
  }
  return playwright.chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
