// Reads an uploaded spreadsheet (CSV or XLSX: the people import, the question import) into a table
// of text cells. The type is sniffed from the bytes, never from the name; XLSX files are unpacked by
// a guard that counts the real bytes while inflating (src/web/bounded-unzip.ts) before exceljs sees
// them. Failures are message keys of the people import's (generic) file errors.
// Cells are kept as plain text: formulas are never evaluated (an XLSX formula becomes its `=...` text).
import { fromBuffer } from 'file-type';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { storedZip, unzipWithinLimits, type UnzipLimits } from './bounded-unzip';

export const MAX_ROWS = 5000;
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Limits on what an XLSX may unpack to; real 5,000-row sheets stay far below them. */
export const MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024;
export const MAX_ZIP_ENTRIES = 500;
export const MAX_COMPRESSION_RATIO = 200;

export type FileKind = 'csv' | 'xlsx';
export type ParsedTable =
  { ok: true; kind: FileKind; header: string[]; rows: string[][] } | { ok: false; error: string };

const fail = (error: string): ParsedTable => ({ ok: false, error });

/** Plain text as a CSV must be: valid UTF-8 (BOM allowed) with no NUL or other binary control bytes. */
export function isPlainText(bytes: Buffer): boolean {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.includes('\uFFFD')) return false;
  return !/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(text);
}

const XLSX_LIMITS: UnzipLimits = {
  maxBytes: MAX_UNCOMPRESSED_BYTES,
  maxEntries: MAX_ZIP_ENTRIES,
  maxRatio: MAX_COMPRESSION_RATIO,
};

/**
 * The workbook's parts unpacked within the limits (real bytes counted while inflating), repacked
 * as stored entries for exceljs; or the message key of why the file is refused.
 */
function unpackXlsx(bytes: Buffer): { ok: true; bytes: Buffer } | { ok: false; error: string } {
  const unzipped = unzipWithinLimits(bytes, XLSX_LIMITS);
  if (unzipped.ok) return { ok: true, bytes: storedZip(unzipped.entries) };
  return {
    ok: false,
    error:
      unzipped.reason === 'unreadable' ? 'users.import.errors.unreadable' : 'users.import.errors.zipBomb',
  };
}

/** The text of one XLSX cell, never evaluated: formulas keep their `=` text. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number')
    return Number.isSafeInteger(value) || !Number.isInteger(value) ? String(value) : value.toFixed(0);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('formula' in value && typeof value.formula === 'string') return `=${value.formula}`;
    if ('sharedFormula' in value && typeof value.sharedFormula === 'string') return `=${value.sharedFormula}`;
    if ('richText' in value && Array.isArray(value.richText))
      return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text; // hyperlink
    if ('error' in value) return String(value.error);
  }
  return '';
}

/** Numbers beyond 2^53 lose digits in a spreadsheet: such a NIP cell cannot be trusted. */
export const IMPRECISE_NUMBER = '\u0000imprecise';

async function readXlsx(bytes: Buffer): Promise<ParsedTable> {
  const unpacked = unpackXlsx(bytes);
  if (!unpacked.ok) return fail(unpacked.error);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(unpacked.bytes as unknown as ArrayBuffer);
  } catch {
    return fail('users.import.errors.unreadable');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return fail('users.import.errors.empty');
  if (sheet.rowCount > MAX_ROWS + 1 + 1000) return fail('users.import.errors.tooManyRows');
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= Math.min(row.cellCount, 50); c++) {
      const value = row.getCell(c).value;
      cells.push(
        typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)
          ? IMPRECISE_NUMBER
          : cellText(value),
      );
    }
    table.push(cells);
  });
  return toTable('xlsx', table);
}

function readCsv(bytes: Buffer): ParsedTable {
  let records: string[][];
  try {
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    // Indonesian spreadsheets often save CSV with semicolons.
    const delimiter = (firstLine.match(/;/g) ?? []).length > (firstLine.match(/,/g) ?? []).length ? ';' : ',';
    records = parseCsv(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      to_line: MAX_ROWS + 2,
      max_record_size: 64 * 1024,
    }) as string[][];
  } catch {
    return fail('users.import.errors.unreadable');
  }
  return toTable('csv', records);
}

function toTable(kind: FileKind, records: string[][]): ParsedTable {
  const nonEmpty = records.filter((r) => r.some((c) => c.trim() !== ''));
  if (nonEmpty.length < 2) return fail('users.import.errors.empty');
  if (nonEmpty.length - 1 > MAX_ROWS) return fail('users.import.errors.tooManyRows');
  const [header, ...rows] = nonEmpty;
  return { ok: true, kind, header: header.map((h) => h.trim()), rows };
}

/** Parses an upload; every failure is a message key for the whole file. */
export async function parseSpreadsheet(bytes: Buffer): Promise<ParsedTable> {
  if (bytes.length === 0) return fail('users.import.errors.empty');
  if (bytes.length > MAX_FILE_BYTES) return fail('users.import.errors.tooLarge');
  const sniffed = await fromBuffer(bytes);
  if (sniffed && (sniffed.ext === 'xlsx' || sniffed.ext === 'zip')) return readXlsx(bytes);
  if (sniffed) return fail('users.import.errors.unsupportedType');
  if (!isPlainText(bytes)) return fail('users.import.errors.unsupportedType');
  return readCsv(bytes);
}
