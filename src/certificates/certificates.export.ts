// The CSV of HR's certificate list: the same scoped filter, formulas neutralised and NIPs kept as
// text (src/web/spreadsheet-safety.ts); every person in it goes to the access log as an export.
import type { Request, Response } from 'express';
import { formatDateWib } from '../core/wib';
import { accessLog } from '../personal-data';
import { requestContext } from '../web/request-context';
import { csvLine, csvNip } from '../web/spreadsheet-safety';
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

export async function exportCsv(req: Request, res: Response, query: CertificateQuery): Promise<void> {
  const filter = await scopedFilter(req.user!, query);
  const found = (await Certificate.find(filter)
    .sort({ issuedAt: -1, _id: -1 })
    .limit(EXPORT_LIMIT)
    .lean()) as Array<CertificateFields & { _id: unknown }>;
  const lines = [csvLine(HEADER)];
  for (const c of found) {
    const content = c.content as CertificateContent;
    const p = content.person;
    lines.push(
      csvLine([
        c.number,
        p.name,
        csvNip(p.nip),
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
      ]),
    );
  }
  await accessLog.record(
    req.user!,
    found.map((c) => c.person),
    'export',
    'daftar sertifikat (CSV)',
    requestContext(req),
  );
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', 'attachment; filename="sertifikat.csv"');
  res.setHeader('Cache-Control', 'no-store');
  res.send('\uFEFF' + lines.join('\r\n') + '\r\n');
}
