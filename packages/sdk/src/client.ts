import type { LeadloopEventInput, Touch } from '@leadloop/schema';
import { adIds } from './ad-ids.ts';
import { campaignSignature } from './attribution.ts';
import { getCookie, setCookie } from './cookies.ts';
import { formFill } from './fields.ts';
import { sessionId } from './identity.ts';
import { linkEvent } from './links.ts';
import type { Api, Options } from './options.ts';
import { safe } from './safe.ts';
import { erase, persist, read, registrableDomain, write } from './storage.ts';
import { send, startTransport } from './transport.ts';
import { uuid } from './uuid.ts';

declare const __SDK_VERSION__: string;

const IDENTITY_KEYS = ['ll_aid', 'll_sid', 'll_ft', 'll_lt'];

type Event = LeadloopEventInput;
/** An event as capture code describes it; the client stamps ids, time, page and attribution. */
export type EventFields = Event extends infer E
  ? E extends Event
    ? Omit<E, 'id' | 'timestamp' | 'anonymousId' | 'sessionId' | 'page' | 'attribution'>
    : never
  : never;
/** Records an event; capture code that found nothing to record passes no fields. */
export type Emit = (fields: EventFields | undefined | null, now?: boolean) => void;

/**
 * Runs `hook` with `this` before each call of `target[method]`. Frozen objects (a hostile page
 * freezing `history`) keep their method: SPA pageviews then come from popstate only.
 */
function before<T extends object>(target: T, method: keyof T, hook: (self: never) => void): void {
  const original = target[method] as (...args: unknown[]) => unknown;
  try {
    target[method] = function (this: never, ...args: unknown[]) {
      hook(this);
      return original.apply(this, args);
    } as T[keyof T];
  } catch {}
}

/** Starts Leadloop on this page (one client per page) and returns its API. */
export function createClient(options: Options): Api {
  const { cookieless, hashRouting } = options;
  const idSeconds = (options.cookieDays ?? 365) * 86400;
  // Fragments hold tokens (`#access_token=…`) more often than routes: kept only for hash routing.
  const here = () => (hashRouting ? location.href : location.href.split('#')[0]!);
  const landingUrl = here().slice(0, 8192); // cut to the collector's limit, as page.url is
  // Whether events may be stored and sent; undefined while consent is pending: nothing is stored,
  // events wait in memory. A refusal is remembered (a strictly necessary cookie), so the next page
  // sends nothing before the site's consent manager speaks again.
  let allowed: boolean | undefined =
    getCookie('ll_consent') !== 'denied' &&
    (options.consent === 'required'
      ? undefined
      : !(navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl);
  let cookieDomain = options.cookieDomain;
  const findCookieDomain = () => (cookieDomain ??= registrableDomain(location.hostname));
  // toJSON: toISOString's result, in fewer bytes.
  const loadedAt = new Date().toJSON();
  let held: (() => void)[] = [];
  let lastUrl: string | undefined;
  // The page's referrer: the document's, then the previous URL of a single-page app.
  let referrer = document.referrer;

  function start() {
    if (!cookieless) persist(findCookieDomain());
    // The landing touch: read once per page load, never from SPA navigations.
    // A reload or a back/forward visit (type 1 or 2) keeps its old referrer: it is no new touch.
    // performance.navigation is deprecated, yet in every browser and much shorter than the
    // navigation timing entry; were it gone, every load would count as a navigation.
    if (!performance.navigation?.type) {
      // A touch when the visit comes from somewhere: a campaign, a click id or an external
      // referrer. A typed URL or a link on the same site never replaces a remembered touch.
      const from = document.referrer;
      let external: boolean | undefined; // no referrer, or none that parses: not external
      try {
        // This site: the cookie domain and hosts under it, or without one (cookieless, IPs) the
        // page's host. `.example.com` is a valid way to write a cookie domain: one leading dot.
        external = !`.${new URL(from).hostname}`.endsWith(
          (cookieDomain ?? location.hostname).replace(/^\.?/, '.'),
        );
      } catch {}
      if (external || campaignSignature(landingUrl))
        write<Touch>('ll_lt', {
          landingPage: landingUrl,
          referrer: external ? from.slice(0, 8192) : undefined,
          timestamp: loadedAt,
        });
      // Only the landing page load may start a campaign's session; events then keep it.
      sessionId(campaignSignature(landingUrl));
    }
  }

  // Trailing slashes of the host, if any, give way to the path.
  startTransport(options.apiHost.replace(/\/*$/, '/v1/collect'), (events) =>
    JSON.stringify({
      writeKey: options.writeKey,
      sentAt: new Date().toJSON(),
      context: { library: { name: 'leadloop.js', version: __SDK_VERSION__ }, cookieDomain },
      events,
    }),
  );

  const emit: Emit = (fields, now) => {
    const timestamp = new Date().toJSON();
    const page = {
      // Cut to the collector's limits: one overlong field would cost the whole event.
      url: here().slice(0, 8192),
      path: location.pathname.slice(0, 8192),
      title: document.title.slice(0, 1024),
      referrer: referrer.slice(0, 8192),
    };
    // Stamping is what may throw (storage, the page's own values): `safe` here keeps every API
    // method from throwing into the page.
    const stamp = safe(() => {
      const last = read<Touch>('ll_lt');
      // In this order: the cookies read before any is written, as a read after a write is a
      // synchronous round trip to the browser process, and one before it is not.
      send(
        {
          ...fields,
          attribution: {
            // Cookieless means no cookies read either, the ad platforms' included.
            adIds: cookieless ? {} : adIds(),
            // First touch: the first visit ever, even a direct one (then this page). Last: the
            // latest non-direct one, this landing's if it was one.
            first: read('ll_ft') ?? write('ll_ft', last ?? { landingPage: page.url, timestamp }),
            last,
          },
          id: uuid(),
          timestamp,
          page,
          // Written only when missing: a first-party collector refreshes the cookie with
          // `Set-Cookie`, and rewriting it from script would bring back Safari's 7-day cap.
          anonymousId: read('ll_aid') || write('ll_aid', uuid(), idSeconds),
          sessionId: sessionId(),
        } as Event,
        now,
      );
    });
    // Nothing when capture code found nothing (checked last: fewer bytes). Sent when allowed, held
    // while consent is pending, dropped once refused.
    if (!fields) return;
    if (allowed) stamp();
    else if (allowed ?? held.length < 100) held.push(stamp);
  };

  const api: Api = {
    page() {
      const url = here();
      if (url !== lastUrl) {
        if (lastUrl) referrer = lastUrl;
        lastUrl = url;
        emit({ type: 'pageview' });
      }
    },
    track: (name, properties) => emit({ type: 'track', name, properties: properties as never }),
    identify: (traits) => emit({ type: 'identify', traits: traits as never }),
    reset() {
      // A new visitor from here on; events already queued still go out.
      erase(IDENTITY_KEYS);
    },
    consent(state) {
      const denied = state === 'denied';
      // A refusal is kept as long as the anonymous id would have been.
      if (!cookieless) setCookie('ll_consent', state, denied ? idSeconds : -1, findCookieDomain());
      if (denied) {
        erase(IDENTITY_KEYS);
        write('ll_q'); // and the events not yet sent
      } else {
        if (!allowed) start();
        for (const stamp of held) stamp();
      }
      allowed = !denied;
      held = [];
    },
  };
  if (allowed) start();
  // Automatic capture: pageviews (load and SPA navigation), form fills, call and email clicks.
  // Written here rather than in a module of its own: a function called once costs its call.
  if (options.autoCapture !== false) {
    // Frameworks set the new title just after navigating: read the page a tick later.
    const onNavigation = () => setTimeout(api.page);
    before(history, 'pushState', onNavigation);
    before(history, 'replaceState', onNavigation);
    // Without hash routing, a hash change leaves the page's URL as the SDK reads it: no pageview.
    addEventListener('popstate', onNavigation);
    addEventListener('hashchange', onNavigation);

    let lastForm: HTMLFormElement | 0 | undefined; // 0: none, in fewer bytes than undefined
    const onSubmit = safe((form: HTMLFormElement) => {
      // A page that validates on submit and then calls form.submit() submits twice: record once.
      if (form === lastForm) return;
      lastForm = form;
      setTimeout(() => (lastForm = 0), 1e3);
      emit(formFill(form), true);
    });
    // Submit events come from forms; a synthetic one elsewhere fails safely in onSubmit.
    addEventListener('submit', (event) => onSubmit(event.target as HTMLFormElement), true);
    // form.submit() fires no submit event.
    before(HTMLFormElement.prototype, 'submit', onSubmit);

    addEventListener(
      'click',
      safe((event: MouseEvent) => {
        // A click on the window itself throws here, safely. `href` as the browser parsed it: the
        // scheme in lower case.
        const link = (event.target as Element).closest<HTMLAnchorElement>('a[href]');
        emit(link && linkEvent(link.href, link.textContent!));
      }),
      true,
    );
    api.page();
  }
  return api;
}
