import ipaddr from 'ipaddr.js';

// The server-side request forgery guard for webhook URLs, run at registration and again at send
// time: a subscriber must not make the collector call a loopback, private or metadata address.
// Names that resolve to private addresses (DNS rebinding) cannot be checked here: Workers have no
// DNS API to resolve a name before fetch. What covers them: Cloudflare Workers' fetch does not
// reach private networks, and webhook delivery follows no redirects.

export type WebhookUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

const MAX_URL_LENGTH = 2048;

/** Host names (and their subdomains) that only ever mean this machine, a private network or a
 *  cloud metadata service. The first match names the reason, so specific names come first. */
const LOCAL_NAMES: [name: string, what: string][] = [
  ['metadata.google.internal', 'cloud metadata host'],
  ['metadata', 'cloud metadata host'],
  ['localhost', 'loopback host name'],
  ['internal', 'private-use host name (.internal)'],
  ['local', 'multicast DNS host name (.local)'],
  ['localdomain', 'local host name (.localdomain)'],
  ['home.arpa', 'home network host name (.home.arpa)'],
];

/** Named for the reason; most also fall in a refused range. Azure's 168.63.129.16 does not. */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254', // AWS, GCP, Azure, Oracle instance metadata
  '169.254.170.2', // AWS ECS task metadata and credentials
  'fd00:ec2::254', // AWS instance metadata over IPv6
  '100.100.100.200', // Alibaba Cloud instance metadata
  '168.63.129.16', // Azure WireServer: a public address that answers only inside Azure
]);

/** ipaddr.js range names, in words. Any other range but `unicast` is special-purpose too. */
const RANGE_WORDS: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  private: 'private',
  carrierGradeNat: 'carrier-grade NAT (CGNAT)',
  reserved: 'reserved or documentation',
  benchmarking: 'benchmarking',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'site-local',
  rfc6145: 'IPv4-translated',
  rfc6052: 'local-use NAT64',
  teredo: 'Teredo',
};

// Everything public in IPv6 lies here; ipaddr.js calls what it does not name (e.g. the deprecated
// IPv4-compatible `::7f00:1`) unicast.
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const SIX_TO_FOUR = ipaddr.IPv6.parseCIDR('2002::/16');

/**
 * Whether a webhook may be sent to `raw`: an http(s) URL without credentials whose host is not,
 * in any spelling, a loopback, private, link-local, CGNAT, metadata or other non-public address.
 * `allowPrivate` is true only in development (LEADLOOP_ENV=development).
 * @example
 * checkWebhookUrl('http://0x7f000001/hook', { allowPrivate: false });
 * // { ok: false, reason: 'loopback address 127.0.0.1' }
 */
export function checkWebhookUrl(raw: string, options: { allowPrivate: boolean }): WebhookUrlCheck {
  // Checked before parsing too, so an enormous body is never parsed.
  if (raw.length > MAX_URL_LENGTH) return tooLong();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a valid absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `only http and https URLs, not ${url.protocol}` };
  }
  if (url.username || url.password) {
    return { ok: false, reason: 'credentials (user:password@) are not allowed in the URL' };
  }
  // Percent-encoded and international characters can lengthen the URL once parsed.
  if (url.href.length > MAX_URL_LENGTH) return tooLong();
  if (options.allowPrivate) return { ok: true, url };
  const reason = refuseHost(url.hostname);
  return reason ? { ok: false, reason } : { ok: true, url };
}

function tooLong(): WebhookUrlCheck {
  return { ok: false, reason: `URL longer than ${MAX_URL_LENGTH} characters` };
}

/** Why the collector must not call `hostname` (as the URL parser leaves it), or nothing. */
function refuseHost(hostname: string): string | undefined {
  if (hostname.startsWith('[')) {
    const literal = hostname.slice(1, -1);
    // The URL parser has validated it; refuse anything ipaddr.js reads differently.
    if (!ipaddr.IPv6.isValid(literal)) return `unrecognised IPv6 address ${literal}`;
    return refuseIPv6(ipaddr.IPv6.parse(literal));
  }
  // A trailing dot (`localhost.`, `127.0.0.1..`) names the same host.
  const name = hostname.replace(/\.+$/, '');
  // The URL parser already turns decimal, hex, octal and short IPv4 forms into dotted decimal.
  if (ipaddr.IPv4.isValid(name)) return refuseIPv4(ipaddr.IPv4.parse(name));
  const local = LOCAL_NAMES.find(([suffix]) => name === suffix || name.endsWith(`.${suffix}`));
  return local && `${local[1]} ${hostname}`;
}

function refuseIPv4(address: ipaddr.IPv4): string | undefined {
  const text = address.toString();
  if (METADATA_ADDRESSES.has(text)) return `cloud metadata address ${text}`;
  const range = address.range();
  if (range === 'unicast') return undefined;
  return `${RANGE_WORDS[range] ?? 'special-purpose'} address ${text}`;
}

function refuseIPv6(address: ipaddr.IPv6): string | undefined {
  const text = address.toString();
  if (METADATA_ADDRESSES.has(text)) return `cloud metadata address ${text}`;
  const embedded = embeddedIPv4(address);
  if (embedded) {
    const reason = refuseIPv4(embedded.ipv4);
    return reason && `${reason} (${embedded.how} ${text})`;
  }
  const range = address.range();
  if (range !== 'unicast') return `${RANGE_WORDS[range] ?? 'special-purpose'} address ${text}`;
  if (!address.match(GLOBAL_UNICAST)) return `reserved address ${text} (outside 2000::/3)`;
  return undefined;
}

/** The IPv4 address that an IPv4-mapped, NAT64 or 6to4 address reaches, which judges it. */
function embeddedIPv4(address: ipaddr.IPv6): { ipv4: ipaddr.IPv4; how: string } | undefined {
  const parts = address.parts;
  if (address.isIPv4MappedAddress()) {
    return { ipv4: address.toIPv4Address(), how: 'IPv4-mapped as' };
  }
  if (address.match(NAT64_WELL_KNOWN)) {
    return { ipv4: ipv4FromParts(parts[6]!, parts[7]!), how: 'through NAT64 as' };
  }
  if (address.match(SIX_TO_FOUR)) {
    return { ipv4: ipv4FromParts(parts[1]!, parts[2]!), how: 'through 6to4 as' };
  }
  return undefined;
}

function ipv4FromParts(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}
