// Opaque list cursors: the sort key of the last row of a page, as base64url JSON. Clients pass
// them back untouched; anything that does not decode to the expected shape is refused.

type CursorValue = string | number;

function base64url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(
      Uint8Array.from(binary, (char) => char.charCodeAt(0)),
    );
  } catch {
    return null;
  }
}

export function encodeCursor(values: readonly CursorValue[]): string {
  return base64url(JSON.stringify(values));
}

/**
 * The values a cursor carries, when they have the expected kinds (`'string'` / `'integer'`, one
 * per position); null for anything else.
 */
export function decodeCursor<const K extends readonly ('string' | 'integer')[]>(
  cursor: string,
  kinds: K,
): { [I in keyof K]: K[I] extends 'integer' ? number : string } | null {
  const text = fromBase64url(cursor);
  if (text === null) return null;
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(values) || values.length !== kinds.length) return null;
  const fits = values.every((value, index) =>
    kinds[index] === 'integer' ? Number.isSafeInteger(value) : typeof value === 'string',
  );
  return fits ? (values as never) : null;
}
