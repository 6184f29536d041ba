// What the script tag costs a page as it loads, in headless Chromium: the same small page without
// a tracker, with Leadloop, and with Plausible's npm build, loaded in alternating rounds (the order
// rotates each round) so drift on the machine hits all alike. Every load gets a fresh browser
// context: empty HTTP cache, cookies and storage, as on a first visit.
//
// Script cost is Chromium's own accounting, CDP `Performance.getMetrics` `ScriptDuration`: the
// main-thread time spent compiling and running JavaScript in the page, timers and event handlers
// included, read once the tracker has sent its first request. It needs no code inside the page
// under test (a `performance.measure` around the script would see its top-level run only, not
// the timers and handlers that do the sending), and whatever the harness itself runs (the init
// script below) runs on the page without a tracker too, which is subtracted.
// Long tasks come from a buffered `longtask` PerformanceObserver registered before any page
// script; the first request's time from Resource Timing (`startTime` of the collect request).
// A long task is the tracker's when a script of the page's own origin (the tracker's file, or
// Plausible's inline module) ran in its Long Animation Frame: a page without a tracker has long
// tasks too on a busy machine (parsing, style, a slow browser process), which are no tracker's.
import { type Browser, launchChromium } from './chromium.ts';
import { startLoadPages, type Variant } from './load-pages.ts';
import { type Fetched, fetchPackageFiles } from './npm-pack.ts';
import { fixed, int, median, type Row } from './report.ts';
import { readSdkBundle } from './sdk-size.ts';
import { TRACKERS } from './trackers.ts';

export type SdkLoadOptions = { rounds: number };

type Sample = {
  scriptMs: number;
  taskMs: number;
  loadMs: number;
  longTasks: number[];
  /** The long tasks in which a script of the page ran (see `OBSERVE`). */
  ownLongTasks: number[];
  /** Start of the first request to the collect endpoint, from navigation start; null if none. */
  sentMs: number | null;
};

const WARMUP_ROUNDS = 2; // the first loads of a new browser pay for its own start-up
const SEND_TIMEOUT_MS = 5_000;
const SETTLE_MS = 100; // lets the request's handlers and Resource Timing entry land
const MEASURE_BUDGET_MS = 45_000; // keeps `pnpm bench` bounded whatever the SDK does

const bench = 'SDK load, headless Chromium';
const log = (message: string) => process.stderr.write(`  sdk-load: ${message}\n`);

// Runs before any page script. `__plausible` lets Plausible send under webdriver, as its own
// tests do; it is set on every page so all pages run the same init script.
const OBSERVE = `window.__plausible = true; window.__benchLongTasks = [];
window.__benchFrames = [];
try {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      window.__benchLongTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      if (entry.scripts.some((script) => script.sourceURL.startsWith(location.origin)))
        window.__benchFrames.push([entry.startTime, entry.startTime + entry.duration]);
  }).observe({ type: 'long-animation-frame', buffered: true });
} catch {}`;

const read = (sends: string) => `(() => {
  const navigation = performance.getEntriesByType('navigation')[0];
  const sent = performance.getEntriesByType('resource')
    .find((entry) => new URL(entry.name).pathname === ${JSON.stringify(sends)});
  return {
    loadMs: navigation ? navigation.loadEventStart : 0,
    longTasks: window.__benchLongTasks.map(([, duration]) => duration),
    ownLongTasks: window.__benchLongTasks
      .filter(([start, duration]) => window.__benchFrames
        .some(([from, to]) => start < to && start + duration > from))
      .map(([, duration]) => duration),
    sentMs: sent ? sent.startTime : null,
  };
})()`;

async function loadOnce(browser: Browser, origin: string, variant: Variant): Promise<Sample> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(OBSERVE);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const sends = variant.sends;
    const sent = sends
      ? page
          .waitForRequest((request) => new URL(request.url()).pathname === sends, {
            timeout: SEND_TIMEOUT_MS,
          })
          .catch(() => undefined)
      : undefined;
    await page.goto(origin + variant.path, { waitUntil: 'load' });
    await sent;
    await page.waitForTimeout(SETTLE_MS);
    // Read before any evaluate() below, which would itself count as script time.
    const { metrics } = await cdp.send('Performance.getMetrics');
    const ms = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
    const inPage = (await page.evaluate(read(sends ?? '-'))) as Omit<Sample, 'scriptMs' | 'taskMs'>;
    return { scriptMs: ms('ScriptDuration'), taskMs: ms('TaskDuration'), ...inPage };
  } finally {
    await context.close();
  }
}

async function measure(
  browser: Browser,
  origin: string,
  variants: Variant[],
  rounds: number,
): Promise<Map<Variant, Sample[]>> {
  const samples = new Map(variants.map((v) => [v, [] as Sample[]]));
  const started = Date.now();
  for (let round = 1 - WARMUP_ROUNDS; round <= rounds; round++) {
    if (round > 1 && Date.now() - started > MEASURE_BUDGET_MS) {
      log(`time budget reached after ${round - 1} rounds`);
      break;
    }
    const shift = (round + WARMUP_ROUNDS) % variants.length;
    const order = [...variants.slice(shift), ...variants.slice(0, shift)];
    for (const variant of order) {
      const sample = await loadOnce(browser, origin, variant);
      if (round > 0) samples.get(variant)!.push(sample);
    }
  }
  return samples;
}

function rows(samples: Map<Variant, Sample[]>, chromium: string): Row[] {
  const [baseline, ...trackers] = [...samples.keys()];
  const base = samples.get(baseline!)!;
  const n = base.length;
  const of = (list: Sample[], key: 'scriptMs' | 'taskMs' | 'loadMs') =>
    median(list.map((s) => s[key]));
  const baseLoad = of(base, 'loadMs');
  /** `count` long tasks, and the longest: `2 (longest 61 ms)`. */
  const longTasks = (durations: number[]) =>
    `${durations.length}${durations.length ? ` (longest ${int(Math.max(...durations))} ms)` : ''}`;
  const baseLong = base.flatMap((s) => s.longTasks);
  const out: Row[] = [
    {
      bench,
      metric: 'page without a tracker (reference)',
      result: `load event ${int(baseLoad)} ms`,
      notes: `script ${fixed(of(base, 'scriptMs'), 1)} ms, main-thread tasks ${fixed(of(base, 'taskMs'), 1)} ms, long tasks ${longTasks(baseLong)}; medians of ${n} loads, fresh context each; Chromium ${chromium}`,
    },
  ];
  for (const variant of trackers) {
    const list = samples.get(variant)!;
    const name = variant.name;
    const script = of(list, 'scriptMs') - of(base, 'scriptMs');
    const task = of(list, 'taskMs') - of(base, 'taskMs');
    const long = list.flatMap((s) => s.longTasks);
    const own = list.flatMap((s) => s.ownLongTasks);
    const sent = list.flatMap((s) => (s.sentMs === null ? [] : [s.sentMs]));
    const load = of(list, 'loadMs');
    out.push(
      {
        bench,
        metric: `${name}: script eval + init`,
        result: `+${fixed(script, 1)} ms`,
        notes: `CDP ScriptDuration minus the page without a tracker (medians of ${list.length}); all main-thread tasks +${fixed(task, 1)} ms`,
      },
      {
        bench,
        metric: `${name}: long tasks (> 50 ms) running its script`,
        result: `${own.length} in ${list.length} loads`,
        ...(name === 'Leadloop' ? { target: { text: '0', met: own.length === 0 } } : {}),
        notes: `${own.length ? `longest ${int(Math.max(...own))} ms; ` : ''}all long tasks on this page ${longTasks(long)}, on the page without a tracker ${longTasks(baseLong)}`,
      },
      {
        bench,
        metric: `${name}: first ${variant.sends} request`,
        result: sent.length
          ? `load event +${int(median(sent) - baseLoad)} ms`
          : `none within ${SEND_TIMEOUT_MS / 1000} s`,
        notes: `${sent.length ? `median ${int(median(sent))} ms from navigation start; ` : ''}0 = load event of the page without a tracker; sent in ${sent.length}/${list.length} loads; this page's own load event ×${fixed(load / baseLoad, 2)}`,
      },
    );
  }
  return out;
}

const fetchError = (fetched: Fetched | undefined) =>
  fetched && 'error' in fetched ? fetched.error : 'npm pack failed';

export async function sdkLoad(options: SdkLoadOptions): Promise<Row[]> {
  const leadloop = await readSdkBundle();
  const plausible = TRACKERS.find((t) => t.label === 'Plausible')!;
  const [fetched] = await fetchPackageFiles([plausible]);
  const plausibleCode = fetched && 'code' in fetched ? fetched.code : undefined;
  const extra: Row[] = plausibleCode
    ? []
    : [{ bench, metric: 'Plausible', result: 'unavailable', notes: fetchError(fetched) }];

  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    const notes = error instanceof Error ? error.message : String(error);
    return [{ bench, metric: 'all', result: 'unavailable', notes }];
  }
  const pages = await startLoadPages(leadloop, plausibleCode);
  try {
    log(`${options.rounds} rounds (+${WARMUP_ROUNDS} warm-up) of ${pages.variants.length} pages`);
    const samples = await measure(browser, pages.origin, pages.variants, options.rounds);
    return [...rows(samples, browser.version()), ...extra];
  } finally {
    await browser.close();
    await pages.close();
  }
}
