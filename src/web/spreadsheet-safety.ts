// Spreadsheet safety for every export (CSV, XLSX, ZIP manifests): a text cell that a spreadsheet
// would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the start: OWASP "CSV injection") is
// written as text by prefixing `'`. Spreadsheets with an East Asian input method also start a
// formula from the full-width and small forms (`＝ ＋ － ＠`, `﹦ ﹢ ﹣ ﹫`) and the minus sign `−`,
// so those count too. NIPs are written so that a spreadsheet keeps all 18 digits. One helper, so
// every exporter applies the same rules.

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B\u2212]/;

/** Whether a spreadsheet would read this text as the start of a formula. */
export function isFormulaLike(value: string): boolean {
  return FORMULA_START.test(value);
}

/** The text as a spreadsheet must receive it: formulas neutralised with a leading `'`. */
export function neutraliseCell(value: string): string {
  return isFormulaLike(value) ? `'${value}` : value;
}

/** An XLSX cell value (exceljs): text neutralised; numbers, dates and booleans kept as they are. */
export function safeCellValue(value: unknown): string | number | boolean | Date | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  return neutraliseCell(String(value));
}

/**
 * One CSV field: text neutralised, then quoted when it holds a quote, separator or line break. A
 * finite number is written as it is: a negative figure (a learning gain of -5) stays a number.
 */
export function csvField(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  const text = neutraliseCell(value === null || value === undefined ? '' : String(value));
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (no line break) of neutralised, quoted fields. */
export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',');
}

/**
 * A NIP for a CSV cell: its spaced display form (`19900101 201503 1 001`). A spreadsheet opening
 * the CSV keeps that as text, whereas 18 bare digits become a number rounded to 15 significant
 * digits (1.99001E+17); the people import reads the spaced form back.
 */
export function csvNip(nip: string): string {
  return /^\d{18}$/.test(nip)
    ? `${nip.slice(0, 8)} ${nip.slice(8, 14)} ${nip.slice(14, 15)} ${nip.slice(15)}`
    : nip;
}

/** The number format of an XLSX text cell: set it on NIP cells and columns (`cell.numFmt = TEXT_FORMAT`). */
export const TEXT_FORMAT = '@';

/** A NIP for an XLSX cell: always a text value (with `TEXT_FORMAT`), never a number. */
export function xlsxNip(nip: string): string {
  return String(nip);
}
