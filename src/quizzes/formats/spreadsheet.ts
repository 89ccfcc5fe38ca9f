// Questions from a spreadsheet (CSV or XLSX, one question per row) and the template authors fill
// in. The columns are documented in the template's second sheet / the README; every shared type is
// representable. Cells are read as text and never evaluated: a text cell that a spreadsheet would
// run as a formula (`=`, `+`, `-`, `@`, tab, their full-width forms) is refused row by row, never
// stored; number columns take numbers only. Each row goes
// through the same rules as the question form, and what cannot be read is reported with its row.
import ExcelJS from 'exceljs';
import { csvLine, isFormulaLike, safeCellValue } from '../../web/spreadsheet-safety';
import type { QuestionInput } from '../question-rules';
import type { QuestionType } from '../question-types';
import { accept, newId, type ImportResult } from './imported';

/** Answer columns per row: jawaban_N, nilai_N, umpan_balik_N, toleransi_N for N = 1..ANSWER_COLUMNS. */
export const ANSWER_COLUMNS = 8;

export const BASE_COLUMNS = [
  'kategori',
  'jenis',
  'nama',
  'idnumber',
  'teks',
  'poin',
  'umpan_balik_umum',
  'petunjuk',
  'acak_opsi',
  'peka_huruf',
  'peka_aksen',
  'satuan',
  'min_kata',
  'maks_kata',
  'info_penilai',
] as const;

export const COLUMNS: string[] = [
  ...BASE_COLUMNS,
  ...Array.from({ length: ANSWER_COLUMNS }, (_, i) => [
    `jawaban_${i + 1}`,
    `nilai_${i + 1}`,
    `umpan_balik_${i + 1}`,
    `toleransi_${i + 1}`,
  ]).flat(),
];

/** The `jenis` cell: Indonesian names (the template's) or the bank's own codes. */
const TYPE_NAMES: Record<string, QuestionType> = {
  pilihan_tunggal: 'single',
  pilihan_ganda: 'multiple',
  benar_salah: 'truefalse',
  isian_singkat: 'shortanswer',
  numerik: 'numerical',
  menjodohkan: 'matching',
  mengurutkan: 'ordering',
  esai: 'essay',
  single: 'single',
  multiple: 'multiple',
  truefalse: 'truefalse',
  shortanswer: 'shortanswer',
  numerical: 'numerical',
  matching: 'matching',
  ordering: 'ordering',
  essay: 'essay',
};

/** Columns read as numbers (a number such as -50 is no formula; anything else is refused there). */
const NUMBER_COLUMN = /^(poin|min_kata|maks_kata|nilai_\d+|toleransi_\d+)$/;

/** The first text column holding what a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab…). */
function formulaColumn(cell: (name: string) => string, type: QuestionType | undefined): string | undefined {
  return COLUMNS.find(
    (c) =>
      !NUMBER_COLUMN.test(c) &&
      !(type === 'numerical' && c.startsWith('jawaban_')) &&
      (isFormulaLike(cell(c)) || isFormulaLike(cell(c).trimStart())),
  );
}

/** Whether the header row is this template's (so a CSV is read as questions, not as GIFT). */
export function isQuestionSheet(header: string[]): boolean {
  const names = new Set(header.map((h) => h.trim().toLowerCase()));
  return names.has('jenis') && names.has('teks') && names.has('jawaban_1');
}

class RowProblem extends Error {
  constructor(
    readonly reason: string,
    readonly params: Record<string, string> = {},
  ) {
    super(reason);
  }
}

const yes = (v: string, fallback: boolean) =>
  v === '' ? fallback : ['ya', 'y', 'yes', 'true', '1', 'benar'].includes(v.toLowerCase());

function number(v: string, column: string, fallback: number | null = null): number | null {
  // A leading ' is a spreadsheet's "this is text" mark (the template's CSV writes -50 as '-50).
  const t = v.trim().replace(/^'/, '').replace(',', '.');
  if (t === '') return fallback;
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored, every repetition bounded
  if (!/^-?\d{1,12}(\.\d{1,10})?$/.test(t)) throw new RowProblem('sheetNumber', { column });
  return Number(t);
}

type Cells = (name: string) => string;

interface Answer {
  text: string;
  fraction: number;
  feedback: string;
  tolerance: string;
  n: number;
}

function answersOf(cell: Cells): Answer[] {
  const out: Answer[] = [];
  for (let n = 1; n <= ANSWER_COLUMNS; n++) {
    const text = cell(`jawaban_${n}`);
    if (!text.trim()) continue;
    out.push({
      text: text.trim(),
      fraction: (number(cell(`nilai_${n}`), `nilai_${n}`, 0) ?? 0) / 100,
      feedback: cell(`umpan_balik_${n}`).trim(),
      tolerance: cell(`toleransi_${n}`),
      n,
    });
  }
  return out;
}

function unitsOf(text: string) {
  return text
    .split(';')
    .map((u) => u.trim())
    .filter(Boolean)
    .map((u) => {
      const [unit, multiplier] = u.split('=').map((x) => x.trim());
      return { unit, multiplier: number(multiplier ?? '1', 'satuan', 1) ?? 1 };
    });
}

function dataOf(type: QuestionType, cell: Cells): unknown {
  const answers = answersOf(cell);
  switch (type) {
    case 'single':
    case 'multiple':
      return {
        options: answers.map((a) => ({
          id: newId(),
          text: a.text,
          fraction: a.fraction,
          feedback: a.feedback,
        })),
      };
    case 'truefalse': {
      const v = (answers[0]?.text ?? '').toLowerCase();
      if (!['benar', 'salah', 'true', 'false'].includes(v)) throw new RowProblem('sheetTrueFalse');
      return {
        correct: v === 'benar' || v === 'true',
        feedbackTrue: cell('umpan_balik_1').trim(),
        feedbackFalse: cell('umpan_balik_2').trim(),
      };
    }
    case 'shortanswer':
      return {
        answers: answers.map((a) => ({
          id: newId(),
          text: a.text,
          fraction: a.fraction,
          feedback: a.feedback,
        })),
        caseSensitive: yes(cell('peka_huruf'), false),
        accentSensitive: yes(cell('peka_aksen'), false),
      };
    case 'numerical':
      return {
        answers: answers.map((a) => ({
          id: newId(),
          value: a.text === '*' ? null : number(a.text, `jawaban_${a.n}`),
          tolerance: number(a.tolerance, `toleransi_${a.n}`, 0),
          fraction: a.fraction,
          feedback: a.feedback,
        })),
        units: unitsOf(cell('satuan')),
        unitHandling: 'optional',
        unitPenalty: 0.1,
      };
    case 'matching': {
      const choices: Array<{ id: string; text: string }> = [];
      const stems: Array<{ id: string; text: string; choiceId: string }> = [];
      for (const a of answers) {
        // "statement -> match"; a cell without "->" is a distractor (a match no statement has).
        const at = a.text.indexOf('->');
        const [stem, choice] =
          at < 0 ? ['', a.text] : [a.text.slice(0, at).trim(), a.text.slice(at + 2).trim()];
        let found = choices.find((c) => c.text === choice);
        if (!found) choices.push((found = { id: newId(), text: choice }));
        if (stem) stems.push({ id: newId(), text: stem, choiceId: found.id });
      }
      return { stems, choices };
    }
    case 'ordering':
      return { items: answers.map((a) => ({ id: newId(), text: a.text })) };
    case 'essay':
      return {
        minWords: number(cell('min_kata'), 'min_kata'),
        maxWords: number(cell('maks_kata'), 'maks_kata'),
        graderInfo: cell('info_penilai').trim(),
        responseTemplate: '',
      };
  }
}

/** Reads the rows of a question sheet (header first); row numbers in problems are the sheet's. */
export function importSheet(header: string[], rows: string[][]): ImportResult {
  const result: ImportResult = { questions: [], problems: [] };
  const index = new Map(header.map((h, i) => [h.trim().toLowerCase(), i]));
  rows.forEach((row, i) => {
    const position = i + 2;
    const cell: Cells = (name) => {
      const at = index.get(name);
      return at === undefined ? '' : String(row[at] ?? '');
    };
    const name = cell('nama').trim() || cell('teks').trim().slice(0, 60);
    try {
      const type = Object.prototype.hasOwnProperty.call(TYPE_NAMES, cell('jenis').trim().toLowerCase())
        ? TYPE_NAMES[cell('jenis').trim().toLowerCase()]
        : undefined;
      const formula = formulaColumn(cell, type);
      if (formula) throw new RowProblem('sheetFormula', { column: formula });
      if (!type) throw new RowProblem('unsupportedType', { type: cell('jenis').trim() || '—' });
      const question: QuestionInput = {
        type,
        name,
        idnumber: cell('idnumber').trim().slice(0, 100),
        text: cell('teks').trim(),
        points: number(cell('poin'), 'poin', 1) ?? 1,
        generalFeedback: cell('umpan_balik_umum').trim(),
        hints: cell('petunjuk')
          .split('|')
          .map((h) => h.trim())
          .filter(Boolean),
        shuffleOptions: yes(cell('acak_opsi'), true),
        data: dataOf(type, cell) as never,
      };
      const categoryPath = cell('kategori')
        .split('/')
        .map((p) => p.trim())
        .filter(Boolean)
        .slice(0, 10);
      accept(result, { position, categoryPath, question });
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      result.problems.push({ position, name, reason: error.reason, params: error.params });
    }
  });
  return result;
}

/** Example rows of the template: one per type. */
const EXAMPLES: Array<Record<string, string>> = [
  {
    kategori: 'Modul 1',
    jenis: 'pilihan_tunggal',
    nama: 'Kanal resmi',
    teks: 'Kanal pengaduan nasional adalah …',
    poin: '1',
    jawaban_1: 'SP4N-LAPOR!',
    nilai_1: '100',
    umpan_balik_1: 'Tepat.',
    jawaban_2: 'Surat kaleng',
    nilai_2: '0',
    jawaban_3: 'Grup WhatsApp',
    nilai_3: '0',
  },
  {
    kategori: 'Modul 1',
    jenis: 'pilihan_ganda',
    nama: 'Kata sandi kuat',
    teks: 'Pilih semua ciri kata sandi yang kuat.',
    jawaban_1: 'Panjang',
    nilai_1: '50',
    jawaban_2: 'Unik untuk tiap layanan',
    nilai_2: '50',
    jawaban_3: 'Tanggal lahir',
    nilai_3: '-50',
    umpan_balik_3: 'Mudah ditebak.',
  },
  {
    jenis: 'benar_salah',
    nama: 'Berbagi OTP',
    teks: 'Kode OTP boleh dibagikan kepada petugas.',
    jawaban_1: 'salah',
    umpan_balik_1: 'Jawaban "benar" keliru: OTP bersifat rahasia.',
    umpan_balik_2: 'Tepat: OTP tidak pernah dibagikan.',
  },
  {
    jenis: 'isian_singkat',
    nama: 'Singkatan',
    teks: 'Tulis nama kanal pengaduan nasional.',
    peka_huruf: 'tidak',
    jawaban_1: 'SP4N-LAPOR!',
    nilai_1: '100',
    jawaban_2: 'LAPOR*',
    nilai_2: '50',
  },
  {
    jenis: 'numerik',
    nama: 'Batas hari',
    teks: 'Berapa hari kerja batas penyelesaian pengaduan ringan?',
    satuan: 'hari=1; jam=24',
    jawaban_1: '2',
    nilai_1: '100',
    toleransi_1: '0',
  },
  {
    jenis: 'menjodohkan',
    nama: 'Tahap',
    teks: 'Jodohkan tahap dengan artinya.',
    jawaban_1: 'Registrasi -> Mencatat aduan',
    jawaban_2: 'Verifikasi -> Memeriksa kelengkapan',
    jawaban_3: 'Menutup aduan tanpa jawaban',
  },
  {
    jenis: 'mengurutkan',
    nama: 'Urutan',
    teks: 'Urutkan langkah menangani aduan.',
    jawaban_1: 'Terima',
    jawaban_2: 'Verifikasi',
    jawaban_3: 'Tindak lanjut',
  },
  {
    jenis: 'esai',
    nama: 'Tanggapan',
    teks: 'Tulis tanggapan kepada warga yang izinnya tertahan.',
    poin: '5',
    min_kata: '50',
    maks_kata: '150',
    info_penilai: 'Empati, langkah, dan tanggal tindak lanjut.',
  },
];

/** What each column holds (the template's second sheet and the CSV's companion text). */
export const COLUMN_HELP: Array<[string, string]> = [
  ['kategori', 'Jalur kategori di bawah bank soal, dipisah "/" (kosong: kategori bawaan).'],
  [
    'jenis',
    'pilihan_tunggal, pilihan_ganda, benar_salah, isian_singkat, numerik, menjodohkan, mengurutkan, esai.',
  ],
  ['nama', 'Nama soal di bank soal.'],
  ['idnumber', 'Kode soal (opsional), seperti ID number Moodle.'],
  ['teks', 'Teks soal.'],
  ['poin', 'Poin soal (kosong: 1).'],
  ['umpan_balik_umum', 'Umpan balik umum setelah menjawab.'],
  ['petunjuk', 'Petunjuk, beberapa dipisah "|".'],
  ['acak_opsi', 'ya/tidak: acak urutan opsi (kosong: ya).'],
  [
    'peka_huruf, peka_aksen',
    'isian_singkat: ya/tidak, huruf besar-kecil dan aksen dibedakan (kosong: tidak).',
  ],
  [
    'satuan',
    'numerik: satuan=pengali dipisah ";", mis. "hari=1; jam=24" (satuan pertama untuk nilai jawaban).',
  ],
  ['min_kata, maks_kata, info_penilai', 'esai: batas kata dan catatan untuk penilai.'],
  [
    'jawaban_N',
    'Opsi atau jawaban. benar_salah: "benar" atau "salah". menjodohkan: "pernyataan -> pasangan" (tanpa "->": pasangan pengecoh). mengurutkan: butir dalam urutan benar. numerik: angka atau * (semua angka).',
  ],
  ['nilai_N', 'Persen nilai jawaban, -100 sampai 100 (negatif: pengurangan untuk pilihan salah).'],
  [
    'umpan_balik_N',
    'Umpan balik jawaban itu. benar_salah: umpan_balik_1 bila menjawab "benar", umpan_balik_2 bila "salah".',
  ],
  ['toleransi_N', 'numerik: selisih yang masih diterima.'],
];

/** The template as CSV (header, one example row per type). */
export function templateCsv(): string {
  return (
    [csvLine(COLUMNS), ...EXAMPLES.map((e) => csvLine(COLUMNS.map((c) => e[c] ?? '')))].join('\r\n') + '\r\n'
  );
}

/** The template as XLSX: the questions sheet (text columns) and a sheet explaining the columns. */
export async function templateXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Soal');
  sheet.addRow(COLUMNS);
  sheet.getRow(1).font = { bold: true };
  for (const e of EXAMPLES) sheet.addRow(COLUMNS.map((c) => safeCellValue(e[c] ?? '')));
  sheet.columns.forEach((column) => {
    column.numFmt = '@';
    column.width = 18;
  });
  const help = workbook.addWorksheet('Kolom');
  help.addRow(['Kolom', 'Isi']);
  help.getRow(1).font = { bold: true };
  for (const [column, text] of COLUMN_HELP) help.addRow([column, text]);
  help.getColumn(1).width = 32;
  help.getColumn(2).width = 100;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
