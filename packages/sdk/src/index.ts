import { createTracker, type Tracker, type TrackerOptions } from './tracker.ts';

export type { Tracker, TrackerOptions };

/**
 * Starts Leadloop on this page and records the first pageview.
 * @example
 * import { init } from '@leadloop/sdk';
 * const leadloop = init({ writeKey: 'pk_…', apiHost: 'https://collect.example.com' });
 */
export function init(options: TrackerOptions): Tracker {
  const tracker = createTracker(options);
  tracker.page();
  return tracker;
}
