// The soak's traffic: browsers in waves, each sending a few batches of pageviews, some a form fill
// with an email (the person's: a quarter of people use two browsers), some a call click. About 5%
// of batches come from bots (a crawler's user agent), whose form fills must never make leads. A
// wave's batches are shuffled (out of order, a form before its pageviews) and about 10% of them are
// sent again later with the same event ids, as an SDK retrying after a lost answer would.
import { randomUUID } from 'node:crypto';
import { BROWSER_USER_AGENT } from './collect-batch.ts';

export const BOT_USER_AGENT =
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

const BATCHES_PER_BROWSER = 3;
const EVENTS_PER_BATCH = 4;
const BROWSERS_PER_WAVE = 60;
const IDENTIFIED_SHARE = 0.4;
const SECOND_BROWSER_SHARE = 0.25;
const CALL_SHARE = 0.2;
const BOT_BATCH_SHARE = 0.05;
const RESEND_SHARE = 0.1;

export type SoakBatch = {
  body: string;
  userAgent: string;
  eventIds: string[];
  anonymousId: string;
  bot: boolean;
  /** The person's email when this batch carries their form fill. */
  formEmail?: string;
  resend: boolean;
};

type Browser = { anonymousId: string; bot: boolean; email?: string };

/** A seeded generator (mulberry32): the same seed makes the same mix of browsers and orders. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function browserBatches(writeKey: string, browser: Browser, random: () => number): SoakBatch[] {
  const sessionId = randomUUID();
  // Event time runs forward over the browser's visit, whatever order the batches arrive in.
  const start = Date.now() - 60_000;
  const total = BATCHES_PER_BROWSER * EVENTS_PER_BATCH;
  const formAt = browser.email ? 1 + Math.floor(random() * (total - 1)) : -1;
  const callAt = random() < CALL_SHARE ? Math.floor(random() * total) : -1;
  const events = Array.from({ length: total }, (_, i) => {
    const path = `/page-${i}`;
    const base = {
      id: randomUUID(),
      timestamp: new Date(start + i * 1_000).toISOString(),
      anonymousId: browser.anonymousId,
      sessionId,
      page: { url: `https://site.test${path}?utm_source=soak&utm_medium=cpc`, path, title: path },
    };
    if (i === formAt) {
      const email = browser.email!;
      return {
        ...base,
        type: 'form_submit',
        form: { id: 'contact', fields: { name: 'Soak Visitor', email, message: 'Call me' } },
        traits: { email, name: 'Soak Visitor' },
      };
    }
    if (i === callAt) {
      return { ...base, type: 'call_click', call: { number: '+1 415 555 0132', kind: 'tel' } };
    }
    return { ...base, type: 'pageview' };
  });
  return Array.from({ length: BATCHES_PER_BROWSER }, (_, b) => {
    const slice = events.slice(b * EVENTS_PER_BATCH, (b + 1) * EVENTS_PER_BATCH);
    const hasForm = formAt >= b * EVENTS_PER_BATCH && formAt < (b + 1) * EVENTS_PER_BATCH;
    return {
      body: JSON.stringify({ writeKey, sentAt: new Date().toISOString(), events: slice }),
      userAgent: browser.bot ? BOT_USER_AGENT : BROWSER_USER_AGENT,
      eventIds: slice.map((event) => event.id),
      anonymousId: browser.anonymousId,
      bot: browser.bot,
      ...(hasForm ? { formEmail: browser.email! } : {}),
      resend: false,
    };
  });
}

/** Endless waves of shuffled batches (resends included) for one site's write key. */
export function* soakTraffic(writeKey: string, seed = 9): Generator<SoakBatch> {
  const random = seededRandom(seed);
  let person = 0;
  for (;;) {
    const browsers: Browser[] = [];
    while (browsers.length < BROWSERS_PER_WAVE) {
      const anonymousId = randomUUID();
      if (random() < BOT_BATCH_SHARE) {
        // Half the bots fill the form too; their emails must never become leads.
        const email = random() < 0.5 ? `bot-${anonymousId}@bench-leads.dev` : undefined;
        browsers.push({ anonymousId, bot: true, ...(email ? { email } : {}) });
      } else if (random() < IDENTIFIED_SHARE) {
        const email = `person-${person++}-${anonymousId}@bench-leads.dev`;
        browsers.push({ anonymousId, bot: false, email });
        if (random() < SECOND_BROWSER_SHARE) {
          browsers.push({ anonymousId: randomUUID(), bot: false, email });
        }
      } else {
        browsers.push({ anonymousId, bot: false });
      }
    }
    const batches = shuffle(
      browsers.flatMap((browser) => browserBatches(writeKey, browser, random)),
      random,
    );
    // A resend goes out a little later than its first copy, somewhere in the same wave.
    const resends = new Map<number, SoakBatch[]>();
    batches.forEach((batch, i) => {
      if (random() >= RESEND_SHARE) return;
      const at = i + 1 + Math.floor(random() * (batches.length - i));
      resends.set(at, [...(resends.get(at) ?? []), { ...batch, resend: true }]);
    });
    for (let i = 0; i <= batches.length; i++) {
      if (i < batches.length) yield batches[i]!;
      yield* resends.get(i + 1) ?? [];
    }
  }
}
