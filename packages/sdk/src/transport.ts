import type { LeadloopEventInput } from '@leadloop/schema';
import { read, write } from './storage.ts';

// Every event first joins a bounded queue (localStorage, or memory), then leaves in batches as
// `text/plain` (no CORS preflight). A keepalive fetch shows the answer: a 2xx or a 4xx other than
// 429 takes the batch off the queue; network errors (a refused origin too), 5xx and 429 leave it for
// a retry with exponential backoff, also on the next page load, each retry with half as many
// events. On page hide a beacon carries what no fetch carries, off the queue once the browser took
// it. Events a fetch carries stay queued until its answer: when the page goes first, the next page
// sends them again, though they may have arrived; the collector keeps each event id once.

type Event = LeadloopEventInput;

let endpoint: string;
let body: (events: Event[]) => string;
let timer: ReturnType<typeof setTimeout> | undefined;
let failures = 0;
// The bodies of the requests fetches have in flight, until their answer: page-hide flushes leave
// the events these name to them.
let sending = '';

const queued = () => read<Event[]>('ll_q') ?? [];
/** `events` but those `sent` (a request's body) names: ids are random, they appear nowhere else. */
const without = (events: Event[] | undefined, sent: string) =>
  events?.filter((event) => !sent.includes(event.id));

function schedule(delay: number) {
  clearTimeout(timer);
  timer = setTimeout(flush, delay);
}

/** Starts sending to `url`, each batch as `batchBody` writes it. */
export function startTransport(url: string, batchBody: (events: Event[]) => string): void {
  endpoint = url;
  body = batchBody;
  schedule(1e3); // what earlier pages left in the queue
  addEventListener('pagehide', () => flush(true));
  addEventListener('visibilitychange', () => document.hidden && flush(true));
}

/** Sends what is queued; `unloading` uses a beacon, which outlives the page. */
export async function flush(unloading?: boolean): Promise<void> {
  timer = undefined;
  // At most 50 events, halved after each failure: keepalive requests and beacons carry at most
  // 64 KB (all of a page's together), and a batch too big fails like a network error until it is
  // small enough. Cheaper in bytes than measuring each body, and it sees other requests' share.
  const batch = without(queued(), sending)!.slice(0, 50 >> failures || 1);
  const payload = body(batch);
  // An answer in flight schedules what comes next.
  if (!batch[0] || (!unloading && sending)) return;
  try {
    // A beacon that the browser took is as good as sent.
    if (!(unloading && navigator.sendBeacon?.(endpoint, payload))) {
      sending += payload;
      const { status } = await fetch(endpoint, { method: 'POST', body: payload, keepalive: true });
      if (status > 499 || status === 429) throw 0;
      failures = 0;
    }
    // Off the queue; one that a refusal erased stays erased.
    write('ll_q', without(read<Event[]>('ll_q'), payload));
  } catch {
    failures++;
  }
  // Free for a page-hide flush a task later: leaving the page rejects a keepalive fetch (the
  // request may still arrive) before the pagehide listeners run, and no task runs after them.
  // Timers of one delay run in order: this one before the next batch's.
  setTimeout(() => (sending = sending.replace(payload, '')));
  // At once after a success; after a failure min(5 min, 2^failures s) × (0.5 to 1), in fewer bytes.
  schedule(failures && Math.min(15e4, 500 * 2 ** failures) * (1 + Math.random()));
}

/**
 * Queues an event; `now` sends at once (a form that may navigate away: a keepalive fetch outlives
 * the page and still shows its answer when the page stays). While the collector fails, events
 * wait for the backoff.
 */
export function send(event: Event, now?: boolean): void {
  const queue = write('ll_q', [...queued(), event].slice(-200));
  if ((now || queue[9]) && !failures) flush();
  else timer ??= setTimeout(flush, 1e3);
}
