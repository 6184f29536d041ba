import type { Attribution, CollectContext, LeadloopEventInput, Touch } from '@leadloop/schema';
import { touchFromLocation } from './attribution.ts';
import { anonymousId, sessionId, uuid } from './identity.ts';
import { send } from './transport.ts';

declare const __SDK_VERSION__: string;

export type TrackerOptions = {
  /** The site's public write key, `pk_…`. */
  writeKey: string;
  /** The collector's origin, e.g. `https://collect.example.com`. */
  apiHost: string;
};

export type Tracker = {
  /** Records a pageview of the current URL. */
  page(): void;
};

const FIRST_TOUCH_KEY = 'leadloop:first';
const LAST_TOUCH_KEY = 'leadloop:last';

function readTouch(key: string): Touch | undefined {
  try {
    const stored = localStorage.getItem(key);
    return stored ? (JSON.parse(stored) as Touch) : undefined;
  } catch {
    return undefined;
  }
}

function rememberTouch(key: string, touch: Touch): void {
  try {
    localStorage.setItem(key, JSON.stringify(touch));
  } catch {
    // Storage can be full or disabled; the touch is still sent with this event.
  }
}

/** First touch is kept forever; last touch is the latest visit that came from somewhere. */
function attribution(): Attribution {
  const current = touchFromLocation(location, document.referrer, new Date());
  const first = readTouch(FIRST_TOUCH_KEY) ?? current;
  if (current) {
    if (!readTouch(FIRST_TOUCH_KEY)) rememberTouch(FIRST_TOUCH_KEY, current);
    rememberTouch(LAST_TOUCH_KEY, current);
  }
  return { first, last: current ?? readTouch(LAST_TOUCH_KEY) };
}

export function createTracker(options: TrackerOptions): Tracker {
  const endpoint = `${options.apiHost.replace(/\/$/, '')}/v1/collect`;
  const context: CollectContext = {
    library: { name: 'leadloop.js', version: __SDK_VERSION__ },
    locale: navigator.language,
  };

  function dispatch(event: LeadloopEventInput): void {
    const body = {
      writeKey: options.writeKey,
      sentAt: new Date().toISOString(),
      context,
      events: [event],
    };
    send(endpoint, JSON.stringify(body));
  }

  return {
    page() {
      dispatch({
        id: uuid(),
        type: 'pageview',
        timestamp: new Date().toISOString(),
        anonymousId: anonymousId(),
        sessionId: sessionId(),
        page: {
          url: location.href,
          path: location.pathname,
          title: document.title || undefined,
          referrer: document.referrer || undefined,
        },
        attribution: attribution(),
      });
    },
  };
}
