// The certificate PDF (pdfkit): A4 landscape. Page 1 is the certificate as reference/asn.md lists
// it (the city's and the partner's marks, SERTIFIKAT and the number, the person as at issue, the
// course, JP and dates, place and date of issue, the signatories, a QR code of the public
// verification address); page 2 the course outline with each module's JP and, when the learning
// feature registered a results provider, the learner's results. Text is set in Noto Serif, embedded
// (subset), which has every Latin letter an Indonesian name may carry (apostrophes, diacritics).
// Everything printed comes from the certificate's stored content, never from today's records.
/* eslint-disable security/detect-non-literal-fs-filename -- the font files of an installed package */
import fs from 'node:fs';
import path from 'node:path';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { CertificateContent } from './content';

export interface CertificateResults {
  lessons: Array<{ title: string; status: string; scorePercent?: number }>;
  finalScorePercent?: number;
}

const FONT_DIR = path.dirname(require.resolve('@expo-google-fonts/noto-serif/package.json'));
type Font = ReturnType<typeof fontkit.create>;

interface Run {
  positions: object[];
}

/**
 * The font with its text shaping (`layout`) remembered per string: certificates repeat the same
 * words, and shaping each one again (OpenType lookups) was about a third of a certificate's CPU.
 * pdfkit scales the positions of a run in place, so each call gets its own copy of them.
 */
function withRememberedLayout(font: Font): Font {
  const runs = new Map<string, Run>();
  const copy = <T extends object>(o: T): T =>
    Object.assign(Object.create(Object.getPrototypeOf(o) as object) as T, o);
  const wrapper = Object.create(font) as Font;
  wrapper.layout = (text: string, features?: unknown) => {
    if (features !== undefined) return font.layout(text, features);
    let run = runs.get(text);
    if (!run) {
      if (runs.size > 20_000) runs.clear();
      run = font.layout(text) as Run;
      runs.set(text, run);
    }
    return Object.assign(copy(run), { positions: run.positions.map(copy) });
  };
  return wrapper;
}
let fonts: { regular: Font; bold: Font; italic: Font } | undefined;
/**
 * The fonts, parsed once per process: pdfkit takes a parsed fontkit font as well as a file, and
 * parsing the tables of each font again for every document cost ~100 ms a certificate. Each
 * document still embeds its own subset.
 */
function loadedFonts() {
  const load = (file: string) =>
    withRememberedLayout(fontkit.create(fs.readFileSync(path.join(FONT_DIR, file))));
  fonts ??= {
    regular: load('400Regular/NotoSerif_400Regular.ttf'),
    bold: load('700Bold/NotoSerif_700Bold.ttf'),
    italic: load('400Regular_Italic/NotoSerif_400Regular_Italic.ttf'),
  };
  return fonts;
}

const MONTHS_ID = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
];

const WIB_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' });

/** "1 Desember 2026": a WIB calendar day in Bahasa Indonesia, as official letters write it. */
export function longDateId(iso: string): string {
  const day = WIB_DAY.format(new Date(iso));
  const [y, m, d] = day.split('-').map(Number);
  return `${d} ${MONTHS_ID[m - 1]} ${y}`;
}

export function formatNipSpaced(nip: string): string {
  return /^\d{18}$/.test(nip)
    ? `${nip.slice(0, 8)} ${nip.slice(8, 14)} ${nip.slice(14, 15)} ${nip.slice(15)}`
    : nip;
}

const COMPETENCY_LABELS: Record<string, string> = {
  teknis: 'teknis',
  manajerial: 'manajerial',
  sosial_kultural: 'sosial kultural',
};

const STATUS_LABELS: Record<string, string> = {
  completed: 'Selesai',
  passed: 'Lulus',
  failed: 'Tidak lulus',
  in_progress: 'Belum selesai',
  not_started: 'Belum dimulai',
};

/** The predikat of a final score (0–100), as training certificates (STTP) print it. */
export function predikatOf(score: number): string {
  if (score >= 90) return 'Sangat Memuaskan';
  if (score >= 80) return 'Memuaskan';
  if (score >= 70) return 'Baik';
  return 'Cukup';
}

const GREEN = '#14532d';
const GOLD = '#a16207';
const INK = '#1f2937';
const W = 841.89;
const H = 595.28;

function jp(value: number): string {
  return Number.isInteger(value) ? String(value) : String(value).replace('.', ',');
}

function border(doc: PDFKit.PDFDocument) {
  doc
    .lineWidth(3)
    .strokeColor(GREEN)
    .rect(18, 18, W - 36, H - 36)
    .stroke();
  doc
    .lineWidth(1)
    .strokeColor(GOLD)
    .rect(26, 26, W - 52, H - 52)
    .stroke();
}

/** The city's mark: a shield in the city's green and gold with its name (a drawn emblem, no image file). */
function cityMark(doc: PDFKit.PDFDocument, x: number, y: number) {
  doc.save();
  doc
    .moveTo(x, y)
    .lineTo(x + 56, y)
    .lineTo(x + 56, y + 40)
    .quadraticCurveTo(x + 56, y + 62, x + 28, y + 72)
    .quadraticCurveTo(x, y + 62, x, y + 40)
    .closePath()
    .lineWidth(2)
    .fillAndStroke(GREEN, GOLD);
  doc
    .circle(x + 28, y + 28, 13)
    .lineWidth(1.5)
    .stroke(GOLD);
  doc
    .fillColor(GOLD)
    .font('bold')
    .fontSize(7)
    .text('MEDAN', x, y + 48, { width: 56, align: 'center' });
  doc.restore();
}

/** The partner's mark: a roundel with its code. */
function partnerMark(doc: PDFKit.PDFDocument, x: number, y: number, code: string) {
  doc.save();
  doc
    .circle(x + 32, y + 34, 32)
    .lineWidth(2)
    .fillAndStroke('#ffffff', GREEN);
  doc
    .circle(x + 32, y + 34, 27)
    .lineWidth(0.8)
    .stroke(GOLD);
  doc
    .fillColor(GREEN)
    .font('bold')
    .fontSize(code.length > 5 ? 9 : 12)
    .text(code || '—', x + 4, y + 27, { width: 56, align: 'center' });
  doc.restore();
}

function qr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const cell = size / (n + 2);
  doc.save().rect(x, y, size, size).fill('#ffffff').fillColor('#000000');
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++)
      if (modules.data[r * n + c]) doc.rect(x + (c + 1) * cell, y + (r + 1) * cell, cell, cell);
  doc.fill('#000000').restore();
}

/** The logos uploaded for the city and the partner (institutions feature); the emblems stand in for a missing one. */
export interface CertificateLogos {
  city?: Buffer;
  partner?: Buffer;
}

function logo(doc: PDFKit.PDFDocument, image: Buffer, x: number, y: number) {
  doc.image(image, x, y, { fit: [64, 72], align: 'center', valign: 'center' });
}

function pageOne(
  doc: PDFKit.PDFDocument,
  c: CertificateContent,
  verifyUrl: string,
  predikat: string | undefined,
  logos: CertificateLogos,
) {
  border(doc);
  if (logos.city) logo(doc, logos.city, 56, 40);
  else cityMark(doc, 60, 44);
  if (logos.partner) logo(doc, logos.partner, W - 124, 40);
  else partnerMark(doc, W - 124, 44, c.course.partner.code);
  doc.fillColor(INK).font('bold').fontSize(13);
  doc.text('PEMERINTAH KOTA MEDAN', 140, 50, { width: W - 280, align: 'center' });
  doc.font('regular').fontSize(10.5);
  doc.text('BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA', 140, 68, {
    width: W - 280,
    align: 'center',
  });
  doc
    .fontSize(9.5)
    .text(`bekerja sama dengan ${c.course.partner.name}`, 140, 84, { width: W - 280, align: 'center' });
  doc
    .moveTo(140, 104)
    .lineTo(W - 140, 104)
    .lineWidth(1)
    .stroke(GOLD);
  doc
    .fillColor(GREEN)
    .font('bold')
    .fontSize(30)
    .text('SERTIFIKAT', 0, 114, { width: W, align: 'center', characterSpacing: 4 });
  doc
    .fillColor(INK)
    .font('regular')
    .fontSize(10.5)
    .text(`Nomor: ${c.number}`, 0, 152, { width: W, align: 'center' });
  doc.font('italic').fontSize(11).text('diberikan kepada', 0, 174, { width: W, align: 'center' });
  doc
    .fillColor(GREEN)
    .font('bold')
    .fontSize(20)
    .text(c.person.name, 60, 192, { width: W - 120, align: 'center' });
  const rows: Array<[string, string]> = [
    [c.person.employeeType === 'pppk' ? 'NI PPPK' : 'NIP', formatNipSpaced(c.person.nip) || '-'],
    [c.person.employeeType === 'pppk' ? 'Golongan' : 'Pangkat/Golongan', c.person.pangkat || '-'],
    ['Jabatan', c.person.jabatan || '-'],
    ['Unit Kerja', c.person.unitKerja || '-'],
    ['Instansi', c.person.opd.name ? `${c.person.opd.name}, Pemerintah Kota Medan` : 'Pemerintah Kota Medan'],
  ];
  let y = 224;
  doc.fillColor(INK).fontSize(10.5);
  for (const [label, value] of rows) {
    doc.font('regular').text(label, 200, y, { width: 130 });
    doc.text(':', 336, y);
    doc.text(value, 350, y, { width: W - 470, height: 14, ellipsis: true, lineBreak: false });
    y += 15.5;
  }
  const start = c.startedAt ? longDateId(c.startedAt) : undefined;
  const end = longDateId(c.completedAt);
  const when = start && start !== end ? `pada tanggal ${start} s.d. ${end}` : `pada tanggal ${end}`;
  doc
    .font('regular')
    .fontSize(11)
    .text('telah mengikuti pelatihan', 90, y + 6, { width: W - 180, align: 'center' });
  doc
    .fillColor(GREEN)
    .font('bold')
    .fontSize(14)
    .text(c.course.title, 90, y + 22, { width: W - 180, align: 'center' });
  const competency = COMPETENCY_LABELS[c.course.competencyType] ?? c.course.competencyType;
  doc
    .fillColor(INK)
    .font('regular')
    .fontSize(11)
    .text(
      `(kompetensi ${competency}) yang diselenggarakan oleh BKPSDM Kota Medan bekerja sama dengan ${c.course.partner.name}, ${when}, selama ${jp(c.jp)} JP${predikat ? `, dengan predikat ${predikat}` : ''}.`,
      90,
      doc.y + 2,
      { width: W - 180, align: 'center' },
    );
  const bottom = H - 170;
  qr(doc, verifyUrl, 56, bottom + 20, 84);
  doc.font('regular').fontSize(6.5).fillColor(INK);
  doc.text('Pindai untuk memeriksa keaslian:', 46, bottom + 106, { width: 160 });
  doc.text(verifyUrl, 46, bottom + 115, { width: 200 });
  const signatories = c.course.signatories.slice(0, 2);
  const colW = 230;
  const xs = signatories.length === 2 ? [W - 60 - 2 * colW - 20, W - 60 - colW] : [W - 60 - colW];
  doc.fontSize(10).text(`${c.place}, ${longDateId(c.issuedAt)}`, xs[xs.length - 1], bottom, {
    width: colW,
    align: 'center',
  });
  signatories.forEach((s, i) => {
    const x = xs[i];
    doc
      .font('regular')
      .fontSize(9)
      .text(s.position, x, bottom + 16, { width: colW, align: 'center', height: 36 });
    doc
      .font('bold')
      .fontSize(10)
      .text(s.name, x, bottom + 86, { width: colW, align: 'center', underline: true });
    doc
      .font('regular')
      .fontSize(9)
      .text(`NIP ${formatNipSpaced(s.nip)}`, x, bottom + 101, { width: colW, align: 'center' });
  });
}

function pageTwo(doc: PDFKit.PDFDocument, c: CertificateContent, results?: CertificateResults) {
  doc.addPage({ size: 'A4', layout: 'landscape', margin: 0 });
  border(doc);
  doc
    .fillColor(GREEN)
    .font('bold')
    .fontSize(14)
    .text('LAMPIRAN SERTIFIKAT', 0, 46, { width: W, align: 'center' });
  doc
    .fillColor(INK)
    .font('regular')
    .fontSize(10)
    .text(`Nomor: ${c.number}  ·  ${c.person.name}`, 60, 66, { width: W - 120, align: 'center' });
  doc
    .font('bold')
    .fontSize(11)
    .text(`Struktur Kurikulum: ${c.course.title}`, 60, 92, { width: W - 120 });
  let y = 114;
  const headerRow = (cols: Array<[string, number, number]>) => {
    doc
      .rect(60, y, W - 120, 18)
      .fill('#e7f0ea')
      .fillColor(INK)
      .font('bold')
      .fontSize(9.5);
    for (const [text, x, w] of cols) doc.text(text, x, y + 4, { width: w });
    y += 20;
  };
  headerRow([
    ['No', 66, 30],
    ['Mata Pelatihan / Modul', 100, 520],
    ['JP', W - 150, 80],
  ]);
  doc.font('regular').fontSize(9.5);
  c.course.outline.forEach((m, i) => {
    doc.fillColor(INK).text(String(i + 1), 66, y, { width: 30 });
    doc.text(m.title, 100, y, { width: 520, height: 13, ellipsis: true, lineBreak: false });
    doc.text(jp(m.jp), W - 150, y, { width: 80 });
    y += 15;
  });
  doc
    .moveTo(60, y + 2)
    .lineTo(W - 60, y + 2)
    .lineWidth(0.5)
    .stroke(GOLD);
  doc
    .font('bold')
    .text('Jumlah', 100, y + 6)
    .text(jp(c.jp), W - 150, y + 6);
  y += 30;
  if (!results) return;
  doc.font('bold').fontSize(11).fillColor(INK).text('Hasil Belajar', 60, y);
  y += 20;
  headerRow([
    ['No', 66, 30],
    ['Materi', 100, 420],
    ['Status', 530, 120],
    ['Nilai', W - 150, 80],
  ]);
  doc.font('regular').fontSize(9);
  const maxRows = Math.floor((H - 90 - y) / 13.5);
  results.lessons.slice(0, maxRows).forEach((l, i) => {
    doc.fillColor(INK).text(String(i + 1), 66, y, { width: 30 });
    doc.text(l.title, 100, y, { width: 420, height: 12, ellipsis: true, lineBreak: false });
    doc.text(STATUS_LABELS[l.status] ?? l.status, 530, y, { width: 120 });
    doc.text(l.scorePercent === undefined ? '-' : `${Math.round(l.scorePercent)}`, W - 150, y, { width: 80 });
    y += 13.5;
  });
  if (results.finalScorePercent !== undefined) {
    const score = Math.round(results.finalScorePercent);
    doc
      .font('bold')
      .fontSize(10)
      .text(`Nilai akhir: ${score}  ·  Predikat: ${predikatOf(score)}`, 60, y + 8);
  }
}

/** The certificate PDF, unsigned (pdf-signature.ts adds the PDF signature). */
export async function renderCertificatePdf(
  content: CertificateContent,
  verifyUrl: string,
  results?: CertificateResults,
  logos: CertificateLogos = {},
): Promise<Buffer> {
  const f = loadedFonts();
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    autoFirstPage: true,
    font: f.regular as never, // instead of Helvetica, whose metrics pdfkit would parse for every document
    info: {
      Title: `Sertifikat ${content.number}`,
      Author: 'BKPSDM Kota Medan',
      Subject: content.course.title,
      Creator: 'BinaASN',
      CreationDate: new Date(content.issuedAt),
      ModDate: new Date(content.issuedAt),
    },
  });
  doc.registerFont('regular', f.regular as never);
  doc.registerFont('bold', f.bold as never);
  doc.registerFont('italic', f.italic as never);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const predikat =
    results?.finalScorePercent === undefined ? undefined : predikatOf(Math.round(results.finalScorePercent));
  pageOne(doc, content, verifyUrl, predikat, logos);
  pageTwo(doc, content, results);
  doc.end();
  return done;
}
