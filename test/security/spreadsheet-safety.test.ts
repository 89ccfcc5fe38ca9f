// The shared spreadsheet-safety helper every exporter uses (src/web/spreadsheet-safety.ts).
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { FORMULA_PAYLOADS, HTML_PAYLOADS, isFormula } from '../fixtures/hostile/payloads';
import { csvLine, neutraliseCell, safeCellValue } from '../../src/web/spreadsheet-safety';
import { neutraliseCell as usersNeutraliseCell } from '../../src/users/users.export';

describe('spreadsheet safety', () => {
  it('writes every formula payload as text and leaves other text alone', () => {
    for (const payload of FORMULA_PAYLOADS) expect(neutraliseCell(payload)).toBe(`'${payload}`);
    for (const text of ['Budi Siregar, S.Kom.', 'III/a', '199001012015031001', ' =1+1', "O'Neil", ''])
      expect(neutraliseCell(text)).toBe(text);
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

  it('is the rule the people export applies', () => {
    for (const payload of [...FORMULA_PAYLOADS, 'Budi'])
      expect(usersNeutraliseCell(payload)).toBe(neutraliseCell(payload));
  });
});
