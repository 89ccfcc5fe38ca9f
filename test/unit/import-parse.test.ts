import { parseSpreadsheet, MAX_ROWS } from '../../src/web/spreadsheet-table';
import { summariseZip } from '../../src/web/bounded-unzip';
import { checkRow, mapHeader, rejectRepeats } from '../../src/users/import/import.rows';
import { buildZip } from '../fixtures/zip';
import { csvOf, xlsxOf, HEADER } from '../fixtures/people-files';

const GOOD = [
  '19900101 201503 1 001',
  'Budi Siregar, S.Kom.',
  'budi@example.go.id',
  'PNS',
  'III/a',
  'Pranata Komputer',
  'Bidang TI',
  'DISKOMINFO',
];

describe('reading a people file', () => {
  it('reads a CSV with Indonesian headers into text cells', async () => {
    const table = await parseSpreadsheet(csvOf([GOOD]));
    expect(table).toEqual({ ok: true, kind: 'csv', header: HEADER, rows: [GOOD] });
  });

  it('accepts semicolon-separated CSV as saved by Indonesian spreadsheets', async () => {
    const text = `${HEADER.join(';')}\n${GOOD.join(';')}\n`;
    const table = await parseSpreadsheet(Buffer.from(text));
    expect(table.ok && table.rows[0]).toEqual(GOOD);
  });

  it('reads an XLSX sheet; formulas stay text and are never evaluated', async () => {
    const bytes = await xlsxOf([
      [
        '199001012015031001',
        { formula: "cmd|' /C calc'!A0", result: 0 },
        '',
        'PNS',
        'III/a',
        'Staf',
        'Umum',
        'BKPSDM',
      ],
    ]);
    const table = await parseSpreadsheet(bytes);
    expect(table.ok).toBe(true);
    if (table.ok) {
      expect(table.kind).toBe('xlsx');
      expect(table.rows[0][1]).toBe("=cmd|' /C calc'!A0");
    }
  });

  it('refuses binary files that are neither CSV nor XLSX, whatever their name', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    expect(await parseSpreadsheet(png)).toEqual({ ok: false, error: 'users.import.errors.unsupportedType' });
    expect(await parseSpreadsheet(Buffer.from([0x4e, 0x49, 0x50, 0x00, 0x01, 0x02]))).toEqual({
      ok: false,
      error: 'users.import.errors.unsupportedType',
    });
  });

  it('refuses a zip bomb before unpacking it', async () => {
    const bomb = buildZip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(60 * 1024 * 1024, 0x20) },
    ]);
    expect(bomb.length).toBeLessThan(200 * 1024);
    expect(summariseZip(bomb)?.uncompressed).toBeGreaterThan(60 * 1024 * 1024);
    expect(await parseSpreadsheet(bomb)).toEqual({ ok: false, error: 'users.import.errors.zipBomb' });
  });

  it('refuses an archive that only claims an absurd size', async () => {
    const liar = buildZip([
      { name: 'xl/workbook.xml', data: Buffer.from('<x/>'), declaredSize: 4_000_000_000 },
    ]);
    expect(await parseSpreadsheet(liar)).toEqual({ ok: false, error: 'users.import.errors.zipBomb' });
  });

  it('refuses more than 5,000 rows and empty files', async () => {
    const many = Array.from({ length: MAX_ROWS + 1 }, () => GOOD);
    expect(await parseSpreadsheet(csvOf(many))).toEqual({
      ok: false,
      error: 'users.import.errors.tooManyRows',
    });
    expect(await parseSpreadsheet(csvOf([]))).toEqual({ ok: false, error: 'users.import.errors.empty' });
    expect(await parseSpreadsheet(Buffer.alloc(0))).toEqual({
      ok: false,
      error: 'users.import.errors.empty',
    });
  });

  it('flags an 18-digit NIP stored as a number in XLSX, which has lost digits', async () => {
    const bytes = await xlsxOf([[199001012015031001, 'Budi Siregar', '', 'PNS', 'III/a', '', '', 'BKPSDM']]);
    const table = await parseSpreadsheet(bytes);
    if (!table.ok) throw new Error(table.error);
    const header = mapHeader(table.header);
    if (!header.ok) throw new Error(header.error);
    expect(checkRow(table.rows[0], header.index, 2).errors).toEqual(['users.import.errors.nipAsNumber']);
  });
});

describe('checking import rows', () => {
  const header = mapHeader(HEADER);
  if (!header.ok) throw new Error('header');

  it('maps headers case-insensitively, in Indonesian or English', () => {
    const mapped = mapHeader([
      'nip',
      'NAME',
      'E-mail',
      'Employee Type',
      'grade',
      'Position',
      'work unit',
      'OPD code',
    ]);
    expect(mapped).toEqual({
      ok: true,
      index: {
        nip: 0,
        name: 1,
        email: 2,
        employeeType: 3,
        golongan: 4,
        jabatan: 5,
        unitKerja: 6,
        opdCode: 7,
      },
    });
    expect(mapHeader(['Email', 'Jabatan'])).toEqual({
      ok: false,
      error: 'users.import.errors.missingColumns',
      missing: ['NIP', 'Nama'],
    });
  });

  it('normalises a good row', () => {
    const row = checkRow(GOOD, header.index, 2);
    expect(row.errors).toEqual([]);
    expect(row.record).toEqual({
      nip: '199001012015031001',
      name: 'Budi Siregar, S.Kom.',
      email: 'budi@example.go.id',
      employeeType: 'pns',
      golongan: 'III/a',
      jabatan: 'Pranata Komputer',
      unitKerja: 'Bidang TI',
      opdCode: 'DISKOMINFO',
    });
  });

  it('gives each bad row the reasons it is rejected', () => {
    const bad = (patch: Record<number, string>) =>
      checkRow(
        GOOD.map((c, i) => patch[i] ?? c),
        header.index,
        3,
      ).errors;
    expect(bad({ 0: '1990010120150310' })).toEqual(['users.errors.nipDigits']);
    expect(bad({ 0: '199002302015031001' })).toEqual(['users.errors.nipBirthDate']);
    expect(bad({ 0: '199001012015131001' })).toEqual(['users.errors.nipTmt']);
    expect(bad({ 0: '199001012015033001' })).toEqual(['users.errors.nipSex']);
    expect(bad({ 0: '199001012000031001' })).toEqual(['users.errors.nipTmtAge']);
    expect(bad({ 2: 'not-an-email' })).toEqual(['users.errors.emailInvalid']);
    expect(bad({ 3: 'Kontrak' })).toEqual(['users.errors.employeeType']);
    expect(bad({ 4: 'V/a' })).toEqual(['users.errors.golonganInvalid']);
    expect(bad({ 3: 'PPPK', 4: 'III/a' })).toEqual(['users.errors.golonganInvalid']);
    expect(bad({ 3: 'PPPK', 4: 'ix' })).toEqual([]);
    expect(bad({ 1: '', 0: 'abc' })).toEqual(['users.errors.nipDigits', 'users.errors.nameRequired']);
  });

  it('keeps formula-looking text as it is, as plain text', () => {
    const row = checkRow(
      ['199001012015031001', "=cmd|' /C calc'!A0", '', 'PNS', 'III/a', '@SUM(1+1)', '+1', 'BKPSDM'],
      header.index,
      2,
    );
    expect(row.record?.name).toBe("=cmd|' /C calc'!A0");
    expect(row.record?.jabatan).toBe('@SUM(1+1)');
  });

  it('rejects later rows repeating a NIP or an email', () => {
    const rows = [GOOD, GOOD, [...GOOD.slice(0, 1).map(() => '199001012015031002'), ...GOOD.slice(1)]].map(
      (c, i) => checkRow(c, header.index, i + 2),
    );
    rejectRepeats(rows);
    expect(rows.map((r) => r.errors)).toEqual([
      [],
      ['users.import.errors.nipRepeated', 'users.import.errors.emailRepeated'],
      ['users.import.errors.emailRepeated'],
    ]);
    expect(rows.map((r) => !!r.record)).toEqual([true, false, false]);
  });
});
