// The published trackers Leadloop's script is compared with: pinned versions, the file of each that
// a site would ship (the minified browser / script-tag build), and what each offers of Leadloop's
// features. Bump a version only after re-reading that release's README and types: the feature
// notes below are taken from them (and, where they are silent, from a look at the shipped code).

/** ✓ built in · ~ partly, or only by hand · ✗ not offered · ? not documented in the package. */
export type Features = {
  pageviews: string;
  spa: string;
  touch: string;
  forms: string;
  calls: string;
  consent: string;
};

export type Tracker = {
  label: string;
  name: string;
  version: string;
  /** Path inside the npm tarball, which unpacks under `package/`. */
  file: string;
  features: Features;
  /** gzip bytes measured by someone else (the issue that asked for this comparison). */
  issueGzip: number;
};

export const TRACKERS: Tracker[] = [
  {
    label: 'Plausible',
    name: '@plausible-analytics/tracker',
    version: '0.4.6',
    file: 'plausible.js', // the package's only build: minified ESM, `init({domain})`
    issueGzip: 2670,
    features: {
      pageviews: '✓',
      spa: '✓',
      touch: '~ (URL + referrer per event; no first/last touch kept)',
      forms: '~ (opt-in "Form: Submission" count, no field values)',
      calls: '✗ (outbound links need a host; tel: has none)',
      consent: '✗ (no consent API; localStorage opt-out)',
    },
  },
  {
    label: 'OpenPanel',
    name: '@openpanel/web',
    version: '1.4.1',
    file: 'dist/src/tracker.global.js', // the IIFE script-tag build (op1.js)
    issueGzip: 3262,
    features: {
      pageviews: '✓',
      spa: '✓',
      touch: '?',
      forms: '✗',
      calls: '✗ (outgoing links are http(s) only)',
      consent: '? (only a `disabled` option)',
    },
  },
  {
    label: 'Snowplow',
    name: '@snowplow/browser-tracker',
    version: '4.10.1',
    file: 'dist/index.umd.min.js',
    issueGzip: 17423,
    features: {
      pageviews: '~ (trackPageView call)',
      spa: '~ (trackPageView per route)',
      touch: '?',
      forms: '~ (separate plugin, not in this file)',
      calls: '?',
      consent: '~ (anonymous tracking, opt-out cookie)',
    },
  },
  {
    label: 'Segment',
    name: '@segment/analytics-next',
    version: '1.84.3',
    file: 'dist/umd/standalone.js', // the snippet / CDN build; loads more bundles on demand
    issueGzip: 31322,
    features: {
      pageviews: '~ (page() call)',
      spa: '~ (page() per route)',
      touch: '~ (UTM as context.campaign per event)',
      forms: '~ (trackForm by hand, no field values)',
      calls: '~ (trackLink by hand)',
      consent: '~ (load() after consent)',
    },
  },
  {
    label: 'PostHog',
    name: 'posthog-js',
    version: '1.449.2',
    file: 'dist/array.js',
    issueGzip: 122168,
    features: {
      pageviews: '✓',
      spa: '✓',
      touch: '✓ (UTM per event + initial person props)',
      forms: '~ (autocaptured submits)',
      calls: '? (generic click autocapture)',
      consent: '✓',
    },
  },
  {
    label: 'sourcebuster',
    name: 'sourcebuster',
    version: '1.1.0',
    file: 'dist/sourcebuster.min.js',
    issueGzip: 0, // not in the issue
    features: {
      pageviews: '✗ (sends nothing; cookies only)',
      spa: '✗',
      touch: '✓ (first + current source)',
      forms: '✗ (copy its cookies into forms yourself)',
      calls: '✗',
      consent: '?',
    },
  },
];

export function describeFeatures(f: Features): string {
  return [
    `pageviews ${f.pageviews}`,
    `SPA ${f.spa}`,
    `UTM/touch ${f.touch}`,
    `forms ${f.forms}`,
    `click-to-call ${f.calls}`,
    `consent ${f.consent}`,
  ].join(' · ');
}
