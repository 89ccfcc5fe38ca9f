// What leaves the app about a unit: the results as CSV and XLSX (text cells neutralised against
// formulas), the printable PDF report, and the A4 poster with the survey's QR code and short link
// for the counter. All built from resultsOf(), so every channel shows the same numbers.
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { csvLine, safeCellValue } from '../web/spreadsheet-safety';
import { roundTo } from './ikm';
import type { UnitResults } from './results.service';

const NAVY = '#0b3954';
const INK = '#1b1b1b';
const MUTED = '#4a5560';

const GRADE_WORDS: Record<string, string> = {
  A: 'Sangat Baik',
  B: 'Baik',
  C: 'Kurang Baik',
  D: 'Tidak Baik',
};

const fixed = (value: number | null, decimals: number) => (value === null ? '' : value.toFixed(decimals));

/** The rows every export shares: one per element, then the summary. */
function resultRows(r: UnitResults): { head: string[]; elements: unknown[][]; summary: unknown[][] } {
  const weight = r.result.weightedElements ? roundTo(1 / r.result.weightedElements, 4) : null;
  return {
    head: ['Unsur', 'Jumlah jawaban', 'Jumlah nilai', 'NRR', 'Bobot', 'NRR tertimbang'],
    elements: r.result.elements.map((e) => [
      e.label,
      e.count,
      e.sum,
      e.nrr === null ? null : roundTo(e.nrr, 3),
      e.nrr === null ? null : weight,
      e.nrr === null || weight === null ? null : roundTo(e.nrr * weight, 3),
    ]),
    summary: [
      ['Unit layanan', r.unit.name],
      ['Perangkat daerah', r.unit.opdName],
      ['Periode', r.period.key],
      ['Responden', r.respondents],
      ['Sampel minimum', r.minimumSample],
      ['IKM (1-4)', r.result.ikm === null ? null : roundTo(r.result.ikm, 3)],
      ['IKM konversi (25-100)', r.result.converted],
      ['Mutu pelayanan', r.result.grade ? `${r.result.grade} (${GRADE_WORDS[r.result.grade]})` : null],
    ],
  };
}

/** CSV (UTF-8 with BOM, CRLF): the summary, a blank line, the elements. */
export function resultsCsv(r: UnitResults): string {
  const rows = resultRows(r);
  const lines = [
    ...rows.summary.map((row) => csvLine(row)),
    '',
    csvLine(rows.head),
    ...rows.elements.map((row) => csvLine(row)),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export async function resultsXlsx(r: UnitResults): Promise<Buffer> {
  const rows = resultRows(r);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('IKM');
  for (const row of rows.summary) sheet.addRow(row.map(safeCellValue));
  sheet.addRow([]);
  sheet.addRow(rows.head.map(safeCellValue)).font = { bold: true };
  for (const row of rows.elements) sheet.addRow(row.map(safeCellValue));
  sheet.getColumn(1).width = 42;
  for (const c of [2, 3, 4, 5, 6]) sheet.getColumn(c).width = 16;
  return Buffer.from(await book.xlsx.writeBuffer());
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/** The printable report of a unit for a period (A4). */
export async function resultsPdf(r: UnitResults, generatedAt: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `IKM ${r.unit.name} ${r.period.key}` },
  });
  const done = collect(doc);
  doc.fillColor(NAVY).font('Helvetica-Bold').fontSize(16).text('Laporan Survei Kepuasan Masyarakat (IKM)');
  doc.moveDown(0.3).fillColor(INK).font('Helvetica').fontSize(11);
  doc.text(`${r.unit.name} - ${r.unit.opdName}`);
  doc.text(`Periode ${r.period.key} · dibuat ${generatedAt}`);
  doc.moveDown();
  const rows = resultRows(r);
  for (const [label, value] of rows.summary.slice(3))
    doc
      .font('Helvetica-Bold')
      .text(`${String(label)}: `, { continued: true })
      .font('Helvetica')
      .text(value === null ? '-' : String(value));
  if (r.isSampleTooSmall)
    doc
      .moveDown(0.5)
      .fillColor('#8a1c1c')
      .text(
        `Jumlah responden (${r.respondents}) di bawah sampel minimum (${r.minimumSample}) untuk ${r.population} penerima layanan dalam periode ini; hasil belum mewakili.`,
      );
  doc.moveDown().fillColor(NAVY).font('Helvetica-Bold').fontSize(12).text('Nilai per unsur');
  doc.fillColor(INK).fontSize(10);
  const widths = [210, 70, 60, 55, 95];
  const table = (cells: string[], bold = false) => {
    const y = doc.y;
    let x = doc.page.margins.left;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    cells.forEach((cell, i) => {
      doc.text(cell, x, y, { width: widths[i] - 6 });
      x += widths[i];
    });
    doc.x = doc.page.margins.left;
    doc.moveDown(0.4);
  };
  table(['Unsur', 'Jawaban', 'Nilai', 'NRR', 'NRR tertimbang'], true);
  for (const e of rows.elements)
    table([
      String(e[0]),
      String(e[1]),
      String(e[2]),
      e[3] === null ? '-' : String(e[3]),
      e[5] === null ? '-' : String(e[5]),
    ]);
  if (r.toImprove.length) {
    doc
      .moveDown()
      .fillColor(NAVY)
      .font('Helvetica-Bold')
      .fontSize(12)
      .text('Unsur yang perlu diperbaiki lebih dahulu');
    doc.fillColor(INK).font('Helvetica').fontSize(10);
    r.toImprove.forEach((e, i) => doc.text(`${i + 1}. ${e.label} (NRR ${fixed(e.nrr, 3)})`));
  }
  doc
    .moveDown()
    .fillColor(MUTED)
    .fontSize(8)
    .text(
      'Dihitung menurut PermenPANRB 14/2017: NRR per unsur, bobot 1/jumlah unsur yang dijawab, IKM x 25.',
    );
  return done;
}

/** The A4 poster for the counter: the unit's name, a large QR code of its survey link, the short link. */
export async function posterPdf(unit: { name: string; opdName: string }, link: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: `Survei IKM ${unit.name}` } });
  const done = collect(doc);
  const width = doc.page.width - 112;
  doc
    .fillColor(NAVY)
    .font('Helvetica-Bold')
    .fontSize(28)
    .text('Bagaimana pelayanan kami?', { align: 'center', width });
  doc.moveDown(0.3).fillColor(INK).font('Helvetica').fontSize(16);
  doc.text('Isi Survei Kepuasan Masyarakat, 2 menit, tanpa nama.', { align: 'center', width });
  doc.moveDown(0.5).font('Helvetica-Bold').fontSize(18).text(unit.name, { align: 'center', width });
  doc.font('Helvetica').fontSize(13).fillColor(MUTED).text(unit.opdName, { align: 'center', width });
  const qr = QRCode.create(link, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const side = 300;
  const cell = side / (size + 8);
  const left = (doc.page.width - side) / 2;
  const top = doc.y + 24;
  doc.rect(left, top, side, side).fill('#ffffff');
  for (let row = 0; row < size; row++)
    for (let col = 0; col < size; col++)
      if (qr.modules.get(row, col))
        doc.rect(left + (col + 4) * cell, top + (row + 4) * cell, cell, cell).fill(INK);
  doc.y = top + side + 24;
  doc.x = 56;
  doc
    .fillColor(INK)
    .font('Helvetica')
    .fontSize(14)
    .text('Pindai kode QR dengan kamera ponsel, atau buka:', { align: 'center', width });
  doc
    .moveDown(0.3)
    .font('Helvetica-Bold')
    .fontSize(20)
    .fillColor(NAVY)
    .text(link, { align: 'center', width });
  doc.moveDown(1.5).font('Helvetica').fontSize(11).fillColor(MUTED);
  doc.text(
    'Jawaban Anda dipakai untuk memperbaiki pelayanan (PermenPANRB 14/2017). Data pribadi tidak diminta kecuali Anda ingin dihubungi.',
    { align: 'center', width },
  );
  doc.text('Pemerintah Kota Medan', { align: 'center', width });
  return done;
}
