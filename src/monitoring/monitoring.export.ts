// Every table of the dashboard as CSV and XLSX, with the page's filters applied (the same Dashboard
// object the page renders, so a file can never hold more than the page). Text cells are neutralised
// against spreadsheet formulas (src/web/spreadsheet-safety.ts); a rate the page shows as "—" is an
// empty cell. Exporting the people below target is recorded in the access log, person by person.
import ExcelJS from 'exceljs';
import type { Actor } from '../core/actor';
import { accessLog } from '../personal-data';
import type { RequestContext } from '../web/request-context';
import { csvLine, csvNip, safeCellValue, TEXT_FORMAT } from '../web/spreadsheet-safety';
import { JP_BANDS, type Figures } from './monitoring.figures';
import type { TableName } from './monitoring.schemas';
import type { Dashboard } from './monitoring.service';

type Translate = (key: string, options?: Record<string, unknown>) => string;
type Cell = string | number | null;

export interface Table {
  title: string;
  header: string[];
  rows: Cell[][];
  /** Columns holding NIPs (written as text). */
  nipColumns: number[];
}

const figureHeader = (t: Translate) => [
  t('monitoring.col.people'),
  t('monitoring.col.enrolled'),
  t('monitoring.col.inProgress'),
  t('monitoring.col.completed'),
  t('monitoring.col.completionRate'),
  t('monitoring.col.overdue'),
  t('monitoring.col.attained'),
  t('monitoring.col.attainmentRate'),
  ...JP_BANDS.map((b) => t('monitoring.col.band', { band: b })),
];

const figureCells = (f: Figures): Cell[] => [
  f.people,
  f.enrolled,
  f.inProgress,
  f.completed,
  f.completionRate,
  f.overdue,
  f.attained,
  f.attainmentRate,
  ...JP_BANDS.map((b) => f.bands[b]),
];

/** The rows of one table of the dashboard, in the page's language. */
export function tableOf(view: Dashboard, table: TableName, t: Translate): Table {
  switch (table) {
    case 'ringkasan':
      return {
        title: t('monitoring.tables.summary'),
        header: figureHeader(t),
        rows: [figureCells(view.totals)],
        nipColumns: [],
      };
    case 'unit':
      return {
        title: t('monitoring.tables.unit'),
        header: [t('monitoring.col.unit'), ...figureHeader(t)],
        rows: view.byUnit.map((r) => [r.key || t('monitoring.none'), ...figureCells(r)]),
        nipColumns: [],
      };
    case 'golongan':
      return {
        title: t('monitoring.tables.golongan'),
        header: [t('monitoring.col.golongan'), ...figureHeader(t)],
        rows: view.byGolongan.map((r) => [r.key || t('monitoring.none'), ...figureCells(r)]),
        nipColumns: [],
      };
    case 'di-bawah-target':
      return {
        title: t('monitoring.tables.below'),
        header: [
          t('monitoring.col.nip'),
          t('monitoring.col.name'),
          t('monitoring.col.unit'),
          t('monitoring.col.golongan'),
          t('monitoring.col.jp'),
        ],
        rows: view.below.map((r) => [r.nip, r.name, r.unitKerja, r.golongan, r.jp]),
        nipColumns: [0],
      };
    case 'tren':
      return {
        title: t('monitoring.tables.trend'),
        header: [
          t('monitoring.col.month'),
          t('monitoring.col.enrolled'),
          t('monitoring.col.completed'),
          t('monitoring.col.jp'),
        ],
        rows: view.trend.map((r) => [r.month, r.enrolled, r.completed, r.jp]),
        nipColumns: [],
      };
    case 'opd':
      return {
        title: t('monitoring.tables.ranking'),
        header: [t('monitoring.col.rank'), t('monitoring.col.opd'), ...figureHeader(t)],
        rows: view.ranking.map((r) => [r.rank, r.name, ...figureCells(r)]),
        nipColumns: [],
      };
    case 'kompetensi':
      return {
        title: t('monitoring.tables.competency'),
        header: [t('monitoring.col.competencyType'), t('monitoring.col.enrolled'), t('monitoring.col.share')],
        rows: view.competency.map((r) => [t(`courses.competency.${r.type}`), r.enrolled, r.share]),
        nipColumns: [],
      };
  }
}

/** CSV text (UTF-8 with BOM, CRLF). */
export function tableCsv(table: Table): string {
  const lines = [csvLine(table.header)];
  for (const row of table.rows)
    lines.push(
      csvLine(row.map((cell, i) => (table.nipColumns.includes(i) ? csvNip(String(cell ?? '')) : cell))),
    );
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** An XLSX workbook of one sheet: numbers as numbers, NIPs and other text as text. */
export async function tableXlsx(table: Table): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'BinaASN';
  workbook.created = new Date(0);
  workbook.modified = new Date(0);
  const sheet = workbook.addWorksheet(table.title.slice(0, 31).replace(/[\\/?*[\]:]/g, ' '));
  sheet.addRow(table.header.map(safeCellValue)).font = { bold: true };
  for (const row of table.rows) {
    const added = sheet.addRow(row.map(safeCellValue));
    for (const i of table.nipColumns) added.getCell(i + 1).numFmt = TEXT_FORMAT;
  }
  sheet.columns.forEach((column, i) => (column.width = i === 0 ? 24 : 14));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Records whose data leaves in an export: the people listed below target. */
export async function recordExport(actor: Actor, view: Dashboard, table: TableName, context: RequestContext) {
  if (table !== 'di-bawah-target') return;
  await accessLog.record(
    actor,
    view.below.map((r) => r.id),
    'export',
    'monitoring.export.below',
    context,
  );
}

/** The PDF report lists every person below target: each is recorded as exported, like the CSV. */
export async function recordReport(actor: Actor, view: Dashboard, context: RequestContext) {
  await accessLog.record(
    actor,
    view.below.map((r) => r.id),
    'export',
    'monitoring.report.pdf',
    context,
  );
}
