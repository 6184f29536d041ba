// Marketer-friendly patterns: `*` matches any run of characters, everything else is literal and
// case-insensitive (`/pricing*`, `*@gmail.com`, `info@*`).

const compiled = new Map<string, RegExp>();

export function matchesWildcard(pattern: string, value: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    const source = pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    regex = new RegExp(`^${source}$`, 'is');
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex.test(value);
}
