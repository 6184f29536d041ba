// Leadloop's script beside the published trackers of trackers.ts, downloaded at run time: the same
// three sizes for each file as shipped, and which of Leadloop's features each offers.
import { fetchPackageFiles } from './npm-pack.ts';
import { int, type Row } from './report.ts';
import { compressedSizes, readSdkBundle, type Sizes } from './sdk-size.ts';
import { describeFeatures, type Features, TRACKERS } from './trackers.ts';

const bench = 'SDK vs trackers (raw / gzip -9 / brotli q11)';

const sizes = (s: Sizes) => `${int(s.raw)} / ${int(s.gzip)} / ${int(s.brotli)} B`;

// The SDK is rewritten often, so its row claims only what the measured build contains: each
// feature has a wire or API name from DESIGN.md that minification keeps (string literals and
// property names). A heuristic: it can miss a renamed feature, never invent an absent one's name.
function leadloopFeatures(code: string): Features {
  const has = (...patterns: RegExp[]) => (patterns.every((p) => p.test(code)) ? '✓' : '✗');
  return {
    pageviews: has(/["'`]pageview["'`]/),
    spa: has(/pushState/),
    touch: has(/utm_/, /\bfirst\b/, /\blast\b/),
    forms: has(/form_submit/),
    calls: has(/call_click/),
    consent: has(/consent/),
  };
}

export async function sdkCompare(): Promise<Row[]> {
  const code = await readSdkBundle();
  const leadloop = compressedSizes(code);
  const rows: Row[] = [
    {
      bench,
      metric: 'Leadloop dist/leadloop.js',
      result: sizes(leadloop),
      notes: `features in this build: ${describeFeatures(leadloopFeatures(code.toString('utf8')))}`,
    },
  ];
  const fetched = await fetchPackageFiles(TRACKERS);
  TRACKERS.forEach((tracker, i) => {
    const got = fetched[i]!;
    const metric = `${tracker.label} ${tracker.name}@${tracker.version} ${tracker.file}`;
    if ('error' in got) {
      rows.push({ bench, metric, result: 'unavailable', notes: got.error });
      return;
    }
    const s = compressedSizes(got.code);
    const issue = tracker.issueGzip ? `; issue: ${int(tracker.issueGzip)} B` : '';
    rows.push({
      bench,
      metric,
      result: sizes(s),
      notes: `gzip ${(s.gzip / leadloop.gzip).toFixed(1)}× Leadloop${issue}; ${describeFeatures(tracker.features)}`,
    });
  });
  return rows;
}
