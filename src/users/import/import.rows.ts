// Turns the cells of an import table into people records, with the reasons each bad row is rejected.
// Pure: the database lookups it needs (OPDs, people already known) are passed in.
import { csvLine, csvNip } from '../../web/spreadsheet-safety';
import { normaliseNip } from '../nip';
import { isValidGolongan, PNS_RANKS, PPPK_GOLONGAN, type EmployeeType } from '../ranks';
import { nipProblem } from '../users.schemas';
import { IMPRECISE_NUMBER } from '../../web/spreadsheet-table';

const COLUMNS = [
  'nip',
  'name',
  'email',
  'employeeType',
  'golongan',
  'jabatan',
  'unitKerja',
  'opdCode',
] as const;
export type Column = (typeof COLUMNS)[number];

/** Header names accepted per column, compared case-insensitively without spaces, dots, dashes or underscores. */
const HEADER_NAMES: Record<Column, string[]> = {
  nip: ['nip', 'nipppk', 'nippppk', 'nomorindukpegawai'],
  name: ['nama', 'name', 'namalengkap', 'fullname'],
  email: ['email', 'surel', 'emailaddress'],
  employeeType: ['jenis', 'jenispegawai', 'type', 'employeetype'],
  golongan: ['golongan', 'gol', 'golonganruang', 'grade', 'rank'],
  jabatan: ['jabatan', 'position', 'jobtitle'],
  unitKerja: ['unitkerja', 'workunit', 'unit'],
  opdCode: ['kodeopd', 'opdcode', 'opd', 'kodeinstansi'],
};

/** The template file's header row (Indonesian). */
export const TEMPLATE_HEADER = [
  'NIP',
  'Nama',
  'Email',
  'Jenis',
  'Golongan',
  'Jabatan',
  'Unit Kerja',
  'Kode OPD',
];

const squash = (text: string) => text.toLowerCase().replace(/[\s._\-/]/g, '');

export type HeaderMap =
  { ok: true; index: Partial<Record<Column, number>> } | { ok: false; error: string; missing: string[] };

export function mapHeader(header: string[]): HeaderMap {
  const index: Partial<Record<Column, number>> = {};
  header.forEach((name, i) => {
    const key = squash(name);
    const column = COLUMNS.find((c) => HEADER_NAMES[c].includes(key));
    if (column && index[column] === undefined) index[column] = i;
  });
  const missing = (['nip', 'name'] as Column[]).filter((c) => index[c] === undefined);
  if (missing.length)
    return {
      ok: false,
      error: 'users.import.errors.missingColumns',
      missing: missing.map((c) => TEMPLATE_HEADER[COLUMNS.indexOf(c)]),
    };
  return { ok: true, index };
}

export type RowValues = Record<Column, string>;

export interface PersonRecord {
  nip: string;
  name: string;
  email?: string;
  employeeType: EmployeeType;
  golongan?: string;
  jabatan: string;
  unitKerja: string;
  opdCode: string;
}

export interface CheckedRow {
  line: number; // line in the file, header = 1
  values: RowValues; // the cells as given (shown escaped on the preview)
  record?: PersonRecord;
  errors: string[]; // message keys
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TYPE_WORDS: Record<string, EmployeeType> = {
  pns: 'pns',
  pppk: 'pppk',
  nonasn: 'non_asn',
  honorer: 'non_asn',
};
const PNS_GOLONGAN = new Map<string, string>(
  PNS_RANKS.map((r) => [r.golongan.toLowerCase().replace(/\s/g, ''), r.golongan]),
);
const PPPK = new Map<string, string>(PPPK_GOLONGAN.map((g) => [g.toLowerCase(), g]));

function canonicalGolongan(type: EmployeeType, raw: string): string | undefined {
  const key = raw.toLowerCase().replace(/\s/g, '');
  if (!key) return undefined;
  return type === 'pns' ? (PNS_GOLONGAN.get(key) ?? raw) : type === 'pppk' ? (PPPK.get(key) ?? raw) : raw;
}

/** Checks one row on its own (no database): field formats and the fixed lists. */
export function checkRow(cells: string[], index: Partial<Record<Column, number>>, line: number): CheckedRow {
  const values = Object.fromEntries(
    COLUMNS.map((c) => [c, (index[c] === undefined ? '' : (cells[index[c]] ?? '')).trim()]),
  ) as RowValues;
  const errors: string[] = [];
  let nip = normaliseNip(values.nip);
  if (values.nip === IMPRECISE_NUMBER) {
    values.nip = '';
    nip = '';
    errors.push('users.import.errors.nipAsNumber');
  } else {
    const problem = nipProblem(nip);
    if (problem) errors.push(problem);
  }
  if (values.name.length < 3) errors.push('users.errors.nameRequired');
  if (values.name.length > 200) errors.push('users.errors.tooLong');
  const email = values.email.toLowerCase();
  if (email && (!EMAIL.test(email) || email.length > 254)) errors.push('users.errors.emailInvalid');
  const type = values.employeeType ? TYPE_WORDS[squash(values.employeeType)] : 'pns';
  if (!type) errors.push('users.errors.employeeType');
  const golongan = type ? canonicalGolongan(type, values.golongan) : undefined;
  if (type && !isValidGolongan(type, golongan))
    errors.push(type === 'non_asn' ? 'users.errors.golonganNone' : 'users.errors.golonganInvalid');
  if (values.jabatan.length > 200 || values.unitKerja.length > 200) errors.push('users.errors.tooLong');
  if (errors.length) return { line, values, errors };
  return {
    line,
    values,
    errors,
    record: {
      nip,
      name: values.name,
      email: email || undefined,
      employeeType: type!,
      golongan,
      jabatan: values.jabatan,
      unitKerja: values.unitKerja,
      opdCode: values.opdCode.toUpperCase(),
    },
  };
}

/** Rejects the second and later rows that repeat a NIP or an email of an earlier row. */
export function rejectRepeats(rows: CheckedRow[]): void {
  const nips = new Map<string, number>();
  const emails = new Map<string, number>();
  for (const row of rows) {
    if (!row.record) continue;
    const { nip, email } = row.record;
    if (nips.has(nip)) row.errors.push('users.import.errors.nipRepeated');
    if (email && emails.has(email)) row.errors.push('users.import.errors.emailRepeated');
    if (row.errors.length) {
      row.record = undefined;
      continue;
    }
    nips.set(nip, row.line);
    if (email) emails.set(email, row.line);
  }
}

/** The downloadable template: the header row and one example person (UTF-8 with a BOM, for Excel). */
export function templateCsv(): string {
  const example = [
    csvNip('199001012015031001'), // spaced, so a spreadsheet keeps it as text
    'Budi Siregar, S.Kom.',
    'budi.siregar@example.go.id',
    'PNS',
    'III/a',
    'Pranata Komputer Ahli Pertama',
    'Bidang Aplikasi Informatika',
    'DISKOMINFO',
  ];
  return `\uFEFF${csvLine(TEMPLATE_HEADER)}\r\n${csvLine(example)}\r\n`;
}
