// One row per measured figure; printed as an aligned table for the terminal and as markdown for
// the README.
export type Row = {
  bench: string;
  metric: string;
  result: string;
  /** The DESIGN.md target, when there is one; `met` says whether this run reached it. */
  target?: { text: string; met: boolean };
  notes?: string;
};

const headers = ['Benchmark', 'Metric', 'Result', 'Target', 'Notes'];

function cells(row: Row): string[] {
  const target = row.target ? `${row.target.text} (${row.target.met ? 'met' : 'missed'})` : '';
  return [row.bench, row.metric, row.result, target, row.notes ?? ''];
}

export function textTable(rows: Row[]): string {
  const lines = [headers, ...rows.map(cells)];
  const widths = headers.map((_, i) => Math.max(...lines.map((line) => line[i]?.length ?? 0)));
  const format = (line: string[]) =>
    line
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    format(lines[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...lines.slice(1).map(format),
  ].join('\n');
}

export function markdownTable(rows: Row[]): string {
  const line = (cols: string[]) => `| ${cols.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [
    line(headers),
    line(headers.map(() => '---')),
    ...rows.map((row) => line(cells(row))),
  ].join('\n');
}

export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const fixed = (n: number, digits: number) => n.toFixed(digits);

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
