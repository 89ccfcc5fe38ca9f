// Import of people from CSV/XLSX: upload → stored preview with per-row problems → confirm, which
// applies the valid rows idempotently by NIP, in one transaction where the database supports it.
// Every row is held to the same scope rule as the people pages (peopleScope / OPD of the actor).
import { trusted, type ClientSession, type Types } from 'mongoose';
import type { Actor } from '../../core/actor';
import { audit, type AuditContext } from '../../audit';
import { inTransaction } from '../../db/transactions';
import { opdsByCode } from '../../institutions';
import { Conflict, Forbidden, NotFound } from '../../web/errors';
import { User } from '../user.model';
import { canAdministerPeople, seesEveryone } from '../users.service';
import { parseSpreadsheet } from '../../web/spreadsheet-table';
import { checkRow, mapHeader, rejectRepeats, type CheckedRow, type PersonRecord } from './import.rows';
import { ImportPreview, type ImportAction } from './import-preview.model';

export type Counts = Record<ImportAction, number>;

export class ImportFileRejected extends Error {
  constructor(
    public readonly messageKey: string,
    public readonly detail: string[] = [],
  ) {
    super(messageKey);
  }
}

interface ResolvedRow extends CheckedRow {
  action: ImportAction;
  opdId?: Types.ObjectId;
}

/** A row whose NIP or email someone outside the actor's scope holds (see resolveRows). */
const NOT_IMPORTABLE = 'users.import.errors.notImportable';

const PERSON_FIELDS = ['name', 'email', 'employeeType', 'golongan', 'jabatan', 'unitKerja'] as const;

interface ExistingPerson {
  _id: Types.ObjectId;
  nip?: string | null;
  email?: string | null;
  name: string;
  employeeType: string;
  golongan?: string | null;
  jabatan?: string | null;
  unitKerja?: string | null;
  opd?: Types.ObjectId | null;
  roles: string[];
}

function differs(existing: ExistingPerson, record: PersonRecord, opdId: Types.ObjectId | undefined): boolean {
  for (const field of PERSON_FIELDS) {
    if ((existing[field] ?? '') !== (record[field] ?? '')) return true;
  }
  return String(existing.opd ?? '') !== String(opdId ?? '');
}

/** Holds each checked row against the database and the actor's scope; decides create/update/unchanged/reject. */
async function resolveRows(
  actor: Actor,
  rows: CheckedRow[],
  session?: ClientSession,
): Promise<ResolvedRow[]> {
  const opdByCode = await opdsByCode(session);
  const ownOpd = [...opdByCode.values()].find((o) => String(o._id) === actor.opdId);
  const valid = rows.filter((r) => r.record);
  const nips = valid.map((r) => r.record!.nip);
  const emails = valid.map((r) => r.record!.email).filter((e): e is string => !!e);
  const fields = 'nip email name employeeType golongan jabatan unitKerja opd roles';
  const byNip = new Map(
    (
      await User.find({ nip: trusted({ $in: nips }) })
        .select(fields)
        .session(session ?? null)
        .lean<ExistingPerson[]>()
    ).map((u) => [u.nip!, u]),
  );
  const emailOwners = new Map(
    (
      await User.find({ email: trusted({ $in: emails }) })
        .select('nip email opd')
        .session(session ?? null)
        .lean<ExistingPerson[]>()
    ).map((u) => [u.email!, u]),
  );
  const everyone = seesEveryone(actor);
  return rows.map((row): ResolvedRow => {
    const record = row.record;
    if (!record) return { ...row, action: 'reject' };
    const errors = [...row.errors];
    let opdId: Types.ObjectId | undefined;
    if (everyone) {
      const opd = record.opdCode ? opdByCode.get(record.opdCode) : undefined;
      if (!record.opdCode) errors.push('users.import.errors.opdRequired');
      else if (!opd) errors.push('users.import.errors.opdUnknown');
      else if (!opd.active) errors.push('users.import.errors.opdInactive');
      else opdId = opd._id;
    } else if (!ownOpd || (record.opdCode && record.opdCode !== ownOpd.code)) {
      errors.push('users.import.errors.otherOpd');
    } else {
      opdId = ownOpd._id;
    }
    // Someone outside the actor's scope holds this NIP or email. The row is refused (the values stay
    // unique) with the same words whatever the reason, naming no OPD: the import must not tell an
    // OPD's HR where a NIP or email lives. The refusal is audited (previewImport).
    const isOutOfScope = (p: ExistingPerson | undefined) =>
      !!p && !everyone && String(p.opd ?? '') !== actor.opdId;
    const existing = byNip.get(record.nip);
    const emailOwner = record.email ? emailOwners.get(record.email) : undefined;
    const takenElsewhere =
      isOutOfScope(existing) || (isOutOfScope(emailOwner) && emailOwner!.nip !== record.nip);
    if (takenElsewhere) errors.push(NOT_IMPORTABLE);
    else if (existing && !actor.roles.includes('admin') && existing.roles.some((r) => r !== 'learner'))
      errors.push('users.import.errors.notManageable');
    if (!takenElsewhere && emailOwner && emailOwner.nip !== record.nip)
      errors.push('users.errors.emailTaken');
    if (errors.length) return { ...row, errors, record: undefined, action: 'reject' };
    const action: ImportAction = !existing
      ? 'create'
      : differs(existing, record, opdId)
        ? 'update'
        : 'unchanged';
    return { ...row, errors, action, opdId };
  });
}

function countOf(rows: { action: ImportAction }[]): Counts {
  const counts: Counts = { create: 0, update: 0, unchanged: 0, reject: 0 };
  for (const row of rows) counts[row.action]++;
  return counts;
}

/** Checks an uploaded file and stores the preview; returns its id. Throws ImportFileRejected for a bad file. */
export async function previewImport(
  actor: Actor,
  file: { bytes: Buffer; fileName: string },
  context: AuditContext = {},
): Promise<string> {
  if (!canAdministerPeople(actor)) throw new Forbidden();
  const table = await parseSpreadsheet(file.bytes);
  if (!table.ok) throw new ImportFileRejected(table.error);
  const header = mapHeader(table.header);
  if (!header.ok) throw new ImportFileRejected(header.error, header.missing);
  const checked = table.rows.map((cells, i) => checkRow(cells, header.index, i + 2));
  rejectRepeats(checked);
  const rows = await resolveRows(actor, checked);
  const preview = await ImportPreview.create({
    owner: actor.id,
    fileName: file.fileName.slice(0, 255),
    kind: table.kind,
    rows: rows.map((r) => ({
      line: r.line,
      values: r.values,
      record: r.record,
      problems: r.errors,
      action: r.action,
    })),
    counts: countOf(rows),
  });
  await auditOutOfScope(actor, String(preview._id), rows, context);
  return String(preview._id);
}

/**
 * Records an import that named people outside the actor's scope (lines and count, not the NIPs):
 * one file can probe thousands of NIPs, so admins must be able to see who tried.
 */
async function auditOutOfScope(
  actor: Actor,
  previewId: string,
  rows: ResolvedRow[],
  context: AuditContext,
): Promise<void> {
  const lines = rows.filter((r) => r.errors.includes(NOT_IMPORTABLE)).map((r) => r.line);
  if (lines.length === 0) return;
  await audit.record(
    actor,
    {
      action: 'user.import.outOfScope',
      targetType: 'import',
      targetId: previewId,
      after: { rows: lines.length, lines: lines.slice(0, 100) },
    },
    context,
  );
}

/** The actor's own preview; anyone else's answers like a missing id. */
export async function getPreview(actor: Actor, id: string) {
  const preview = await ImportPreview.findOne({ _id: id, owner: actor.id }).lean();
  if (!preview) throw new NotFound('import preview');
  return preview;
}

function fieldsOf(row: ResolvedRow) {
  const record = row.record!;
  return {
    name: record.name,
    email: record.email,
    employeeType: record.employeeType,
    golongan: record.golongan,
    jabatan: record.jabatan,
    unitKerja: record.unitKerja,
    opd: row.opdId,
  };
}

const INSERT_BATCH = 500;

/** Writes the rows: new people in validated batches, changed people one by one through their documents. */
async function applyRows(rows: ResolvedRow[], session?: ClientSession): Promise<void> {
  // No password yet for new people: HR or an admin sets a temporary one when they need to sign in.
  const creates = rows
    .filter((r) => r.action === 'create')
    .map((r) => ({ nip: r.record!.nip, ...fieldsOf(r), roles: ['learner'] }));
  for (let i = 0; i < creates.length; i += INSERT_BATCH) {
    await User.insertMany(creates.slice(i, i + INSERT_BATCH), { session, ordered: true });
  }
  for (const row of rows.filter((r) => r.action === 'update')) {
    const person = await User.findOne({ nip: row.record!.nip }).session(session ?? null);
    if (!person) throw new Conflict('users.import.errors.changedMeanwhile');
    person.set(fieldsOf(row));
    await person.save({ session });
  }
}

/**
 * Applies the valid rows of a preview. The rows are checked again against the database as it is
 * now; the writes happen all together or not at all. Confirming twice changes nothing the second time.
 */
export async function confirmImport(
  actor: Actor,
  id: string,
  now: Date,
  context: AuditContext = {},
): Promise<Counts> {
  const preview = await ImportPreview.findOne({ _id: id, owner: actor.id });
  if (!preview) throw new NotFound('import preview');
  if (preview.appliedAt && preview.result) return { ...(preview.result as Counts) };
  const checked: CheckedRow[] = preview.rows.map((r) => ({
    line: r.line,
    values: r.values,
    record: r.record ?? undefined,
    errors: [...r.problems],
  }));
  const result = await inTransaction(async (session) => {
    const rows = await resolveRows(actor, checked, session);
    await applyRows(rows, session);
    return countOf(rows);
  });
  preview.appliedAt = now;
  preview.result = result;
  await preview.save();
  await audit.record(
    actor,
    {
      action: 'user.import',
      targetType: 'import',
      targetId: preview._id,
      targetLabel: preview.fileName,
      after: result,
    },
    context,
  );
  return result;
}
