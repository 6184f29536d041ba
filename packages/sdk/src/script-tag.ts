// Entry of the script-tag build: reads its own <script> tag, starts tracking, and replays calls
// queued by the stub snippet (`leadloop('track', …)` before the script arrived).
import { createClient } from './client.ts';
import type { Api, Options } from './options.ts';
import { safe } from './safe.ts';

type Stub = ((...args: unknown[]) => void) & { q?: unknown[][]; live?: true };

safe(() => {
  const w = window as unknown as { leadloop?: Stub };
  const script = document.currentScript as HTMLScriptElement | null;
  const data = script?.dataset;
  // A page that includes the tag twice (a CMS and a tag manager) must not count everything twice.
  if (!data?.key || w.leadloop?.live) return;
  // data-cookie-domain and data-consent ("required") arrive under their option names.
  const client = createClient({
    ...(data as Partial<Options>),
    writeKey: data.key,
    // The script's own folder: `https://c.example.com`, or `https://example.com/ll` in first-party mode.
    apiHost: data.api || new URL('.', script!.src).href,
    // Present but empty attributes: flags.
    cookieless: 'cookieless' in data,
    hashRouting: 'hashRouting' in data,
  });
  const queued = w.leadloop?.q ?? [];
  const live: Stub = (method, ...args) =>
    (client[method as keyof Api] as (...a: unknown[]) => void)?.(...args);
  live.live = true;
  w.leadloop = live;
  queued.map((args) => live(...args));
})();
