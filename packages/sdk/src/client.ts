import type { LeadloopEventInput, Touch } from '@leadloop/schema';
import { adIds } from './ad-ids.ts';
import { campaignSignature, touchFromLocation } from './attribution.ts';
import { watchPage } from './autocapture.ts';
import { getCookie, setCookie } from './cookies.ts';
import { anonymousId, sessionId } from './identity.ts';
import type { Api, Options } from './options.ts';
import { safe } from './safe.ts';
import { erase, persist, read, registrableDomain, write } from './storage.ts';
import { send, startTransport } from './transport.ts';
import { uuid } from './uuid.ts';

declare const __SDK_VERSION__: string;

const IDENTITY_KEYS = ['ll_aid', 'll_sid', 'll_ft', 'll_lt'];
const CONSENT_COOKIE = 'll_consent';

type Event = LeadloopEventInput;
/** An event as capture code describes it; the client stamps ids, time, page and attribution. */
export type EventFields = Event extends infer E
  ? E extends Event
    ? Omit<E, 'id' | 'timestamp' | 'anonymousId' | 'sessionId' | 'page' | 'attribution'>
    : never
  : never;
export type Emit = (fields: EventFields, now?: boolean) => void;

/** Starts Leadloop on this page (one client per page) and returns its API. */
export function createClient(options: Options): Api {
  const idSeconds = (options.cookieDays ?? 365) * 86400;
  // Fragments hold tokens (`#access_token=…`) more often than routes: kept only for hash routing.
  const here = () => (options.hashRouting ? location.href : location.href.split('#')[0]!);
  const landingUrl = here();
  // Whether events may be stored and sent; undefined while consent is pending: nothing is stored, events wait in memory. A refusal is
  // remembered (a strictly necessary cookie), so the next page sends nothing before the site's
  // consent manager speaks again.
  let allowed: boolean | undefined =
    getCookie(CONSENT_COOKIE) !== 'denied' &&
    (options.consent === 'required'
      ? undefined
      : !(navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl);
  let cookieDomain = options.cookieDomain;
  const findCookieDomain = () => (cookieDomain ??= registrableDomain(location.hostname));
  const loadedAt = new Date().toISOString();
  let waiting: (() => void)[] = [];
  let lastUrl = '';
  let referrer = document.referrer;
  let landing: Touch | undefined;
  let campaign: string | undefined;

  function start() {
    if (!options.cookieless) persist(findCookieDomain());
    // The landing touch: read once per page load, never from SPA navigations.
    // A reload or a back/forward visit keeps its old referrer: it is no new touch.
    const navigation = performance.getEntriesByType?.('navigation')[0] as
      | PerformanceNavigationTiming
      | undefined;
    landing = /reload|back/.test(navigation?.type ?? '')
      ? undefined
      : touchFromLocation(landingUrl, document.referrer, loadedAt, cookieDomain);
    campaign = landing && campaignSignature(landingUrl);
    if (landing) write('ll_lt', landing);
  }

  startTransport(`${options.apiHost.replace(/\/+$/, '')}/v1/collect`, () => ({
    writeKey: options.writeKey,
    context: { library: { name: 'leadloop.js', version: __SDK_VERSION__ }, cookieDomain },
  }));

  const emit: Emit = (fields, now) => {
    if (allowed === false) return;
    const timestamp = new Date().toISOString();
    const page = {
      // Cut to the collector's limits: one overlong field would cost the whole event.
      url: here().slice(0, 8192),
      path: location.pathname.slice(0, 8192),
      title: document.title.slice(0, 1024),
      referrer: referrer.slice(0, 8192),
    };
    const stamp = () => {
      // First touch: the first visit ever, even a direct one. Last: the latest non-direct one.
      let first = read<Touch>('ll_ft');
      if (!first) {
        first = landing ?? { landingPage: page.url, timestamp };
        write('ll_ft', first);
      }
      const last = read<Touch>('ll_lt');
      send(
        {
          ...fields,
          id: uuid(),
          timestamp,
          anonymousId: anonymousId(idSeconds),
          sessionId: sessionId(campaign),
          page,
          // Cookieless means no cookies read either, the ad platforms' included.
          attribution: { first, last, adIds: options.cookieless ? {} : adIds() },
        } as Event,
        now,
      );
      campaign = undefined; // only the landing page load may start a campaign's session
    };
    if (allowed) stamp();
    else if (waiting.length < 100) waiting.push(stamp);
  };

  const api: Api = {
    page() {
      const url = here();
      if (url === lastUrl) return;
      if (lastUrl) referrer = lastUrl;
      lastUrl = url;
      emit({ type: 'pageview' });
    },
    track: (name, properties) => emit({ type: 'track', name, properties: properties as never }),
    identify: (traits) => emit({ type: 'identify', traits: traits as never }),
    reset() {
      // A new visitor from here on; events already queued still go out.
      erase(IDENTITY_KEYS);
      landing = undefined;
    },
    consent(state) {
      const denied = state === 'denied';
      if (!options.cookieless)
        setCookie(CONSENT_COOKIE, state, denied ? 31536000 : -1, findCookieDomain());
      if (denied) erase([...IDENTITY_KEYS, 'll_q']);
      else {
        if (!allowed) start();
        for (const stamp of waiting) stamp();
      }
      allowed = !denied;
      waiting = [];
    },
  };
  // Nothing the SDK does may throw into the page.
  for (const method of Object.keys(api) as (keyof Api)[]) {
    api[method] = safe(api[method] as (...args: unknown[]) => void) as never;
  }
  if (allowed) start();
  if (options.autoCapture !== false) watchPage(api, emit, options.hashRouting);
  return api;
}
