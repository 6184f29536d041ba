// A realistic site for the attribution benchmark, written straight into the databases: going
// through /v1/collect would take ~20 minutes for a million events. The rows are the pipeline's
// own: events, sessions (their touch from the collector's `sessionTouch`), visitors, and leads,
// identifiers, visitor links and outbox changes from the consumer's pure `stitchBatch` and
// `planLeadUpdate`, conversions as `POST /v1/conversions` stores them, costs as `POST /v1/costs`
// does. Everything random comes from one seeded generator: a run makes the same site again,
// relative to the day it runs (`anchor`, midnight UTC), so "the last 90 days" hold the same data.
//
// Two passes: a plan (who visits when, from where, who converts) small enough to keep, then the
// rows, lead by lead, handed to a sink as they are made (a million events are never all held).
import { createHash } from 'node:crypto';
import { DEFAULT_SCORING_RULES, type JsonObject } from '@leadloop/schema';
import {
  type ConversionRow,
  conversionFingerprint,
  conversionRecorded,
} from '../packages/edge-collector/src/core/conversion.ts';
import { enrich } from '../packages/edge-collector/src/core/enrichment.ts';
import {
  type SessionUpsert,
  type StoredEvent,
  storedEvent,
} from '../packages/edge-collector/src/core/ingest-plan.ts';
import { visiblePrefix } from '../packages/edge-collector/src/core/keys.ts';
import {
  type DomainChange,
  type IdentitySnapshot,
  identifyingEvents,
  type LeadEvent,
  type LeadPatch,
  planLeadUpdate,
  stitchBatch,
} from '../packages/edge-collector/src/core/lead-update.ts';
import { sessionTouch } from '../packages/edge-collector/src/core/session-touch.ts';
import { zonedDay } from '../packages/edge-collector/src/core/site-time.ts';
import {
  changeRow,
  IDENTIFIER_COLUMNS,
  identifierRow,
  LEAD_COLUMNS,
  LINK_COLUMNS,
  leadRow,
  linkRow,
  OUTBOX_COLUMNS,
} from '../packages/edge-collector/src/store/identity-sql.ts';
import {
  type Column,
  EVENT_COLUMNS,
  eventRow,
  SESSION_COLUMNS,
  sessionRow,
  VISITOR_COLUMNS,
  visitorRow,
} from '../packages/edge-collector/src/store/merge-sql.ts';

// The collector's core names one Workers type, in a function this never calls; bench's tsconfig
// has Node's types only.
declare global {
  type IncomingRequestCfProperties = Record<string, unknown>;
}

export type DataSize = {
  /** `1M`, say: how the report names it. */
  label: string;
  events: number;
  leads: number;
  customers: number;
};

export type Table = { name: string; columns: readonly Column[] };

/** Where rows go: values in the pipeline's own form (times in epoch ms, JSON as values). */
export type RowSink = { write(table: Table, row: unknown[]): void };

const DAY = 86_400_000;
const MINUTE = 60_000;
const ORIGIN = 'https://www.northwind.io';
const COOKIE_DOMAIN = 'northwind.io';
const TIME_ZONE = 'America/New_York';
/** Conversions fall in the last 90 days (the default report range); touches reach 30 days further. */
export const RANGE_DAYS = 90;

// ---- the tables written, column kinds as merge-sql.ts reads them ----

const t = (name: string, columns: [string, Column[1]][]): Table => ({ name, columns });
export const TABLES = {
  sites: t('sites', [
    ['id', 'text'],
    ['name', 'text'],
    ['allowed_origins', 'json'],
    ['timezone', 'text'],
    ['default_country', 'text'],
    ['ignored_identifiers', 'json'],
    ['created_at', 'time'],
  ]),
  siteOrigins: t('site_origins', [
    ['site_id', 'text'],
    ['origin', 'text'],
  ]),
  apiKeys: t('api_keys', [
    ['id', 'text'],
    ['site_id', 'text'],
    ['kind', 'text'],
    ['prefix', 'text'],
    ['hash', 'text'],
    ['name', 'text'],
    ['scopes', 'json'],
    ['created_at', 'time'],
  ]),
  visitors: { name: 'visitors', columns: VISITOR_COLUMNS },
  sessions: { name: 'sessions', columns: SESSION_COLUMNS },
  events: { name: 'events', columns: EVENT_COLUMNS },
  leads: { name: 'leads', columns: LEAD_COLUMNS },
  leadIdentifiers: { name: 'lead_identifiers', columns: IDENTIFIER_COLUMNS },
  visitorLinks: { name: 'visitor_links', columns: LINK_COLUMNS },
  // Relayed, as the sweep would have left them.
  outbox: { name: 'outbox', columns: [...OUTBOX_COLUMNS, ['relayed_at', 'time']] },
  identityVersions: t('identity_versions', [
    ['site_id', 'text'],
    ['version', 'int'],
  ]),
  conversions: t('conversions', [
    ['site_id', 'text'],
    ['id', 'text'],
    ['lead_id', 'text'],
    ['stage', 'text'],
    ['value_minor', 'int'],
    ['currency', 'text'],
    ['occurred_at', 'time'],
    ['external_id', 'text'],
    ['request_hash', 'text'],
    ['properties', 'json'],
    ['created_at', 'time'],
  ]),
  costs: t('costs', [
    ['site_id', 'text'],
    ['day', 'text'],
    ['source', 'text'],
    ['medium', 'text'],
    ['campaign', 'text'],
    ['amount_minor', 'int'],
    ['currency', 'text'],
    ['updated_at', 'time'],
  ]),
} satisfies Record<string, Table>;

// ---- a seeded generator (sfc32) ----

export type Random = {
  next(): number;
  int(below: number): number;
  between(low: number, high: number): number;
  pick<T>(items: readonly T[]): T;
  weighted<T extends { weight: number }>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** 0, 1, 2, … with this mean. */
  geometric(mean: number): number;
  normal(): number;
  uuid(): string;
  /** `prefix_` and 16 base64url characters, like generateId. */
  id(prefix: string): string;
};

export function seededRandom(seed: string): Random {
  const hash = createHash('sha256').update(seed).digest();
  let a = hash.readUInt32LE(0);
  let b = hash.readUInt32LE(4);
  let c = hash.readUInt32LE(8);
  let d = hash.readUInt32LE(12);
  const next = () => {
    const result = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + result) | 0;
    return (result >>> 0) / 4_294_967_296;
  };
  for (let i = 0; i < 15; i++) next();
  const hex = (count: number) => {
    let out = '';
    while (out.length < count)
      out += Math.floor(next() * 4_294_967_296)
        .toString(16)
        .padStart(8, '0');
    return out.slice(0, count);
  };
  const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const random: Random = {
    next,
    int: (below) => Math.floor(next() * below),
    between: (low, high) => low + next() * (high - low),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted(items) {
      let total = 0;
      for (const item of items) total += item.weight;
      let left = next() * total;
      for (const item of items) {
        left -= item.weight;
        if (left < 0) return item;
      }
      return items[items.length - 1]!;
    },
    chance: (p) => next() < p,
    geometric(mean) {
      if (mean <= 0) return 0;
      return Math.floor(Math.log(1 - next()) / Math.log(mean / (mean + 1)));
    },
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    uuid() {
      const h = hex(32);
      const variant = ((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    id(prefix) {
      let out = '';
      for (let i = 0; i < 16; i++) out += BASE64URL[Math.floor(next() * 64)];
      return `${prefix}_${out}`;
    },
  };
  return random;
}

// ---- where visits come from ----

type CostKey = { source: string; medium: string; campaign: string; cpcMinor: number };

/** A kind of landing: its share of first visits and of leads, how well its leads close. */
type Origin = {
  name: string;
  /** Share of anonymous visitors' first sessions. */
  visits: number;
  /** Share of leads' first sessions. */
  leads: number;
  /** Share of returning sessions. */
  returns: number;
  /** How much likelier than average its leads become customers. */
  closes: number;
  pages: readonly string[];
  landing(random: Random): { query: string; referrer: string | null; cost?: CostKey };
};

const BLOG = [
  '/blog/lead-scoring-guide',
  '/blog/utm-parameters',
  '/blog/first-touch-vs-last-touch',
  '/blog/crm-hygiene',
  '/blog/speed-to-lead',
  '/blog/b2b-funnel-benchmarks',
  '/blog/google-ads-offline-conversions',
  '/blog/markov-attribution',
];
const PRODUCT = ['/', '/pricing', '/features/attribution', '/features/lead-scoring', '/customers'];
const q = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

function paid(source: string, medium: string, campaign: string, cpcMinor: number): CostKey {
  return { source, medium, campaign, cpcMinor };
}

/** A paid visit's landing: its cost's source, medium and campaign as UTM tags, then `tags`. */
function paidLanding(cost: CostKey, referrer: string | null, tags: Record<string, string> = {}) {
  const query = q({
    utm_source: cost.source,
    utm_medium: cost.medium,
    utm_campaign: cost.campaign,
    ...tags,
  });
  return { query, referrer, cost };
}

const ORIGINS: readonly Origin[] = [
  {
    name: 'google brand',
    visits: 4,
    leads: 9,
    returns: 12,
    closes: 1.6,
    pages: ['/', '/pricing'],
    landing: (r) => {
      const cost = paid('google', 'cpc', 'brand-search', 180);
      const term = r.pick(['northwind', 'northwind crm', 'northwind pricing', 'northwind login']);
      const gclid = `Cj0KCQ${r.id('x').slice(2)}`;
      return paidLanding(cost, 'https://www.google.com/', {
        utm_term: term,
        gclid,
      });
    },
  },
  {
    name: 'google generic',
    visits: 9,
    leads: 11,
    returns: 2,
    closes: 1,
    pages: ['/lp/lead-tracking', '/features/attribution', '/'],
    landing: (r) => {
      const cost = paid('google', 'cpc', 'generic-lead-tracking', 650);
      const term = r.pick([
        'lead tracking software',
        'marketing attribution tool',
        'crm for agencies',
        'utm tracking',
      ]);
      return paidLanding(cost, 'https://www.google.com/', {
        utm_term: term,
        utm_content: r.pick(['rsa-1', 'rsa-2']),
        gclid: `EAIaIQ${r.id('x').slice(2)}`,
      });
    },
  },
  {
    name: 'google competitor',
    visits: 3,
    leads: 3,
    returns: 0,
    closes: 0.9,
    pages: ['/compare/hubspot', '/compare/pipedrive'],
    landing: (r) => {
      const cost = paid('google', 'cpc', 'competitor', 900);
      return paidLanding(cost, 'https://www.google.com/', {
        utm_term: r.pick(['hubspot alternative', 'pipedrive vs']),
        gclid: `CjwKCA${r.id('x').slice(2)}`,
      });
    },
  },
  {
    name: 'bing',
    visits: 2,
    leads: 2,
    returns: 0,
    closes: 1.1,
    pages: ['/lp/lead-tracking', '/'],
    landing: (r) => {
      const cost = paid('bing', 'cpc', 'generic-lead-tracking', 420);
      return paidLanding(cost, 'https://www.bing.com/', {
        msclkid: r.uuid().replaceAll('-', ''),
      });
    },
  },
  {
    name: 'organic search',
    visits: 26,
    leads: 22,
    returns: 16,
    closes: 1,
    pages: [...BLOG, ...PRODUCT],
    landing: (r) => ({
      query: '',
      referrer: r.weighted([
        { weight: 85, url: 'https://www.google.com/' },
        { weight: 8, url: 'https://www.bing.com/' },
        { weight: 4, url: 'https://duckduckgo.com/' },
        { weight: 3, url: 'https://www.ecosia.org/' },
      ]).url,
    }),
  },
  {
    name: 'facebook ads',
    visits: 10,
    leads: 6,
    returns: 1,
    closes: 0.45,
    pages: ['/lp/webinar', '/lp/free-trial'],
    landing: (r) => {
      const cost = paid(
        'facebook',
        'paid_social',
        r.pick(['retargeting-demo', 'lookalike-trial']),
        110,
      );
      return {
        query: q({
          utm_source: 'facebook',
          utm_medium: 'paid_social',
          utm_campaign: cost.campaign,
          utm_content: r.pick(['video-a', 'carousel-b', 'static-c']),
          fbclid: `IwAR${r.id('x').slice(2)}${r.id('x').slice(2)}`,
        }),
        referrer: r.pick([
          'https://m.facebook.com/',
          'https://l.facebook.com/',
          'https://www.instagram.com/',
        ]),
        cost,
      };
    },
  },
  {
    name: 'linkedin ads',
    visits: 4,
    leads: 4,
    returns: 0,
    closes: 1.5,
    pages: ['/lp/enterprise', '/customers'],
    landing: (r) => {
      const cost = paid('linkedin', 'paid_social', 'abm-enterprise', 850);
      return paidLanding(cost, 'https://www.linkedin.com/', {
        li_fat_id: r.uuid(),
      });
    },
  },
  {
    name: 'organic social',
    visits: 8,
    leads: 4,
    returns: 3,
    closes: 0.6,
    pages: [...BLOG, '/'],
    landing: (r) => ({
      query: '',
      referrer: r.pick([
        'https://www.linkedin.com/',
        'https://t.co/',
        'https://www.reddit.com/',
        'https://news.ycombinator.com/',
      ]),
    }),
  },
  {
    name: 'email',
    visits: 3,
    leads: 5,
    returns: 14,
    closes: 1.2,
    pages: [...BLOG.slice(0, 4), '/changelog', '/webinars'],
    landing: (r) => ({
      query: q({
        utm_source: 'newsletter',
        utm_medium: 'email',
        utm_campaign: r.pick(['monthly-digest', 'product-update', 'webinar-invite', 'nurture-3']),
      }),
      referrer: null,
    }),
  },
  {
    name: 'referral',
    visits: 6,
    leads: 9,
    returns: 3,
    closes: 1.3,
    pages: ['/', '/pricing', '/customers'],
    landing: (r) => ({
      query: '',
      referrer: r.pick([
        'https://www.g2.com/products/northwind/reviews',
        'https://www.capterra.com/p/123456/northwind/',
        'https://blog.hubsense.io/best-lead-tracking-tools',
        'https://www.producthunt.com/products/northwind',
        'https://partners.brightfunnel.co/integrations',
      ]),
    }),
  },
  {
    name: 'display',
    visits: 6,
    leads: 1,
    returns: 0,
    closes: 0.3,
    pages: ['/lp/free-trial', '/'],
    landing: (r) => {
      const cost = paid('gdn', 'display', 'awareness-q4', 40);
      return paidLanding(cost, null, {
        utm_content: r.pick(['300x250', '728x90']),
      });
    },
  },
  {
    name: 'affiliate',
    visits: 1,
    leads: 2,
    returns: 0,
    closes: 1.1,
    pages: ['/', '/pricing'],
    landing: (r) => ({
      query: q({
        utm_source: r.pick(['partnerstack', 'saasworthy']),
        utm_medium: 'affiliate',
        utm_campaign: 'partners',
      }),
      referrer: null,
    }),
  },
  {
    name: 'direct',
    visits: 18,
    leads: 22,
    returns: 49,
    closes: 1,
    pages: ['/', '/pricing', '/login', '/'],
    landing: () => ({ query: '', referrer: null }),
  },
];

const INNER_PAGES = [
  '/pricing',
  '/features/attribution',
  '/features/lead-scoring',
  '/features/webhooks',
  '/customers',
  '/integrations',
  '/security',
  '/about',
  ...BLOG,
];
const TITLES: Record<string, string> = { '/': 'Northwind — lead tracking that closes the loop' };
const titleOf = (path: string) =>
  TITLES[path] ??
  `${path.split('/').filter(Boolean).at(-1)?.replaceAll('-', ' ') ?? 'home'} | Northwind`;

const FORMS = {
  demo: { id: 'demo-request', name: 'Request a demo', path: '/demo' },
  contact: { id: 'contact', name: 'Contact sales', path: '/contact' },
  trial: { id: 'trial-signup', name: 'Start free trial', path: '/signup' },
  webinar: { id: 'webinar', name: 'Webinar registration', path: '/webinars' },
  newsletter: { id: 'newsletter', name: 'Newsletter', path: '/blog' },
} as const;
type FormKind = keyof typeof FORMS;

const USER_AGENTS = [
  {
    weight: 34,
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  },
  {
    weight: 18,
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  },
  {
    weight: 8,
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  },
  {
    weight: 7,
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  },
  {
    weight: 3,
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  },
  {
    weight: 16,
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  },
  {
    weight: 10,
    ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  },
  {
    weight: 2,
    ua: 'Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
  },
  {
    weight: 2,
    ua: 'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  },
];

const PLACES = [
  {
    weight: 14,
    country: 'US',
    region: 'California',
    regionCode: 'CA',
    city: 'San Francisco',
    timezone: 'America/Los_Angeles',
  },
  {
    weight: 9,
    country: 'US',
    region: 'New York',
    regionCode: 'NY',
    city: 'New York',
    timezone: 'America/New_York',
  },
  {
    weight: 6,
    country: 'US',
    region: 'Texas',
    regionCode: 'TX',
    city: 'Austin',
    timezone: 'America/Chicago',
  },
  {
    weight: 5,
    country: 'US',
    region: 'Illinois',
    regionCode: 'IL',
    city: 'Chicago',
    timezone: 'America/Chicago',
  },
  {
    weight: 5,
    country: 'US',
    region: 'Massachusetts',
    regionCode: 'MA',
    city: 'Boston',
    timezone: 'America/New_York',
  },
  {
    weight: 4,
    country: 'US',
    region: 'Washington',
    regionCode: 'WA',
    city: 'Seattle',
    timezone: 'America/Los_Angeles',
  },
  {
    weight: 11,
    country: 'GB',
    region: 'England',
    regionCode: 'ENG',
    city: 'London',
    timezone: 'Europe/London',
  },
  {
    weight: 7,
    country: 'DE',
    region: 'Berlin',
    regionCode: 'BE',
    city: 'Berlin',
    timezone: 'Europe/Berlin',
  },
  {
    weight: 3,
    country: 'DE',
    region: 'Bavaria',
    regionCode: 'BY',
    city: 'Munich',
    timezone: 'Europe/Berlin',
  },
  {
    weight: 5,
    country: 'FR',
    region: 'Île-de-France',
    regionCode: 'IDF',
    city: 'Paris',
    timezone: 'Europe/Paris',
  },
  {
    weight: 6,
    country: 'CA',
    region: 'Ontario',
    regionCode: 'ON',
    city: 'Toronto',
    timezone: 'America/Toronto',
  },
  {
    weight: 4,
    country: 'AU',
    region: 'New South Wales',
    regionCode: 'NSW',
    city: 'Sydney',
    timezone: 'Australia/Sydney',
  },
  {
    weight: 4,
    country: 'NL',
    region: 'North Holland',
    regionCode: 'NH',
    city: 'Amsterdam',
    timezone: 'Europe/Amsterdam',
  },
  {
    weight: 5,
    country: 'IN',
    region: 'Karnataka',
    regionCode: 'KA',
    city: 'Bengaluru',
    timezone: 'Asia/Kolkata',
  },
  {
    weight: 3,
    country: 'BR',
    region: 'São Paulo',
    regionCode: 'SP',
    city: 'São Paulo',
    timezone: 'America/Sao_Paulo',
  },
  {
    weight: 2,
    country: 'ES',
    region: 'Madrid',
    regionCode: 'MD',
    city: 'Madrid',
    timezone: 'Europe/Madrid',
  },
];

const FIRST_NAMES = [
  'ada',
  'grace',
  'alan',
  'linus',
  'margaret',
  'ken',
  'barbara',
  'dennis',
  'frances',
  'edsger',
  'radia',
  'john',
  'sophie',
  'tim',
  'katherine',
  'guido',
  'yukihiro',
  'anders',
  'hedy',
  'niklaus',
];
const LAST_NAMES = [
  'lovelace',
  'hopper',
  'turing',
  'torvalds',
  'hamilton',
  'thompson',
  'liskov',
  'ritchie',
  'allen',
  'dijkstra',
  'perlman',
  'backus',
  'wilson',
  'berners-lee',
  'johnson',
  'rossum',
  'matsumoto',
  'hejlsberg',
  'lamarr',
  'wirth',
];
const COMPANY_WORDS = [
  'north',
  'bright',
  'blue',
  'iron',
  'silver',
  'green',
  'rapid',
  'clear',
  'true',
  'summit',
  'harbor',
  'pixel',
  'cedar',
  'atlas',
  'orbit',
  'vector',
];
const COMPANY_NOUNS = [
  'wind',
  'forge',
  'labs',
  'works',
  'ware',
  'stack',
  'metrics',
  'leaf',
  'point',
  'logic',
  'wave',
  'loop',
];
const TLDS = ['com', 'io', 'co', 'de', 'co.uk', 'fr', 'ca', 'net', 'ai'];
const AREA_CODES = ['212', '415', '646', '312', '617', '206', '512', '303', '404', '305'];
const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

// ---- the plan ----

type SessionPlan = { start: number; origin: Origin; pageviews: number; form?: FormKind };
type BrowserPlan = { sessions: SessionPlan[] };
type Stage = { stage: 'opportunity' | 'customer' | 'lost'; at: number };
type LeadPlan = {
  browsers: BrowserPlan[];
  /** When its first form comes (about): stages follow it. */
  identifiesAt: number;
  acquisition: Origin;
  stages: Stage[];
};

type Plan = { leads: LeadPlan[]; anonymous: BrowserPlan[]; sessions: number; forms: number };

function returning(random: Random, acquisition: Origin): Origin {
  return random.chance(0.15)
    ? acquisition
    : random.weighted(ORIGINS.map((o) => ({ weight: o.returns, o }))).o;
}

/** Session starts, in order, between `from` and `to`. */
function starts(random: Random, count: number, from: number, to: number): number[] {
  return Array.from({ length: count }, () => random.between(from, to)).sort((a, b) => a - b);
}

function planSite(random: Random, size: DataSize, anchor: number): Plan {
  const last = anchor - 2 * 60 * MINUTE; // nothing in the last two hours: every session has ended
  const leads: LeadPlan[] = [];
  const leadWeights = ORIGINS.map((o) => ({ weight: o.leads, o }));
  const visitWeights = ORIGINS.map((o) => ({ weight: o.visits, o }));
  let forms = 0;
  for (let i = 0; i < size.leads; i++) {
    const acquisition = random.weighted(leadWeights).o;
    // Leads over the last 100 days: a few fall before the report's range.
    const identifiesAt = Math.round(anchor - random.between(0.1, RANGE_DAYS + 10) * DAY);
    const before = random.geometric(0.9);
    const firstVisit = identifiesAt - random.between(0.2, 25) * DAY * (before > 0 ? 1 : 0);
    const primary: BrowserPlan = { sessions: [] };
    const preStarts = starts(random, before, firstVisit, identifiesAt - 2 * 60 * MINUTE);
    for (const [index, start] of preStarts.entries())
      primary.sessions.push({
        start,
        origin: index === 0 ? acquisition : returning(random, acquisition),
        pageviews: 1,
      });
    const formKind: FormKind = random.weighted([
      { weight: 45, kind: 'demo' as const },
      { weight: 20, kind: 'contact' as const },
      { weight: 25, kind: 'trial' as const },
      { weight: 10, kind: 'webinar' as const },
    ]).kind;
    primary.sessions.push({
      start: identifiesAt - random.between(2, 15) * MINUTE,
      origin: before === 0 ? acquisition : returning(random, acquisition),
      pageviews: 2,
      form: formKind,
    });
    forms++;
    const after = random.geometric(1);
    for (const start of starts(
      random,
      after,
      identifiesAt + 3 * 60 * MINUTE,
      Math.min(last, identifiesAt + 60 * DAY),
    ))
      primary.sessions.push({ start, origin: returning(random, acquisition), pageviews: 1 });
    const browsers = [primary];
    // A second browser (work laptop, phone) that identifies with a form of its own.
    if (random.chance(0.12)) {
      const end = Math.min(last, identifiesAt + 30 * DAY);
      const count = 1 + random.int(3);
      const second: BrowserPlan = {
        sessions: starts(random, count, identifiesAt - 5 * DAY, end).map((start) => ({
          start,
          origin: returning(random, acquisition),
          pageviews: 1,
        })),
      };
      const withForm = second.sessions[second.sessions.length - 1]!;
      withForm.form = random.chance(0.5) ? 'newsletter' : 'webinar';
      withForm.pageviews = 2;
      forms++;
      browsers.push(second);
    }
    leads.push({ browsers, identifiesAt, acquisition, stages: [] });
  }

  // Who becomes an opportunity, and of those who a customer: weighted draws without replacement
  // (Efraimidis–Spirakis keys), from leads old enough for a sales cycle.
  const draw = (pool: LeadPlan[], count: number, weight: (lead: LeadPlan) => number) =>
    pool
      .map((lead) => ({ lead, key: random.next() ** (1 / weight(lead)) }))
      .sort((a, b) => b.key - a.key)
      .slice(0, count)
      .map((entry) => entry.lead);
  const eligible = leads.filter((lead) => lead.identifiesAt < anchor - 7 * DAY);
  const opportunities = draw(eligible, size.customers * 3, (lead) => lead.acquisition.closes);
  const customers = new Set(draw(opportunities, size.customers, (lead) => lead.acquisition.closes));
  for (const lead of opportunities) {
    const opportunityAt = Math.round(
      lead.identifiesAt + (last - lead.identifiesAt) * random.between(0.03, 0.3),
    );
    lead.stages.push({ stage: 'opportunity', at: opportunityAt });
    if (customers.has(lead))
      lead.stages.push({
        stage: 'customer',
        at: Math.round(opportunityAt + (last - opportunityAt) * random.between(0.1, 0.7)),
      });
    else if (random.chance(0.5))
      lead.stages.push({
        stage: 'lost',
        at: Math.round(opportunityAt + (last - opportunityAt) * random.between(0.1, 0.7)),
      });
  }

  // Visitors who never convert: about as many as leads, most of them seen once.
  const anonymous: BrowserPlan[] = [];
  const anonymousCount = Math.round(size.leads * 1.3);
  for (let i = 0; i < anonymousCount; i++) {
    const first = anchor - random.between(0.1, RANGE_DAYS + 30) * DAY;
    const count = 1 + random.geometric(0.35);
    const sessionStarts = [
      first,
      ...starts(random, count - 1, first + 60 * MINUTE, Math.min(last, first + 30 * DAY)),
    ];
    const origin = random.weighted(visitWeights).o;
    anonymous.push({
      sessions: sessionStarts
        .filter((start) => start < last)
        .map((start, index) => ({
          start,
          origin: index === 0 ? origin : returning(random, origin),
          pageviews: 1,
        })),
    });
  }

  // Pageviews: a geometric count per session, then nudged until events come out exact.
  const all = [...leads.flatMap((lead) => lead.browsers), ...anonymous].flatMap((b) => b.sessions);
  const target = size.events - forms;
  let total = 0;
  for (const session of all) {
    session.pageviews = Math.min(25, session.pageviews + random.geometric(1.3));
    total += session.pageviews;
  }
  if (all.length + forms > size.events) throw new Error(`${size.label}: more sessions than events`);
  while (total !== target) {
    const session = all[random.int(all.length)]!;
    const floor = session.form ? 2 : 1;
    if (total > target && session.pageviews > floor) {
      session.pageviews--;
      total--;
    } else if (total < target && session.pageviews < 25) {
      session.pageviews++;
      total++;
    }
  }
  return { leads, anonymous, sessions: all.length, forms };
}

// ---- rows ----

export type GeneratedSite = {
  siteId: string;
  secretKey: string;
  writeKey: string;
  anchor: number;
  /** The report range the data is made for: the last 90 days before `anchor`. */
  from: number;
  to: number;
  timeZone: string;
  counts: Record<string, number>;
};

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** `anchor`: midnight UTC of the day the run starts (the data is relative to it). */
export function todayAnchor(now = Date.now()): number {
  return Math.floor(now / DAY) * DAY;
}

/** Writes a whole site for `size` into `sink`. Same seed, same anchor: the same rows. */
export function generateSite(
  size: DataSize,
  sink: RowSink,
  { seed = `leadloop-bench-${size.label}`, anchor = todayAnchor() } = {},
): GeneratedSite {
  const random = seededRandom(seed);
  const counts: Record<string, number> = {};
  const write = (table: Table, row: unknown[]) => {
    counts[table.name] = (counts[table.name] ?? 0) + 1;
    sink.write(table, row);
  };

  const siteId = random.id('site');
  const secretKey = `sk_${random.id('x').slice(2)}${random.id('x').slice(2)}`;
  const writeKey = `pk_${random.id('x').slice(2)}${random.id('x').slice(2)}`;
  const createdAt = anchor - 200 * DAY;
  write(TABLES.sites, [
    siteId,
    `Northwind (bench ${size.label})`,
    [ORIGIN],
    TIME_ZONE,
    'US',
    [],
    createdAt,
  ]);
  write(TABLES.siteOrigins, [siteId, ORIGIN]);
  for (const [kind, key, scopes] of [
    ['secret', secretKey, ['read', 'write']],
    ['write', writeKey, []],
  ] as const)
    write(TABLES.apiKeys, [
      random.id('key'),
      siteId,
      kind,
      visiblePrefix(key),
      sha256(key),
      'Default',
      scopes,
      createdAt,
    ]);

  const plan = planSite(random, size, anchor);
  const siteHosts = { allowedOrigins: [ORIGIN], cookieDomain: COOKIE_DOMAIN };
  const devices = USER_AGENTS.map((entry) => ({ ...entry }));
  let commits = 0;
  const clicks = new Map<string, { key: CostKey; day: string; count: number }>();
  const countClick = (key: CostKey, at: number) => {
    const day = zonedDay(at, TIME_ZONE);
    const id = `${day}|${key.source}|${key.medium}|${key.campaign}`;
    const entry = clicks.get(id) ?? { key, day, count: 0 };
    entry.count++;
    clicks.set(id, entry);
  };

  /** One browser's rows; its events are returned for the lead update. */
  function browse(browser: BrowserPlan, person?: { traits: JsonObject }): StoredEvent[] {
    const anonymousId = random.uuid();
    const { ua } = random.weighted(devices);
    const { weight: _weight, ...geo } = random.weighted(PLACES);
    const enrichment = enrich(ua, geo);
    const events: StoredEvent[] = [];
    let firstTouch: JsonObject | undefined;
    let lastTouch: JsonObject | undefined;
    let firstSeen = Number.POSITIVE_INFINITY;
    let lastSeen = 0;
    for (const plan of browser.sessions) {
      const sessionId = random.uuid();
      const landing = plan.origin.landing(random);
      const landingPath = random.pick(plan.origin.pages);
      if (landing.cost) countClick(landing.cost, plan.start);
      let at = Math.round(plan.start);
      let url = `${ORIGIN}${landingPath}${landing.query}`;
      let referrer = landing.referrer;
      const touch = sessionTouch(url, referrer, siteHosts, enrichment);
      const touchFields: JsonObject = { landingPage: url, timestamp: new Date(at).toISOString() };
      if (referrer) touchFields.referrer = referrer;
      if (touch.campaign)
        Object.assign(touchFields, {
          source: touch.source,
          medium: touch.medium,
          campaign: touch.campaign,
        });
      firstTouch ??= touchFields;
      if (touch.channel !== 'Direct') lastTouch = touchFields;
      const form = plan.form ? FORMS[plan.form] : undefined;
      const session: SessionUpsert = {
        siteId,
        id: sessionId,
        anonymousId,
        startedAt: at,
        lastEventAt: at,
        touchAt: at,
        touch,
      };
      const event = (type: StoredEvent['type'], path: string, extra: JsonObject) =>
        storedEvent(
          {
            siteId,
            id: random.uuid(),
            type,
            anonymousId,
            sessionId,
            occurredAt: at,
            receivedAt: at + 80 + random.int(2_500),
            pageUrl: url,
            pagePath: path,
            pageTitle: titleOf(path),
            referrer,
            name: null,
            payload: {
              ...extra,
              clientTimestamp: new Date(at - random.int(400)).toISOString(),
              attribution: {
                first: firstTouch!,
                ...(lastTouch ? { last: lastTouch } : {}),
                adIds: {},
              },
              context: {
                library: { name: 'leadloop.js', version: '0.1.0' },
                cookieDomain: COOKIE_DOMAIN,
              },
            },
            userAgent: ua,
            geo,
          },
          enrichment,
        );
      let path = landingPath;
      for (let n = 0; n < plan.pageviews; n++) {
        if (n > 0) {
          at += Math.round(random.between(12, 240) * 1000);
          referrer = url;
          path = form && n === plan.pageviews - 1 ? form.path : random.pick(INNER_PAGES);
          url = `${ORIGIN}${path}`;
        }
        events.push(event('pageview', path, {}));
      }
      if (form && person) {
        at += Math.round(random.between(20, 180) * 1000);
        const fields = Object.fromEntries(
          Object.entries(person.traits).map(([k, v]) => [k, String(v)]),
        );
        events.push(
          event('form_submit', form.path, {
            traits: person.traits,
            form: { id: form.id, name: form.name, fields },
          }),
        );
      }
      session.lastEventAt = at;
      firstSeen = Math.min(firstSeen, session.startedAt);
      lastSeen = Math.max(lastSeen, at);
      write(TABLES.sessions, sessionRow(session));
    }
    write(
      TABLES.visitors,
      visitorRow({ siteId, anonymousId, firstSeenAt: firstSeen, lastSeenAt: lastSeen }),
    );
    for (const stored of events) write(TABLES.events, eventRow(stored));
    return events;
  }

  const writeChange = (change: DomainChange) =>
    write(TABLES.outbox, [...changeRow(siteId, change), change.occurredAt + 900]);
  const emptySnapshot = (): IdentitySnapshot => ({
    version: 0,
    rules: DEFAULT_SCORING_RULES,
    suppressed: [],
    leads: [],
    identifiers: [],
    links: [],
  });
  const settings = { defaultCountry: 'US', ignored: [], trustExternalId: false };

  plan.leads.forEach((lead, index) => {
    const first = random.pick(FIRST_NAMES);
    const lastName = random.pick(LAST_NAMES);
    const company = `${random.pick(COMPANY_WORDS)}${random.pick(COMPANY_NOUNS)}`;
    const traits: JsonObject = {
      email: `${first}.${lastName}${index}@${company}.${random.pick(TLDS)}`,
      name: `${capital(first)} ${lastName.split('-').map(capital).join('-')}`,
      company: capital(company),
    };
    // Phones are unique by construction: two leads sharing one would be one person.
    if (random.chance(0.35))
      traits.phone = `+1 ${random.pick(AREA_CODES)} ${200 + Math.floor(index / 10_000)} ${String(index % 10_000).padStart(4, '0')}`;
    const events = lead.browsers.flatMap((browser) => browse(browser, { traits }));
    const stitched = stitchBatch(emptySnapshot(), events, identifyingEvents(events, settings), () =>
      random.id('lead'),
    );
    const created = stitched.outcome.created[0];
    if (!created || stitched.outcome.created.length !== 1)
      throw new Error(`lead ${index}: expected one lead from its forms`);
    const leadId = created.leadId;
    const leadEvents: LeadEvent[] = events.map((event) => {
      const form = event.payload.form as JsonObject | undefined;
      return {
        id: event.id,
        type: event.type,
        anonymousId: event.anonymousId,
        sessionId: event.sessionId,
        occurredAt: event.occurredAt,
        path: event.pagePath,
        name: event.name,
        formId: typeof form?.id === 'string' ? form.id : null,
        formName: typeof form?.name === 'string' ? form.name : null,
        traits: (event.payload.traits as JsonObject | undefined) ?? null,
      };
    });
    // CRM outcomes, as POST /v1/conversions stores them; the latest stage is the lead's status.
    const conversions: ConversionRow[] = lead.stages.map((stage, n) => {
      const value = Math.round(Math.exp(Math.log(9_000) + 0.6 * random.normal())) * 100;
      const currency = random.chance(0.92) ? 'USD' : 'EUR';
      const request = {
        reference: { kind: 'email' as const, value: String(traits.email) },
        stage: stage.stage,
        valueMinor: stage.stage === 'lost' ? null : value,
        currency: stage.stage === 'lost' ? null : currency,
        occurredAt: stage.at,
        externalId: `deal-${index}-${n}`,
        properties: { pipeline: 'sales', owner: `rep${random.int(12)}@northwind.io` },
      };
      return {
        siteId,
        id: random.id('conv'),
        leadId,
        stage: stage.stage,
        valueMinor: request.valueMinor,
        currency: request.currency,
        occurredAt: stage.at,
        externalId: request.externalId,
        requestHash: sha256(conversionFingerprint(request)),
        properties: request.properties,
        createdAt: Math.min(anchor - MINUTE, stage.at + random.int(6 * 60) * MINUTE),
      };
    });
    const latest = lead.stages.at(-1);
    const patches = new Map<string, LeadPatch>(
      latest ? [[leadId, { at: latest.at, status: latest.stage }]] : [],
    );
    const lastEvent = Math.max(...events.map((event) => event.occurredAt));
    const now = Math.max(lastEvent, latest?.at ?? 0) + 1_500;
    const update = planLeadUpdate({
      snapshot: emptySnapshot(),
      stitched,
      events: leadEvents,
      batch: events,
      now,
      newId: () => random.uuid(),
      patches,
    });
    commits += 1 + conversions.length;
    for (const row of update.leads) write(TABLES.leads, leadRow(siteId, row));
    for (const row of update.identifiers) write(TABLES.leadIdentifiers, identifierRow(siteId, row));
    for (const link of update.links) write(TABLES.visitorLinks, linkRow(siteId, link));
    for (const change of update.changes) writeChange(change);
    for (const row of conversions) {
      write(TABLES.conversions, [
        siteId,
        row.id,
        row.leadId,
        row.stage,
        row.valueMinor,
        row.currency,
        row.occurredAt,
        row.externalId,
        row.requestHash,
        row.properties,
        row.createdAt,
      ]);
      writeChange(conversionRecorded(row));
    }
  });
  for (const browser of plan.anonymous) browse(browser);
  write(TABLES.identityVersions, [siteId, commits]);

  // Daily spend of every paid campaign, from the clicks it sent (CPC ± 15%).
  const costRandom = seededRandom(`${seed}-costs`);
  for (const { key, day, count } of [...clicks.values()].sort((a, b) => (a.day < b.day ? -1 : 1))) {
    const amount = Math.round(count * key.cpcMinor * costRandom.between(0.85, 1.15));
    write(TABLES.costs, [
      siteId,
      day,
      key.source,
      key.medium,
      key.campaign,
      amount,
      'USD',
      Math.min(anchor - MINUTE, Date.parse(`${day}T23:00:00Z`) + DAY),
    ]);
  }

  return {
    siteId,
    secretKey,
    writeKey,
    anchor,
    from: anchor - RANGE_DAYS * DAY,
    to: anchor - 1,
    timeZone: TIME_ZONE,
    counts,
  };
}
