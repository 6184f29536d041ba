// Page URLs are kept as sent, except credentials: magic links, OAuth callbacks and password-reset
// pages carry tokens in the query or the fragment, and nobody wants those in an analytics store.

const CREDENTIAL =
  /(^|[_.-])(pass|password|passwd|pwd|token|secret|auth|session|sid|sig|signature|key|apikey|code|otp|jwt|nonce)([_.-]|$)/i;

/** Every credential name above contains one of these: a URL without any has nothing to drop. */
const MAY_NAME_A_CREDENTIAL = /pass|pwd|token|secret|auth|session|sid|sig|key|code|otp|jwt|nonce/i;

/** The URL without query parameters (or a fragment) that look like credentials. */
export function scrubUrl(url: string): string;
export function scrubUrl(url: string | undefined): string | undefined;
export function scrubUrl(url: string | undefined): string | undefined {
  // Most URLs name no credential anywhere: skip parsing them (collect's hot path parses a lot).
  // A percent-encoded name (`%74oken`) only shows once parsed.
  if (!url || (!url.includes('%') && !MAY_NAME_A_CREDENTIAL.test(url))) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const names = [...new Set(parsed.searchParams.keys())].filter((name) => CREDENTIAL.test(name));
  for (const name of names) parsed.searchParams.delete(name);
  // `#access_token=…&state=…`: a fragment of parameters with a credential among them goes entirely.
  const fragment = new URLSearchParams(parsed.hash.slice(1));
  const secretFragment =
    parsed.hash.includes('=') && [...fragment.keys()].some((name) => CREDENTIAL.test(name));
  if (secretFragment) parsed.hash = '';
  return names.length > 0 || secretFragment ? parsed.href : url;
}
