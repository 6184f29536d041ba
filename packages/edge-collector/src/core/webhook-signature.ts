// Standard Webhooks signing (https://www.standardwebhooks.com): `webhook-signature` is
// `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the base64 part of a
// `whsec_…` secret. During a secret rotation the header lists one signature per valid secret,
// space-separated, so receivers on either secret accept the delivery. WebCrypto only: it runs
// in Workers, Node and browsers alike.

const SECRET_PREFIX = 'whsec_';
/** Key bytes in a new secret; the specification allows 24 to 64. */
const SECRET_BYTES = 32;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

/** A new endpoint secret, `whsec_` followed by the base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

/** The key bytes of a `whsec_…` secret, or null when it is not one (24–64 bytes of base64). */
export function webhookSecretKey(secret: string): Uint8Array<ArrayBuffer> | null {
  if (!secret.startsWith(SECRET_PREFIX)) return null;
  const key = fromBase64(secret.slice(SECRET_PREFIX.length));
  return key && key.length >= 24 && key.length <= 64 ? key : null;
}

async function signature(secret: string, content: Uint8Array<ArrayBuffer>): Promise<string> {
  const key = webhookSecretKey(secret);
  if (!key) throw new Error('Not a webhook secret (whsec_ followed by base64 of 24–64 bytes)');
  const hmac = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return `v1,${toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', hmac, content)))}`;
}

export type SignedHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/**
 * The three Standard Webhooks headers for one attempt. `id` stays the same across retries (so a
 * receiver de-duplicates); `timestampSeconds` is the attempt's own time (so a replayed request
 * goes stale); `secrets` are every secret currently valid for the endpoint, newest first.
 */
export async function signWebhook(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): Promise<SignedHeaders> {
  if (secrets.length === 0) throw new Error('No secret to sign with');
  const timestamp = String(Math.floor(timestampSeconds));
  // Copied into a plain ArrayBuffer: what both the DOM and the Workers typings accept to sign.
  const content = new Uint8Array(new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  const signatures = await Promise.all(secrets.map((secret) => signature(secret, content)));
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': signatures.join(' '),
  };
}
