// The CSV and XLSX of HR's certificate list: the same scoped filter as the list, formulas
// neutralised and NIPs kept as text (src/web/spreadsheet-safety.ts); every person in an export goes
// to the access log.
import type { Request, Response } from 'express';
import ExcelJS from 'exceljs';
import { formatDateWib } from '../core/wib';
import { accessLog } from '../personal-data';
import { requestContext } from '../web/request-context';
import { csvLine, csvNip, safeCellValue } from '../web/spreadsheet-safety';
import { Certificate, type CertificateFields } from './certificate.model';
import type { CertificateContent } from './content';
import type { CertificateQuery } from './certificates.schemas';
import { scopedFilter } from './certificates.service';

const EXPORT_LIMIT = 20000;
const HEADER = [
  'Nomor',
  'Nama',
  'NIP',
  'Pangkat/Golongan',
  'Jabatan',
  'Unit Kerja',
  'OPD',
  'Pelatihan',
  'Mitra',
  'JP',
  'Tanggal terbit',
  'Status',
  'Alasan pencabutan',
];

/** The rows of the export (NIP as the given function writes it), after recording the access. */
async function exportRows(req: Request, query: CertificateQuery, nip: (n: string) => string, what: string) {
  const filter = await scopedFilter(req.user!, query);
  const found = (await Certificate.find(filter)
    .sort({ issuedAt: -1, _id: -1 })
    .limit(EXPORT_LIMIT)
    .lean()) as Array<CertificateFields & { _id: unknown }>;
  await accessLog.record(
    req.user!,
    found.map((c) => c.person),
    'export',
    what,
    requestContext(req),
  );
  return found.map((c) => {
    const content = c.content as CertificateContent;
    const p = content.person;
    return [
      c.number,
      p.name,
      nip(p.nip),
      p.pangkat,
      p.jabatan,
      p.unitKerja,
      p.opd.name,
      content.course.title,
      content.course.partner.name,
      content.jp,
      formatDateWib(c.issuedAt, 'id'),
      c.status === 'revoked' ? 'dicabut' : 'sah',
      c.revokedReason ?? '',
    ];
  });
}

function attachment(res: Response, type: string, name: string) {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

export async function exportCsv(req: Request, res: Response, query: CertificateQuery): Promise<void> {
  const rows = await exportRows(req, query, csvNip, 'daftar sertifikat (CSV)');
  attachment(res, 'text/csv; charset=utf-8', 'sertifikat.csv');
  res.send('\uFEFF' + [HEADER, ...rows].map(csvLine).join('\r\n') + '\r\n');
}

export async function exportXlsx(req: Request, res: Response, query: CertificateQuery): Promise<void> {
  const rows = await exportRows(req, query, (n) => n, 'daftar sertifikat (XLSX)');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Sertifikat');
  sheet.addRow(HEADER).font = { bold: true };
  for (const row of rows) sheet.addRow(row.map(safeCellValue));
  sheet.getColumn(3).numFmt = '@'; // NIPs are text: all 18 digits stay
  attachment(res, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'sertifikat.xlsx');
  await workbook.xlsx.write(res);
  res.end();
}
