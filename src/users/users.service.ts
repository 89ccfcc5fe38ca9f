// People administration: who may see and change whom, and the changes themselves. No req/res here.
// Every query that reads people for someone goes through peopleScope(actor): list, detail, edit,
// export, import and dashboard alike (SECURITY.md: one rule, every channel).
import { randomInt } from 'node:crypto';
import { trusted, Types, type FilterQuery } from 'mongoose';
import type { Actor } from '../core/actor';
import type { Role } from '../core/roles';
import { checkPasswordPolicy, hashPassword } from './passwords';
import type { PasswordPolicy } from '../config';
import { audit, type AuditContext } from '../audit';
import { containing } from '../db/literal-regex';
import { paginate, type Page } from '../db/pagination';
import { accessLog } from '../personal-data';
import { institutionChoices, isInstitutionOfKind } from '../institutions';
import { duplicateKeyField } from '../db/duplicate-key';
import {
  Conflict,
  DuplicateKey,
  Forbidden,
  NotFound,
  TooManyRequests,
  ValidationFailed,
} from '../web/errors';
import { User, type UserFields } from './user.model';
import type { ListQuery, PersonInput } from './users.schemas';

export const PAGE_SIZE = 25;

/** A filter that matches no document: for actors who may see nobody. */
const NOBODY_ID = '000000000000000000000000';
const NOBODY: FilterQuery<UserFields> = { _id: trusted({ $in: [] }) } as FilterQuery<UserFields>;

/** Whether the actor administers people at all (admin, or HR of an OPD or of BKPSDM). */
export function canAdministerPeople(actor: Actor): boolean {
  return actor.roles.includes('admin') || actor.roles.includes('hr');
}

/** Whether the actor sees every OPD's people (admins and BKPSDM HR). */
export function seesEveryone(actor: Actor): boolean {
  return actor.roles.includes('admin') || (actor.roles.includes('hr') && actor.seesAllOpds);
}

/** The people this actor may see and manage, as a Mongo filter. */
export function peopleScope(actor: Actor): FilterQuery<UserFields> {
  if (seesEveryone(actor)) return {};
  if (actor.roles.includes('hr') && actor.opdId) return { opd: actor.opdId };
  return NOBODY;
}

/** HR manage learners only; accounts holding other roles are the admins' to change. */
export function canManage(actor: Actor, person: { roles?: string[] | null }): boolean {
  if (actor.roles.includes('admin')) return true;
  return actor.roles.includes('hr') && (person.roles ?? []).every((r) => r === 'learner');
}

export type PeoplePage = Page<PersonRow>;

export interface PersonRow {
  _id: Types.ObjectId;
  nip?: string | null;
  name: string;
  email?: string | null;
  jabatan?: string | null;
  roles: Role[];
  status: 'active' | 'inactive';
  opd?: { _id: Types.ObjectId; code: string; name: string } | null;
}

export async function listPeople(actor: Actor, query: ListQuery, pageSize = PAGE_SIZE): Promise<PeoplePage> {
  const conditions: FilterQuery<UserFields>[] = [peopleScope(actor)];
  if (query.q) {
    const digits = query.q.replace(/[\s.-]/g, '');
    const text = containing(query.q);
    const or: FilterQuery<UserFields>[] = [{ name: text }, { email: text }, { jabatan: text }];
    // eslint-disable-next-line security/detect-non-literal-regexp -- digits only
    if (/^\d{3,18}$/.test(digits)) or.push({ nip: new RegExp(`^${digits}`) });
    conditions.push({ $or: or });
  }
  if (query.opd) conditions.push({ opd: query.opd });
  if (query.role) conditions.push({ roles: query.role });
  if (query.status) conditions.push({ status: query.status });
  const filter = { $and: conditions };
  return paginate(
    query.page,
    pageSize,
    () => User.countDocuments(filter),
    (skip, limit) =>
      User.find(filter)
        .select('nip name email jabatan roles status opd')
        .populate('opd', 'code name')
        .sort({ name: 1, _id: 1 })
        .skip(skip)
        .limit(limit)
        .lean<PersonRow[]>(),
  );
}

const DETAIL_FIELDS =
  'nip name email employeeType golongan jabatan unitKerja opd institution roles status language mustChangePassword lastLoginAt createdAt updatedAt';

/** One person in the actor's scope; someone outside it is NotFound exactly like a missing id. */
export async function getPerson(actor: Actor, id: string) {
  const person = await User.findOne({ $and: [peopleScope(actor), { _id: id }] })
    .select(DETAIL_FIELDS)
    .populate('opd', 'code name')
    .populate('institution', 'code name')
    .lean();
  if (!person) throw new NotFound('person');
  return person;
}

/** getPerson for showing the person to the actor: the view is recorded in the access log. */
export async function viewPerson(actor: Actor, id: string, what: string, context: AuditContext = {}) {
  const person = await getPerson(actor, id);
  await accessLog.record(actor, person._id, 'view', what, context);
  return person;
}

async function loadManaged(actor: Actor, id: string) {
  const person = await User.findOne({ $and: [peopleScope(actor), { _id: id }] });
  if (!person) throw new NotFound('person');
  if (!canManage(actor, person)) throw new Forbidden('users.errors.notYours');
  return person;
}

/** The OPDs the actor may place people in. */
export async function opdChoices(actor: Actor) {
  return institutionChoices('opd', seesEveryone(actor) ? undefined : (actor.opdId ?? NOBODY_ID));
}

export async function universityChoices() {
  return institutionChoices('university');
}

/** Resolves the OPD and institution of a create/edit form for this actor. */
async function placement(actor: Actor, input: PersonInput): Promise<{ opd?: string; institution?: string }> {
  const opd = seesEveryone(actor) ? input.opd : actor.opdId; // OPD HR: forced from the session, never the form
  if (opd && !(await isInstitutionOfKind(opd, 'opd'))) {
    throw new ValidationFailed({ opd: 'users.errors.opdUnknown' });
  }
  if (!opd && !actor.roles.includes('admin')) throw new ValidationFailed({ opd: 'users.errors.opdRequired' });
  const institution = actor.roles.includes('admin') ? input.institution : undefined;
  if (institution && !(await isInstitutionOfKind(institution, 'university'))) {
    throw new ValidationFailed({ institution: 'users.errors.institutionUnknown' });
  }
  return { opd, institution };
}

/** A NIP or email that already belongs to someone (409, with the message next to that field). */
function taken(field: 'nip' | 'email'): DuplicateKey {
  return new DuplicateKey(field, field === 'nip' ? 'users.errors.nipTaken' : 'users.errors.emailTaken');
}

async function assertUnique(
  input: { nip?: string; email?: string },
  exceptId?: Types.ObjectId,
): Promise<void> {
  const notSelf = exceptId ? { _id: trusted({ $ne: exceptId }) } : {};
  if (input.nip && (await User.exists({ nip: input.nip, ...notSelf }))) throw taken('nip');
  if (input.email && (await User.exists({ email: input.email, ...notSelf }))) throw taken('email');
}

/** Upper, lower, digit, symbol, 16 characters: meets any policy up to 16 and is typed once. */
export function generateTemporaryPassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!@#$%*?-+='];
  const chars = sets.map((s) => s[randomInt(s.length)]);
  const all = sets.join('');
  while (chars.length < 16) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

function snapshot(p: {
  name?: string | null;
  email?: string | null;
  employeeType?: string | null;
  golongan?: string | null;
  jabatan?: string | null;
  unitKerja?: string | null;
  opd?: unknown;
  institution?: unknown;
}) {
  return {
    name: p.name ?? null,
    email: p.email ?? null,
    employeeType: p.employeeType ?? null,
    golongan: p.golongan ?? null,
    jabatan: p.jabatan ?? null,
    unitKerja: p.unitKerja ?? null,
    opd: p.opd ? String(p.opd) : null,
    institution: p.institution ? String(p.institution) : null,
  };
}

async function saveUnique<T extends { save(): Promise<unknown> }>(doc: T): Promise<T> {
  try {
    await doc.save();
    return doc;
  } catch (error) {
    const field = duplicateKeyField(error, ['nip', 'email'] as const);
    if (field) throw taken(field);
    throw error;
  }
}

/** The fields of the person form that are stored as typed (placement and roles are decided apart). */
function personalFields(input: PersonInput) {
  const { nip, email, name, employeeType, golongan } = input;
  return {
    nip,
    email,
    name,
    employeeType,
    golongan,
    jabatan: input.jabatan ?? '',
    unitKerja: input.unitKerja ?? '',
  };
}

/** Creates a learner; returns the temporary password, shown once to whoever created them. */
export async function createPerson(actor: Actor, input: PersonInput, context: AuditContext = {}) {
  if (!canAdministerPeople(actor)) throw new Forbidden();
  const { opd, institution } = await placement(actor, input);
  await assertUnique(input);
  const temporaryPassword = generateTemporaryPassword();
  const person = new User({
    ...personalFields(input),
    opd,
    institution,
    roles: ['learner'],
    passwordHash: await hashPassword(temporaryPassword),
    mustChangePassword: true,
  });
  await saveUnique(person);
  await audit.record(
    actor,
    {
      action: 'user.create',
      targetType: 'user',
      targetId: person._id,
      targetLabel: person.name,
      after: snapshot(person),
    },
    context,
  );
  return { id: String(person._id), temporaryPassword };
}

/** Checks the signed-in person's current password (auth's confirmOwnPassword, bound to config and clock). */
export type OwnPasswordConfirmation = (password: string) => Promise<'confirmed' | 'wrong' | 'locked'>;

/**
 * Changing the email or NIP one signs in with, on one's own record, needs the current password:
 * a stolen session must not take over the account's identifiers.
 */
async function assertOwnIdentifierChangeConfirmed(
  actor: Actor,
  person: { _id: unknown; email?: string | null; nip?: string | null },
  input: PersonInput,
  confirm: OwnPasswordConfirmation | undefined,
): Promise<void> {
  if (String(person._id) !== actor.id) return;
  const changes =
    (input.email ?? null) !== (person.email ?? null) || (input.nip ?? null) !== (person.nip ?? null);
  if (!changes) return;
  if (!input.currentPassword)
    throw new ValidationFailed({ currentPassword: 'users.errors.currentPasswordRequired' });
  const check = confirm ? await confirm(input.currentPassword) : 'wrong';
  if (check === 'locked') throw new TooManyRequests();
  if (check === 'wrong') throw new ValidationFailed({ currentPassword: 'users.errors.currentPasswordWrong' });
}

export async function updatePerson(
  actor: Actor,
  id: string,
  input: PersonInput,
  context: AuditContext = {},
  confirmOwnPassword?: OwnPasswordConfirmation,
): Promise<void> {
  const person = await loadManaged(actor, id);
  await assertOwnIdentifierChangeConfirmed(actor, person, input, confirmOwnPassword);
  const { opd, institution } = await placement(actor, input);
  await assertUnique(input, person._id);
  const before = snapshot(person);
  person.set({
    ...personalFields(input),
    opd,
    institution: actor.roles.includes('admin') ? institution : person.institution,
  });
  await saveUnique(person);
  await audit.record(
    actor,
    {
      action: 'user.update',
      targetType: 'user',
      targetId: person._id,
      targetLabel: person.name,
      before,
      after: snapshot(person),
    },
    context,
  );
}

async function assertAnotherActiveAdmin(personId: Types.ObjectId): Promise<void> {
  const others = await User.countDocuments({
    roles: 'admin',
    status: 'active',
    _id: trusted({ $ne: personId }),
  });
  if (others === 0) throw new Conflict('users.errors.lastAdmin');
}

/** Deactivation ends the person's live sessions (sessionEpoch) on their next request. */
export async function setStatus(
  actor: Actor,
  id: string,
  status: 'active' | 'inactive',
  context: AuditContext = {},
): Promise<void> {
  const person = await loadManaged(actor, id);
  if (person.status === status) return;
  if (status === 'inactive') {
    if (String(person._id) === actor.id) throw new Conflict('users.errors.notSelf');
    if (person.roles.includes('admin')) await assertAnotherActiveAdmin(person._id);
    person.sessionEpoch = (person.sessionEpoch ?? 0) + 1;
  }
  const before = { status: person.status };
  person.status = status;
  await person.save();
  const action = status === 'inactive' ? 'user.deactivate' : 'user.reactivate';
  await audit.record(
    actor,
    { action, targetType: 'user', targetId: person._id, targetLabel: person.name, before, after: { status } },
    context,
  );
}

/** Admins only; HR may not grant roles; nobody removes the last active admin. */
export async function setRoles(
  actor: Actor,
  id: string,
  roles: Role[],
  context: AuditContext = {},
): Promise<void> {
  if (!actor.roles.includes('admin')) throw new Forbidden('users.errors.rolesAdminOnly');
  const person = await loadManaged(actor, id);
  const wanted = [...new Set<Role>(roles.length ? roles : ['learner'])].sort();
  const before = [...person.roles].sort();
  if (wanted.join() === before.join()) return;
  if (before.includes('admin') && !wanted.includes('admin') && person.status === 'active') {
    await assertAnotherActiveAdmin(person._id);
  }
  // Sessions re-read roles on every request, so the change applies at once without ending them.
  person.roles = wanted;
  await person.save();
  await audit.record(
    actor,
    {
      action: 'user.roles.change',
      targetType: 'user',
      targetId: person._id,
      targetLabel: person.name,
      before: { roles: before },
      after: { roles: wanted },
    },
    context,
  );
}

/**
 * Sets a temporary password (typed by the actor, or generated and returned to be shown once);
 * the person must change it at the next sign-in and their live sessions end.
 */
export async function resetPassword(
  actor: Actor,
  id: string,
  { typed, policy, now }: { typed?: string; policy: PasswordPolicy; now: Date },
  context: AuditContext = {},
): Promise<{ temporaryPassword: string; wasGenerated: boolean }> {
  const person = await loadManaged(actor, id);
  if (String(person._id) === actor.id) throw new Conflict('users.errors.notSelf');
  if (typed !== undefined) {
    const problems = checkPasswordPolicy(typed, policy, {
      name: person.name,
      nip: person.nip ?? undefined,
      email: person.email ?? undefined,
    });
    if (problems.length) throw new ValidationFailed({ password: problems[0] });
  }
  const temporaryPassword = typed ?? generateTemporaryPassword();
  const before = { mustChangePassword: person.mustChangePassword, sessionEpoch: person.sessionEpoch };
  person.passwordHash = await hashPassword(temporaryPassword);
  person.mustChangePassword = true;
  person.passwordChangedAt = now;
  person.sessionEpoch = (person.sessionEpoch ?? 0) + 1;
  person.failedLogins = 0;
  person.lockedUntil = undefined;
  await person.save();
  const after = { mustChangePassword: true, sessionEpoch: person.sessionEpoch };
  await audit.record(
    actor,
    {
      action: 'user.password.reset',
      targetType: 'user',
      targetId: person._id,
      targetLabel: person.name,
      before,
      after,
    },
    context,
  );
  return { temporaryPassword, wasGenerated: typed === undefined };
}

/** What the person pages may offer this actor for this person. */
export function permissionsFor(actor: Actor, person: { _id: unknown; roles?: string[] | null }) {
  const manageable = canManage(actor, person);
  const isSelf = String(person._id) === actor.id;
  return {
    canEdit: manageable,
    canChangeStatus: manageable && !isSelf,
    canResetPassword: manageable && !isSelf,
    canChangeRoles: actor.roles.includes('admin'),
  };
}
