// Path segments of plain unreserved characters: nothing Hono would read as a parameter or wildcard.
const SEGMENT = /^[A-Za-z0-9._~-]+$/;

export type ParsedBasePath = { ok: true; basePath: string } | { ok: false; error: string };

/**
 * Checks the prefix every route is also served under (`/ll` for a Workers route `example.com/ll/*`);
 * empty or unset means none.
 *
 * @example
 * parseBasePath('/ll'); // { ok: true, basePath: '/ll' }
 * parseBasePath('/ll/'); // { ok: false, error: 'must not end with "/"' }
 */
export function parseBasePath(value: string | undefined): ParsedBasePath {
  if (value === undefined || value === '') return { ok: true, basePath: '' };
  if (!value.startsWith('/')) return { ok: false, error: 'must start with "/"' };
  if (value.endsWith('/')) return { ok: false, error: 'must not end with "/"' };
  const segments = value.slice(1).split('/');
  const valid = segments.every((segment) => SEGMENT.test(segment) && !/^\.+$/.test(segment));
  return valid
    ? { ok: true, basePath: value }
    : { ok: false, error: 'must be path segments of letters, digits, ".", "_", "~" or "-"' };
}
