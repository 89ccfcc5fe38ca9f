// Spreadsheet safety for every export (CSV, XLSX, ZIP manifests): a text cell that a spreadsheet
// would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the start: OWASP "CSV injection") is
// written as text by prefixing `'`. One helper, so every exporter applies the same rule.

const FORMULA_START = /^[=+\-@\t\r]/;

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

/** One CSV field: neutralised, then quoted when it holds a quote, separator or line break. */
export function csvField(value: unknown): string {
  const text = neutraliseCell(value === null || value === undefined ? '' : String(value));
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (no line break) of neutralised, quoted fields. */
export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',');
}
