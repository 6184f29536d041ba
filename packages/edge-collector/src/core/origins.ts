// A site allows exact origins (`https://example.com`) and wildcards (`https://*.example.com`,
// every subdomain but not the apex).

/** Normalises an origin as browsers send it: lower-case, no trailing slash, no default port. */
export function normaliseOrigin(origin: string): string {
  return origin
    .trim()
    .toLowerCase()
    .replace(/\/+$/, '')
    .replace(/^(https:\/\/[^/]+):443$/, '$1')
    .replace(/^(http:\/\/[^/]+):80$/, '$1');
}

/** Every allowed-origin entry that would admit `origin`: itself and each parent-domain wildcard. */
export function originPatterns(origin: string): string[] {
  const normalised = normaliseOrigin(origin);
  const match = /^(https?:\/\/)([^/:]+)(:\d+)?$/.exec(normalised);
  if (!match) return [normalised];
  const [, scheme, host, port = ''] = match;
  const labels = host!.split('.');
  const patterns = [normalised];
  for (let index = 1; index < labels.length; index++) {
    patterns.push(`${scheme}*.${labels.slice(index).join('.')}${port}`);
  }
  return patterns;
}

export function isOriginAllowed(origin: string, allowedOrigins: readonly string[]): boolean {
  const allowed = new Set(allowedOrigins.map(normaliseOrigin));
  return originPatterns(origin).some((pattern) => allowed.has(pattern));
}
