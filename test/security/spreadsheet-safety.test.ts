// The shared spreadsheet-safety helper every exporter uses (src/web/spreadsheet-safety.ts).
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { FORMULA_PAYLOADS, HTML_PAYLOADS, isFormula } from '../fixtures/hostile/payloads';
import {
  csvLine,
  csvNip,
  neutraliseCell,
  safeCellValue,
  TEXT_FORMAT,
  xlsxNip,
} from '../../src/web/spreadsheet-safety';
import { normaliseNip } from '../../src/users/nip';

describe('spreadsheet safety', () => {
  it('writes every formula payload as text and leaves other text alone', () => {
    for (const payload of FORMULA_PAYLOADS) expect(neutraliseCell(payload)).toBe(`'${payload}`);
    for (const text of ['Budi Siregar, S.Kom.', 'III/a', '199001012015031001', ' =1+1', "O'Neil", ''])
      expect(neutraliseCell(text)).toBe(text);
  });

  it('writes a negative number in CSV as the number, and a text that looks like one as text', () => {
    expect(csvLine([-5, -0.12, 17.5, '-5', '-2+3'])).toBe("-5,-0.12,17.5,'-5,'-2+3");
  });

  it('keeps numbers, dates and booleans typed in XLSX cells', () => {
    const date = new Date('2026-01-02T00:00:00Z');
    expect([
      safeCellValue(20),
      safeCellValue(date),
      safeCellValue(true),
      safeCellValue(null),
      safeCellValue('=1+1'),
    ]).toEqual([20, date, true, null, "'=1+1"]);
  });

  it('produces CSV whose cells, read back, never start a formula', () => {
    const csv = [
      csvLine(['NIP', 'Nama', 'Jabatan']),
      ...[...FORMULA_PAYLOADS, ...HTML_PAYLOADS].map((p) =>
        csvLine(['199001012015031001', p, `${p}\r\nbaris`]),
      ),
    ].join('\r\n');
    const cells = (parseCsv(csv, { relax_column_count: true }) as string[][]).flat();
    expect(cells.filter(isFormula)).toEqual([]);
    expect(cells).toContain(`'${FORMULA_PAYLOADS[0]}`);
    expect(cells).toContain(HTML_PAYLOADS[0]);
  });

  it('produces XLSX text cells, never formula cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Data');
    for (const payload of FORMULA_PAYLOADS) sheet.addRow([safeCellValue(payload), safeCellValue(7)]);
    const read = new ExcelJS.Workbook();
    await read.xlsx.load((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
    const values = read.worksheets[0]
      .getSheetValues()
      .flatMap((row) => (Array.isArray(row) ? row.slice(1) : []));
    expect(values.filter((v) => typeof v === 'object' && v !== null && 'formula' in v)).toEqual([]);
    expect(values.filter((v): v is string => typeof v === 'string').filter(isFormula)).toEqual([]);
    expect(values).toContain(7);
  });

  it('neutralises the full-width and small forms of = + - @ and the minus sign', () => {
    for (const payload of ['＝1+1', '＋1', '－1', '＠SUM(1)', '﹦1', '﹢1', '﹣1', '﹫A1', '−1'])
      expect(neutraliseCell(payload)).toBe(`'${payload}`);
    expect(neutraliseCell('Ｂudi ＝ 1')).toBe('Ｂudi ＝ 1');
  });

  it('writes a NIP in CSV in its spaced form: not a number to a spreadsheet, and read back by the import', () => {
    const nip = '199001012015031001';
    expect(csvNip(nip)).toBe('19900101 201503 1 001');
    expect(Number.isNaN(Number(csvNip(nip)))).toBe(true);
    expect(normaliseNip(csvNip(nip))).toBe(nip);
    // What a bare NIP becomes as a spreadsheet number: 15 significant digits, the rest lost.
    expect(String(Number(nip))).not.toBe(nip);
  });

  it('writes a NIP in XLSX as a text cell that keeps all 18 digits', async () => {
    const workbook = new ExcelJS.Workbook();
    const cell = workbook.addWorksheet('Data').getCell('A1');
    cell.value = safeCellValue(xlsxNip('199001012015031001'));
    cell.numFmt = TEXT_FORMAT;
    const read = new ExcelJS.Workbook();
    await read.xlsx.load((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
    const back = read.worksheets[0].getCell('A1');
    expect([back.value, back.numFmt]).toEqual(['199001012015031001', '@']);
  });
});
