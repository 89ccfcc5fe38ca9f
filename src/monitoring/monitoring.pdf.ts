// The printable report of an OPD (or the city) for a WIB year, for the head of the OPD: the
// figures, the JP bands and the 12-month trend as bar charts (drawn as vectors, each with its
// numbers written beside the bars), the tables per unit kerja and per golongan, and every person
// below the 20 JP target. Built from the same Dashboard the page renders and from the same rows
// the CSV/XLSX exports write (tableOf), so the PDF can never show another number or more people.
import PDFDocument from 'pdfkit';
import { JP_BANDS } from './monitoring.figures';
import { tableOf, type Table } from './monitoring.export';
import type { Dashboard } from './monitoring.service';

type Translate = (key: string, options?: Record<string, unknown>) => string;

const NAVY = '#0b3954';
const INK = '#1b1b1b';
const MUTED = '#4a5560';
const BAR = '#1d6fa5';
const MARGIN = 40;

export interface ReportHeading {
  /** The OPD's name, or the city's when no OPD is chosen. */
  scope: string;
  generatedAt: string;
  /** The clock's time: the PDF's creation date, so the same data gives the same bytes. */
  now: Date;
}

/** The document's bytes once it is ended (listening from the start, so nothing is missed). */
function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

const cellText = (cell: string | number | null) => (cell === null ? '-' : String(cell));

function heading(doc: PDFKit.PDFDocument, text: string): void {
  if (doc.y > doc.page.height - MARGIN - 80) doc.addPage();
  doc.x = MARGIN;
  doc.moveDown(0.8).fillColor(NAVY).font('Helvetica-Bold').fontSize(12).text(text);
  doc.moveDown(0.3).fillColor(INK).font('Helvetica').fontSize(8);
}

/** A table over the page's width (first column wider), its header repeated on every new page. */
function drawTable(doc: PDFKit.PDFDocument, table: Table, firstWidth: number): void {
  const usable = doc.page.width - 2 * MARGIN;
  const rest = (usable - firstWidth) / Math.max(1, table.header.length - 1);
  const widths = table.header.map((_, i) => (i === 0 ? firstWidth : rest));
  const row = (cells: Array<string | number | null>, bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    const height = Math.max(
      ...cells.map((c, i) => doc.heightOfString(cellText(c), { width: widths[i] - 4 })),
    );
    if (doc.y + height > doc.page.height - MARGIN) {
      doc.addPage();
      if (!bold) row(table.header, true);
    }
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((cell, i) => {
      doc.text(cellText(cell), x, y, {
        width: widths[i] - 4,
        align: typeof cell === 'number' ? 'right' : 'left',
      });
      x += widths[i];
    });
    doc.x = MARGIN;
    doc.y = y + height + 3;
  };
  row(table.header, true);
  if (table.rows.length === 0) doc.text('-');
  for (const cells of table.rows) row(cells, false);
}

/** Bars with their value above and their label below; the numbers are also in the tables. */
function drawBars(doc: PDFKit.PDFDocument, title: string, data: Array<{ label: string; value: number }>) {
  const width = doc.page.width - 2 * MARGIN;
  const height = 110;
  if (doc.y + height + 40 > doc.page.height - MARGIN) doc.addPage();
  doc.font('Helvetica-Bold').fontSize(9).fillColor(INK).text(title, MARGIN);
  const top = doc.y + 12;
  const max = Math.max(1, ...data.map((d) => d.value));
  const slot = width / Math.max(1, data.length);
  doc.font('Helvetica').fontSize(7);
  data.forEach((d, i) => {
    const h = Math.round((d.value / max) * height);
    const x = MARGIN + i * slot + slot * 0.15;
    if (h > 0) doc.rect(x, top + height - h, slot * 0.7, h).fill(BAR);
    doc.fillColor(INK).text(String(d.value), x, top + height - h - 9, { width: slot * 0.7, align: 'center' });
    doc.text(d.label, x - slot * 0.1, top + height + 3, { width: slot * 0.9, align: 'center' });
  });
  doc
    .moveTo(MARGIN, top + height)
    .lineTo(MARGIN + width, top + height)
    .strokeColor(MUTED)
    .stroke();
  doc.x = MARGIN;
  doc.y = top + height + 18;
}

/** The report as an A4 landscape PDF, in the reader's language. */
export async function dashboardPdf(view: Dashboard, t: Translate, head: ReportHeading): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    info: { Title: `${t('monitoring.report.title')} ${head.scope} ${view.year}`, CreationDate: head.now },
  });
  const done = collect(doc);
  doc.fillColor(NAVY).font('Helvetica-Bold').fontSize(16).text(t('monitoring.report.title'));
  doc.moveDown(0.3).fillColor(INK).font('Helvetica').fontSize(11).text(head.scope);
  const filters = [
    view.filters.unit && `${t('monitoring.col.unit')}: ${view.filters.unit}`,
    view.filters.golongan && `${t('monitoring.col.golongan')}: ${view.filters.golongan}`,
  ].filter(Boolean);
  doc.text([t('monitoring.report.period', { year: view.year }), ...filters].join(' · '));
  doc
    .fillColor(MUTED)
    .fontSize(9)
    .text(t('monitoring.report.generated', { at: head.generatedAt }));

  heading(doc, t('monitoring.tables.summary'));
  const summary = tableOf(view, 'ringkasan', t);
  summary.header.forEach((label, i) =>
    doc
      .font('Helvetica-Bold')
      .fontSize(10)
      .text(`${label}: `, { continued: true })
      .font('Helvetica')
      .text(cellText(summary.rows[0][i])),
  );
  doc.moveDown(0.5);
  drawBars(
    doc,
    t('monitoring.bandsTitle', { year: view.year }),
    JP_BANDS.map((b) => ({ label: `${b} JP`, value: view.totals.bands[b] })),
  );
  drawBars(
    doc,
    t('monitoring.charts.trendTitle'),
    view.trend.map((m) => ({ label: m.month, value: m.completed })),
  );
  for (const name of ['tren', 'unit', 'golongan', 'opd', 'kompetensi', 'di-bawah-target'] as const) {
    const table = tableOf(view, name, t);
    if (name === 'opd' && table.rows.length === 0) continue;
    heading(doc, table.title);
    if (name === 'di-bawah-target')
      doc.text(t('monitoring.belowNote', { count: view.below.length, year: view.year })).moveDown(0.3);
    drawTable(doc, table, name === 'di-bawah-target' || name === 'tren' ? 110 : 150);
  }
  doc.end();
  return done;
}
