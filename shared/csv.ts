/**
 * CSV for spreadsheet programs, which run a cell that starts with `=`, `+`, `-` or `@` (or a tab
 * or carriage return before one) as a formula: a name filed as `=HYPERLINK(...)` would run on
 * the desk of whoever opens the export. Such text gets a leading `'`, which spreadsheets show as
 * text and do not print. Numbers stay numbers, negative ones included.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;

/** One quoted cell; formula-like text is defused. */
export function csvCell(v: unknown): string {
  let s = String(v ?? '');
  if (typeof v === 'string' && FORMULA_START.test(s) && !NUMBER.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

/** One line of cells. */
export const csvLine = (cells: unknown[]): string => cells.map(csvCell).join(',');

/** A whole file: UTF-8 with a byte order mark (so spreadsheet programs read Chinese), CRLF lines. */
export const csvFile = (lines: string[]): string => '\ufeff' + lines.join('\r\n') + '\r\n';
