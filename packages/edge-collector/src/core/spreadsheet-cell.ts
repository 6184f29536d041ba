// CSV cells that a spreadsheet would run as a formula (OWASP "CSV injection"): a text cell
// starting with `=`, `+`, `-`, `@`, a tab, CR, LF or NUL gets a leading apostrophe, which
// spreadsheets show as text. Numbers are numbers and pass as they are. NUL never reaches a file.

const FORMULA_START = /^[=+\-@\t\r\n\0]/;

/** A cell value safe to open in a spreadsheet; `null` and `undefined` become empty cells. */
export function spreadsheetSafe(value: unknown): string | number | boolean {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const text = (typeof value === 'string' ? value : JSON.stringify(value)).replaceAll('\0', '');
  return FORMULA_START.test(text) ? `'${text}` : text;
}
