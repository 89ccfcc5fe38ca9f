// Institutions: OPDs of Kota Medan and partner universities, managed by curators and admins.
// Every change is audited. Deactivated institutions stay (people and courses refer to them).
import { trusted, Types } from 'mongoose';
import type { Actor } from '../core/actor';
import { audit, type AuditContext } from '../audit';
import { containing } from '../db/literal-regex';
import { paginate } from '../db/pagination';
import { duplicateKeyField } from '../db/duplicate-key';
import { Conflict, DuplicateKey, Forbidden, NotFound, ValidationFailed } from '../web/errors';
import { Institution, type InstitutionKind } from './institution.model';
import type { InstitutionInput, InstitutionQuery } from './institutions.schemas';

export const PAGE_SIZE = 50;

/** A code already taken: 409 with a message next to the code field. */
const codeTaken = () => new DuplicateKey('code', 'institutions.errors.codeTaken');

export function canManageInstitutions(actor: Actor): boolean {
  return actor.roles.includes('admin') || actor.roles.includes('curator');
}

function assertManager(actor: Actor): void {
  if (!canManageInstitutions(actor)) throw new Forbidden();
}

export async function listInstitutions(actor: Actor, query: InstitutionQuery) {
  assertManager(actor);
  const filter: Record<string, unknown> = {};
  if (query.kind) filter.kind = query.kind;
  if (query.q) {
    const text = containing(query.q);
    filter.$or = [{ name: text }, { code: text }];
  }
  return paginate(
    query.page,
    PAGE_SIZE,
    () => Institution.countDocuments(filter),
    (skip, limit) =>
      Institution.find(filter)
        .select('code name kind active cityWideHr')
        .sort({ kind: 1, name: 1 })
        .skip(skip)
        .limit(limit)
        .lean(),
  );
}

export async function getInstitution(actor: Actor, id: string) {
  assertManager(actor);
  const institution = Types.ObjectId.isValid(id)
    ? await Institution.findById(id).select('code name kind active cityWideHr logo').lean()
    : null;
  if (!institution) throw new NotFound('institution');
  return institution;
}

/** Active institutions of a kind, for choosing in other forms (no role needed to read names). */
export async function activeOfKind(kind: InstitutionKind) {
  return Institution.find({ kind, active: true }).select('code name').sort({ name: 1 }).lean();
}

async function assertCodeFree(code: string, exceptId?: string): Promise<void> {
  const found = await Institution.findOne({ code }).select('_id').lean();
  if (found && String(found._id) !== exceptId) throw codeTaken();
}

async function saveOrDuplicate(doc: { save(): Promise<unknown> }): Promise<void> {
  try {
    await doc.save();
  } catch (error) {
    if (duplicateKeyField(error, ['code'] as const)) throw codeTaken();
    throw error;
  }
}

export async function createInstitution(
  actor: Actor,
  input: InstitutionInput,
  context: AuditContext = {},
): Promise<string> {
  assertManager(actor);
  await assertCodeFree(input.code);
  const institution = new Institution(input);
  await saveOrDuplicate(institution);
  await audit.record(
    actor,
    {
      action: 'institution.create',
      targetType: 'institution',
      targetId: institution._id,
      targetLabel: institution.name,
      after: input,
    },
    context,
  );
  return String(institution._id);
}

export async function updateInstitution(
  actor: Actor,
  id: string,
  input: InstitutionInput,
  context: AuditContext = {},
): Promise<void> {
  assertManager(actor);
  const institution = Types.ObjectId.isValid(id) ? await Institution.findById(id) : null;
  if (!institution) throw new NotFound('institution');
  await assertCodeFree(input.code, id);
  // The city-wide HR flag holds only for an OPD: its kind stays until an admin takes the flag away.
  if (institution.cityWideHr && input.kind !== 'opd')
    throw new ValidationFailed({ kind: 'institutions.errors.cityWideKind' });
  const before = { code: institution.code, name: institution.name, kind: institution.kind };
  institution.set(input);
  await saveOrDuplicate(institution);
  await audit.record(
    actor,
    {
      action: 'institution.update',
      targetType: 'institution',
      targetId: institution._id,
      targetLabel: institution.name,
      before,
      after: input,
    },
    context,
  );
}

export async function setActive(
  actor: Actor,
  id: string,
  active: boolean,
  context: AuditContext = {},
): Promise<void> {
  assertManager(actor);
  const institution = Types.ObjectId.isValid(id) ? await Institution.findById(id) : null;
  if (!institution) throw new NotFound('institution');
  if (institution.active === active) return;
  institution.active = active;
  await institution.save();
  const action = active ? 'institution.activate' : 'institution.deactivate';
  await audit.record(
    actor,
    {
      action,
      targetType: 'institution',
      targetId: institution._id,
      targetLabel: institution.name,
      before: { active: !active },
      after: { active },
    },
    context,
  );
}

/**
 * Gives (or takes away) the HR staff of an OPD the view of every OPD's people. Admins only, for
 * OPDs only, audited; the change applies to those HR staff on their next request (the flag is
 * read fresh for every request, see isCityWideHrOpd).
 */
export async function setCityWideHr(
  actor: Actor,
  id: string,
  cityWideHr: boolean,
  context: AuditContext = {},
): Promise<void> {
  if (!actor.roles.includes('admin')) throw new Forbidden();
  const institution = Types.ObjectId.isValid(id) ? await Institution.findById(id) : null;
  if (!institution) throw new NotFound('institution');
  if (institution.kind !== 'opd') throw new Conflict('institutions.errors.cityWideNotOpd');
  if (institution.cityWideHr === cityWideHr) return;
  institution.cityWideHr = cityWideHr;
  await institution.save();
  await audit.record(
    actor,
    {
      action: cityWideHr ? 'institution.cityWideHr.grant' : 'institution.cityWideHr.revoke',
      targetType: 'institution',
      targetId: institution._id,
      targetLabel: institution.name,
      before: { cityWideHr: !cityWideHr },
      after: { cityWideHr },
    },
    context,
  );
}

/**
 * Adds the institutions not stored yet (matched by code) and leaves the others alone, as the demo
 * seed wants; returns how many were created and the id of every wanted code.
 */
export async function addMissingInstitutions(
  wanted: Array<{ code: string; name: string; kind: InstitutionKind; cityWideHr?: boolean }>,
): Promise<{ created: number; ids: Map<string, Types.ObjectId> }> {
  const codes = wanted.map((w) => w.code);
  const present = new Set(
    (await Institution.find({ code: trusted({ $in: codes }) }, { code: 1 }).lean()).map((p) => p.code),
  );
  const missing = wanted.filter((w) => !present.has(w.code));
  if (missing.length) await Institution.insertMany(missing);
  const all = await Institution.find({ code: trusted({ $in: codes }) }, { code: 1 }).lean();
  return { created: missing.length, ids: new Map(all.map((i) => [i.code, i._id])) };
}
