// CSV export of the people an actor may see (the same scope and filters as the list page), in the
// import file's columns so that an export can be corrected and imported again. Spreadsheet formulas
// are neutralised and NIPs written in their spaced form, which spreadsheets keep as text
// (src/web/spreadsheet-safety.ts); every exported person is recorded in the access log.
import { Types } from 'mongoose';
import type { Actor } from '../core/actor';
import type { AuditContext } from '../audit';
import { accessLog } from '../personal-data';
import { Forbidden } from '../web/errors';
import { csvLine, csvNip } from '../web/spreadsheet-safety';
import { User } from './user.model';
import type { ListQuery } from './users.schemas';
import { canAdministerPeople, peopleScope } from './users.service';

const EXPORT_LIMIT = 20000;
const EXPORT_HEADER = [
  'NIP',
  'Nama',
  'Email',
  'Jenis',
  'Golongan',
  'Jabatan',
  'Unit Kerja',
  'Kode OPD',
  'Status',
  'Peran',
];

interface ExportRow {
  _id: Types.ObjectId;
  nip?: string | null;
  name: string;
  email?: string | null;
  employeeType: string;
  golongan?: string | null;
  jabatan?: string | null;
  unitKerja?: string | null;
  opd?: { code: string } | null;
  status: string;
  roles: string[];
}

const TYPE_WORDS: Record<string, string> = { pns: 'PNS', pppk: 'PPPK', non_asn: 'Non ASN' };

/** The CSV text (UTF-8 with BOM, CRLF) of the people in scope matching the list filters. */
export async function exportPeopleCsv(
  actor: Actor,
  query: ListQuery,
  context: AuditContext = {},
): Promise<string> {
  if (!canAdministerPeople(actor)) throw new Forbidden();
  const conditions: object[] = [peopleScope(actor)];
  if (query.opd) conditions.push({ opd: query.opd });
  if (query.role) conditions.push({ roles: query.role });
  if (query.status) conditions.push({ status: query.status });
  const people = await User.find({ $and: conditions })
    .select('nip name email employeeType golongan jabatan unitKerja opd status roles')
    .populate('opd', 'code')
    .sort({ name: 1, _id: 1 })
    .limit(EXPORT_LIMIT)
    .lean<ExportRow[]>();
  await accessLog.record(
    actor,
    people.map((p) => p._id),
    'export',
    'users.export.csv',
    context,
  );
  const lines = [EXPORT_HEADER.join(',')];
  for (const p of people) {
    const cells = [
      csvNip(p.nip ?? ''),
      p.name,
      p.email ?? '',
      TYPE_WORDS[p.employeeType] ?? '',
      p.golongan ?? '',
      p.jabatan ?? '',
      p.unitKerja ?? '',
      p.opd?.code ?? '',
      p.status,
      p.roles.join(' '),
    ];
    lines.push(csvLine(cells));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
