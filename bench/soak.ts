// The soak (issue 9): minutes of mixed traffic (soak-traffic.ts) through the collector on local
// workerd with local D1 and Queues, at a bounded concurrency, then the queue left to drain and the
// invariants checked in the database: every accepted event stored or quarantined, no event id
// twice, one lead per identified person, bots stored but never leads. Side by side in the same
// run, the same load (same bodies, same concurrency) against the hello-world worker for the
// latency/throughput ratio, and workerd's RSS sampled over the whole soak.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { queryLocalD1 } from '../packages/edge-collector/local/dev-server.ts';
import { freePort, startDevServer } from '../packages/edge-collector/local/wrangler-dev.ts';
import { withCleanup } from './cleanup.ts';
import { bundleCollector, startCollector } from './collector.ts';
import { fixed, int, type Row } from './report.ts';
import { createSite } from './sites.ts';
import { type SoakBatch, soakTraffic } from './soak-traffic.ts';
import { waitForStored } from './stored-events.ts';

export type SoakOptions = {
  seconds: number;
  /** The hello-world baseline's length (before the soak, with the collector idle). */
  baselineSeconds: number;
  concurrency: number;
  /** Give up waiting for the queue to drain after this long. */
  maxDrainMs: number;
};

const RSS_SAMPLE_MS = 3_000;
const PAGE_ROWS = 4_000;
const helloWorldDir = fileURLToPath(new URL('./hello-world/', import.meta.url));
const log = (message: string) => process.stderr.write(`  soak: ${message}\n`);

type Sent = { batch: SoakBatch; status: number; accepted: number; ms: number };
type LoadRun = { sent: Sent[]; errors: number; startedAt: number; finishedAt: number };

/** Sends batches from `traffic` with `concurrency` requests in flight until `seconds` are over. */
async function drive(
  url: string,
  traffic: Iterator<SoakBatch>,
  { seconds, concurrency }: { seconds: number; concurrency: number },
  onProgress?: (run: LoadRun) => void,
): Promise<LoadRun> {
  const run: LoadRun = { sent: [], errors: 0, startedAt: Date.now(), finishedAt: 0 };
  const deadline = run.startedAt + seconds * 1000;
  let lastProgress = run.startedAt;
  const lane = async () => {
    while (Date.now() < deadline) {
      const batch = traffic.next().value as SoakBatch;
      const started = performance.now();
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', 'user-agent': batch.userAgent },
          body: batch.body,
        });
        const text = await response.text();
        const ms = performance.now() - started;
        const accepted =
          response.status === 202 ? (JSON.parse(text) as { accepted: number }).accepted : 0;
        run.sent.push({ batch, status: response.status, accepted, ms });
      } catch {
        run.errors++;
      }
      if (onProgress && Date.now() - lastProgress > 15_000) {
        lastProgress = Date.now();
        onProgress(run);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  run.finishedAt = Date.now();
  return run;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** The process group wrangler dev runs in (it is detached): found by the port it serves. */
function workerdPids(port: number): number[] {
  const procs = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  const read = (pid: string, file: string) => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8');
    } catch {
      return '';
    }
  };
  const group = (pid: string) => Number(read(pid, 'stat').split(') ')[1]?.split(' ')[2]);
  const wranglerPid = procs.find((pid) => {
    const args = read(pid, 'cmdline').split('\0');
    return args.includes('dev') && args[args.indexOf('--port') + 1] === String(port);
  });
  if (!wranglerPid) return [];
  const pgid = group(wranglerPid);
  return procs
    .filter((pid) => group(pid) === pgid && read(pid, 'comm').trim() === 'workerd')
    .map(Number);
}

type Rss = { total: number; anon: number; file: number };

/** Resident memory of the processes in MB, and how much of it is anonymous or mapped files. */
function rssMb(pids: number[]): Rss {
  const rss: Rss = { total: 0, anon: 0, file: 0 };
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string) =>
        Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) / 1024;
      rss.total += kb('VmRSS');
      rss.anon += kb('RssAnon');
      rss.file += kb('RssFile') + kb('RssShmem');
    } catch {
      // exited
    }
  }
  return rss;
}

type Check = { name: string; ok: boolean; detail: string };

async function one<T>(sql: string, persistTo: string, signal: AbortSignal): Promise<T> {
  const [row] = await queryLocalD1<T>(sql, persistTo, signal);
  return row!;
}

/** Every row, a page at a time: wrangler's JSON for one query is kept under execFile's 1 MB. */
async function all<T>(sql: string, persistTo: string, signal: AbortSignal): Promise<T[]> {
  const rows: T[] = [];
  for (let offset = 0; ; offset += PAGE_ROWS) {
    const page = await queryLocalD1<T>(
      `${sql} LIMIT ${PAGE_ROWS} OFFSET ${offset}`,
      persistTo,
      signal,
    );
    rows.push(...page);
    if (page.length < PAGE_ROWS) return rows;
  }
}

/** The invariants, read from the collector's local D1 after the drain. */
async function checkInvariants(
  run: LoadRun,
  siteId: string,
  persistTo: string,
  signal: AbortSignal,
  counted: { stored: number; quarantined: number },
): Promise<Check[]> {
  const site = `site_id='${siteId}'`;
  const ok = run.sent.filter((s) => s.status === 202);
  const acceptedIds = new Set(ok.flatMap((s) => s.batch.eventIds));
  const botIds = new Set(ok.filter((s) => s.batch.bot).flatMap((s) => s.batch.eventIds));
  // A person's lead is due once one of their (human) browsers' form fills was accepted.
  const personOf = new Map<string, string>();
  const persons = new Set<string>();
  const botEmails = new Set<string>();
  for (const { batch } of ok) {
    if (!batch.formEmail) continue;
    if (batch.bot) botEmails.add(batch.formEmail);
    else {
      persons.add(batch.formEmail);
      personOf.set(batch.anonymousId, batch.formEmail);
    }
  }
  const answeredTotal = ok.reduce((sum, s) => sum + s.accepted, 0);
  const sentTotal = ok.reduce((sum, s) => sum + s.batch.eventIds.length, 0);

  const ids = await one<{ n: number; distinct_ids: number; bots: number }>(
    `SELECT count(*) AS n, count(DISTINCT id) AS distinct_ids, sum(bot) AS bots FROM events WHERE ${site}`,
    persistTo,
    signal,
  );
  const leads = await all<{ id: string; email: string | null; merged_into: string | null }>(
    `SELECT id, email, merged_into FROM leads WHERE ${site} ORDER BY id`,
    persistTo,
    signal,
  );
  const links = await all<{ anonymous_id: string; lead_id: string }>(
    `SELECT DISTINCT anonymous_id, lead_id FROM visitor_links WHERE ${site} ORDER BY anonymous_id, lead_id`,
    persistTo,
    signal,
  );
  const live = leads.filter((lead) => lead.merged_into === null);
  const byId = new Map(leads.map((lead) => [lead.id, lead]));
  const survivor = (id: string) => {
    let lead = byId.get(id);
    for (let hops = 0; lead?.merged_into && hops < 10; hops++) lead = byId.get(lead.merged_into);
    return lead;
  };
  const liveEmails = live.map((lead) => lead.email ?? '');
  const emailLeads = new Map<string, number>();
  for (const email of liveEmails) emailLeads.set(email, (emailLeads.get(email) ?? 0) + 1);
  const personsWithoutOneLead = [...persons].filter((email) => emailLeads.get(email) !== 1);
  const strayLeads = liveEmails.filter((email) => !persons.has(email));
  const misLinked = links.filter((link) => {
    const email = personOf.get(link.anonymous_id);
    return email === undefined || survivor(link.lead_id)?.email !== email;
  });
  const linkedBrowsers = new Set(links.map((link) => link.anonymous_id));
  const unlinked = [...personOf.keys()].filter((browser) => !linkedBrowsers.has(browser));
  const botLeads = liveEmails.filter((email) => botEmails.has(email));

  return [
    {
      name: 'accepted = stored + quarantined',
      ok: acceptedIds.size === counted.stored + counted.quarantined,
      detail: `${int(acceptedIds.size)} distinct event ids accepted (${int(answeredTotal)} in the answers, resends included; ${int(sentTotal)} sent in 202 batches) = ${int(counted.stored)} stored + ${int(counted.quarantined)} quarantined`,
    },
    {
      name: 'no duplicate event ids',
      ok: ids.n === ids.distinct_ids && ids.n === acceptedIds.size,
      detail: `${int(ids.n)} rows, ${int(ids.distinct_ids)} distinct ids, after ${int(ok.filter((s) => s.batch.resend).length)} resent batches`,
    },
    {
      name: 'one lead per identified person',
      ok:
        personsWithoutOneLead.length === 0 &&
        strayLeads.length === 0 &&
        misLinked.length === 0 &&
        unlinked.length === 0,
      detail: `${int(persons.size)} persons on ${int(personOf.size)} browsers → ${int(live.length)} leads (${int(leads.length - live.length)} merged away); persons without exactly one lead: ${personsWithoutOneLead.length}; leads for nobody: ${strayLeads.length}; browsers linked elsewhere: ${misLinked.length}; identified browsers unlinked: ${unlinked.length}`,
    },
    {
      name: 'bots stored, never leads',
      ok: ids.bots === botIds.size && botLeads.length === 0,
      detail: `${int(botIds.size)} bot events accepted, ${int(ids.bots)} stored with bot = 1; ${botEmails.size} bot form fills → ${botLeads.length} leads`,
    },
  ];
}

export function soak(options: SoakOptions): Promise<Row[]> {
  return withCleanup(async ({ own, signal }) => {
    log('bundling the collector (wrangler deploy --dry-run)');
    const worker = await bundleCollector();
    own(worker.remove);
    const dir = await mkdtemp(join(tmpdir(), 'leadloop-soak-'));
    own(() => rm(dir, { recursive: true, force: true, maxRetries: 5 }));
    const persistTo = join(dir, 'collector');
    const adminToken = randomUUID();
    log('starting the collector and the hello-world worker (wrangler dev)');
    const collector = await startCollector({
      config: { shipped: 'wrangler.toml', main: worker.main },
      persistTo,
      adminToken,
    });
    own(collector.stop);
    const helloPort = await freePort();
    const hello = await startDevServer({
      dir: helloWorldDir,
      port: helloPort,
      persistTo: join(dir, 'hello-world'),
    });
    own(hello.stop);
    const pids = workerdPids(Number(new URL(collector.url).port));
    if (pids.length === 0) log("workerd's process not found: no RSS figures");

    // The baseline first, on its own site's bodies (the hello-world ignores them: 404).
    const warmSite = await createSite(collector.url, adminToken);
    const concurrency = options.concurrency;
    log(
      `warming up both sides for 3 s (not measured), then the baseline for ${options.baselineSeconds} s`,
    );
    await drive(`${hello.url}/v1/collect`, soakTraffic(warmSite.writeKey, 1), {
      seconds: 3,
      concurrency,
    });
    await drive(`${collector.url}/v1/collect`, soakTraffic(warmSite.writeKey, 1), {
      seconds: 3,
      concurrency,
    });
    const helloPids = workerdPids(helloPort);
    const helloBefore = rssMb(helloPids).total;
    const baseline = await drive(`${hello.url}/v1/collect`, soakTraffic(warmSite.writeKey, 2), {
      seconds: options.baselineSeconds,
      concurrency,
    });

    const helloRss = { before: helloBefore, after: rssMb(helloPids).total };
    const site = await createSite(collector.url, adminToken);
    const siteId = site.site.id;
    const samples: ({ at: number } & Rss)[] = [];
    const started = Date.now();
    const sample = () => samples.push({ at: (Date.now() - started) / 1000, ...rssMb(pids) });
    sample();
    const sampler = setInterval(sample, RSS_SAMPLE_MS);
    own(async () => clearInterval(sampler));
    log(`soaking for ${options.seconds} s at ${concurrency} requests in flight`);
    const run = await drive(
      `${collector.url}/v1/collect`,
      soakTraffic(site.writeKey),
      { seconds: options.seconds, concurrency },
      (r) =>
        log(
          `${int((Date.now() - r.startedAt) / 1000)} s: ${int(r.sent.length)} batches, RSS ${int(rssMb(pids).total)} MB, load ${loadavg()[0]!.toFixed(2)}`,
        ),
    );
    const loadAverage = loadavg();

    const accepted = new Set(
      run.sent.filter((s) => s.status === 202).flatMap((s) => s.batch.eventIds),
    );
    log(`sent; waiting for ${int(accepted.size)} events to drain`);
    const counted = { stored: 0, quarantined: 0 };
    const drained = await waitForStored(
      async () => {
        const row = await one<{ stored: number; quarantined: number }>(
          `SELECT (SELECT count(*) FROM events WHERE site_id='${siteId}') AS stored, (SELECT count(*) FROM quarantine WHERE site_id='${siteId}') AS quarantined`,
          persistTo,
          signal,
        );
        Object.assign(counted, row);
        return row.stored + row.quarantined;
      },
      accepted.size,
      { quietMs: 20_000, maxMs: options.maxDrainMs, intervalMs: 1_000 },
    );
    // Leads are written by the same consumer call as their batch's events; a last look lets the
    // final call finish.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    sample();
    clearInterval(sampler);
    log('checking the invariants');
    const checks = await checkInvariants(run, siteId, persistTo, signal, counted);
    return soakRows({ options, run, baseline, helloRss, drained, samples, checks, loadAverage });
  });
}

function soakRows({
  options,
  run,
  baseline,
  helloRss,
  drained,
  samples,
  checks,
  loadAverage,
}: {
  options: SoakOptions;
  run: LoadRun;
  baseline: LoadRun;
  helloRss: { before: number; after: number };
  drained: { stored: number; seenAt: number };
  samples: ({ at: number } & Rss)[];
  checks: Check[];
  loadAverage: number[];
}): Row[] {
  const bench = 'Soak, local workerd';
  const seconds = (r: LoadRun) => (r.finishedAt - r.startedAt) / 1000;
  const reqPerSecond = (r: LoadRun) => r.sent.length / seconds(r);
  const latency = (r: LoadRun) => r.sent.map((s) => s.ms);
  const statuses = (r: LoadRun) => {
    const counts = new Map<number, number>();
    for (const s of r.sent) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
    return [...counts].map(([status, n]) => `${int(n)} × ${status}`).join(', ');
  };
  const answered = run.sent.reduce((sum, s) => sum + s.accepted, 0);
  const stored = drained.stored;
  const p50 = percentile(latency(run), 50);
  const p99 = percentile(latency(run), 99);
  const baseP50 = percentile(latency(baseline), 50);
  const baseP99 = percentile(latency(baseline), 99);
  const mbs = samples.map((s) => s.total).filter((mb) => mb > 0);
  const last = samples.at(-1);
  const every = Math.max(1, Math.ceil(samples.length / 12));
  const series = samples
    .filter((_, i) => i % every === 0 || i === samples.length - 1)
    .map((s) => `${int(s.at)} s ${int(s.total)}`)
    .join(', ');
  return [
    {
      bench,
      metric: 'POST /v1/collect req/s',
      result: int(reqPerSecond(run)),
      notes: `${int(seconds(run))} s at ${options.concurrency} in flight; ${statuses(run)}; ${run.errors} connection errors`,
    },
    {
      bench,
      metric: 'events/s accepted (202)',
      result: int(answered / seconds(run)),
      notes: `${int(answered)} events in the answers, resends included`,
    },
    {
      bench,
      metric: 'events/s stored',
      result: int(stored / ((drained.seenAt - run.startedAt) / 1000)),
      notes: `${int(stored)} stored + quarantined, from the first send to the count that saw the last (${int((drained.seenAt - run.finishedAt) / 1000)} s of drain after the load)`,
    },
    {
      bench,
      metric: 'collect p50 / p99 latency',
      result: `${fixed(p50, 1)} / ${fixed(p99, 1)} ms`,
      notes: `over ${int(run.sent.length)} requests, measured in the sender (Node fetch)`,
    },
    {
      bench,
      metric: 'hello-world req/s, p50 / p99',
      result: `${int(reqPerSecond(baseline))}; ${fixed(baseP50, 1)} / ${fixed(baseP99, 1)} ms`,
      notes: `the same bodies and concurrency for ${int(seconds(baseline))} s against bench/hello-world (answers 404: no route); ${statuses(baseline)}`,
    },
    {
      bench,
      metric: 'collect / hello-world req/s',
      result: fixed(reqPerSecond(run) / reqPerSecond(baseline), 2),
      notes: `latency ratio p50 ${fixed(p50 / baseP50, 1)}×, p99 ${fixed(p99 / baseP99, 1)}×`,
    },
    {
      bench,
      metric: 'workerd RSS (MB)',
      result: mbs.length
        ? `${int(mbs[0]!)} → ${int(mbs.at(-1)!)} (max ${int(Math.max(...mbs))})`
        : 'n/a',
      notes: `every ${RSS_SAMPLE_MS / 1000} s from /proc/<pid>/status: ${series}; at the end ${int(last?.anon ?? 0)} anonymous + ${int(last?.file ?? 0)} file-backed/shared; the hello-world's workerd went ${int(helloRss.before)} → ${int(helloRss.after)} over its baseline`,
    },
    ...checks.map((check) => ({
      bench,
      metric: check.name,
      result: check.ok ? 'holds' : 'BROKEN',
      notes: check.detail,
    })),
    {
      bench,
      metric: 'machine load',
      result: loadAverage.map((n) => n.toFixed(2)).join(' / '),
      notes: 'load average (1 / 5 / 15 min) at the end of the load',
    },
  ];
}
