// Text as both databases can store it. JSON may carry a NUL (`\u0000`) or a lone surrogate
// (`\ud800`), which JavaScript and SQLite keep but Postgres refuses (in text, and in jsonb): the
// same request would then be stored on D1 and fail on Postgres. Every string that comes in — body
// values, object keys, query parameters — is made well-formed at the door instead: a lone
// surrogate or a NUL becomes U+FFFD, as a UTF-8 decoder does with bytes it cannot read.

const NUL = /\0/g;

/** `text` with lone surrogates and NULs replaced by U+FFFD (the same string when there are none). */
export function storableText(text: string): string {
  const wellFormed = text.isWellFormed() ? text : text.toWellFormed();
  return wellFormed.includes('\0') ? wellFormed.replace(NUL, '\uFFFD') : wellFormed;
}

const needsCleaning = (text: string) => !text.isWellFormed() || text.includes('\0');

/**
 * A parsed JSON value with every string and key storable, changed in place. Walks with its own
 * stack, not recursion: a body nested 100,000 levels deep is refused later, by its validator,
 * not here by a stack overflow.
 */
export function storableJson<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        if (typeof item === 'string') {
          if (needsCleaning(item)) node[i] = storableText(item);
        } else if (item !== null && typeof item === 'object') pending.push(item);
      }
    } else if (node !== null && typeof node === 'object') {
      const object = node as Record<string, unknown>;
      for (const key of Object.keys(object)) {
        let item = object[key];
        if (typeof item === 'string' && needsCleaning(item))
          item = object[key] = storableText(item);
        else if (item !== null && typeof item === 'object') pending.push(item);
        if (needsCleaning(key)) {
          // A key is renamed where it stands; a cleaned key that collides keeps the later value.
          delete object[key];
          object[storableText(key)] = item;
        }
      }
    }
  }
  return value;
}
