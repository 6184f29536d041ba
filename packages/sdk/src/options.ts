export type Options = {
  /** The site's public write key, `pk_…`. */
  writeKey: string;
  /** Where the collector answers: its origin, plus a path in first-party mode (`https://example.com/ll`). */
  apiHost: string;
  /** Domain for the cookies; default: the registrable domain, so `www.` and `landing.` share them. */
  cookieDomain?: string;
  /** Lifetime of the anonymous-id cookie in days (default 365). */
  cookieDays?: number;
  /** Keep ids in memory only: no cookies, no localStorage; each page load is a new visitor. */
  cookieless?: boolean;
  /** `'required'`: store and send nothing until `consent('granted')`. */
  consent?: 'required';
  /** Count `#/route` changes as pageviews (hash-routed single-page apps). */
  hashRouting?: boolean;
  /** Capture pageviews, form fills and call clicks by itself (default true). */
  autoCapture?: boolean;
};

export type ConsentState = 'granted' | 'denied';

/** The public API, the same for the script tag (`leadloop('track', …)`) and the npm entry. */
export type Api = {
  /** Records a pageview of the current URL (at most one per URL in a row). */
  page(): void;
  /** Records a named event. */
  track(name: string, properties?: Record<string, unknown>): void;
  /** Tells who this visitor is: `email` and `phone` identify them as a lead. */
  identify(traits: Record<string, unknown>): void;
  /** Forgets this browser's visitor (on logout): new anonymous id, no remembered touches. */
  reset(): void;
  /** Records the visitor's choice; `'denied'` also erases what Leadloop stored in this browser. */
  consent(state: ConsentState): void;
};
