// Marketer-friendly patterns: `*` matches any run of characters, everything else is literal and
// case-insensitive (`/pricing*`, `*@gmail.com`, `info@*`). Matched in linear time — the first
// part as a prefix, the last as a suffix, the middle ones left to right — because the values
// (page paths, trait values) come from the public collect endpoint: a backtracking regex over
// `*a*b*c*` would let one crafted value stall the consumer.

export function matchesWildcard(pattern: string, value: string): boolean {
  const parts = pattern.toLowerCase().split('*');
  const text = value.toLowerCase();
  if (parts.length === 1) return text === parts[0];
  const first = parts[0]!;
  const last = parts.at(-1)!;
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let from = first.length;
  const end = text.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    if (middle === '') continue;
    const at = text.indexOf(middle, from);
    if (at === -1 || at + middle.length > end) return false;
    from = at + middle.length;
  }
  return true;
}
