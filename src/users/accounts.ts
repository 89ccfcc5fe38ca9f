// Accounts as the command line, the seed and the admin pages name them: find one by id, NIP or
// email; make or promote an admin; add people in bulk. Writes go through the model so its
// validation runs; every rule about who may do this stays with the callers (operators, the seed).
import { trusted, Types, type ClientSession, type FilterQuery } from 'mongoose';
import type { Actor } from '../core/actor';
import type { Role } from '../core/roles';
import { containing } from '../db/literal-regex';
import { peopleScope } from './users.service';
import { audit } from '../audit';
import { canonicalIdentifier } from './nip';
import { User, type UserFields } from './user.model';
import { rankLabel, type EmployeeType } from './ranks';

/**
 * The account named by its id, a NIP (spaces allowed) or an email; undefined when none matches.
 * Names are the stored ones (the admin pages show them).
 */
export async function findAccount(identifier: string): Promise<{ id: string; name: string } | undefined> {
  const isId = /^[0-9a-f]{24}$/i.test(identifier);
  const canonical = isId ? identifier.toLowerCase() : canonicalIdentifier(identifier);
  if (!canonical) return undefined;
  const filter = isId
    ? { _id: canonical }
    : canonical.includes('@')
      ? { email: canonical }
      : { nip: canonical };
  const user = await User.findOne(filter, { name: 1 }).lean();
  return user ? { id: String(user._id), name: user.name } : undefined;
}

/** Names of these people by id (missing ids are left out). */
export async function namesOf(ids: Array<string | Types.ObjectId>): Promise<Map<string, string>> {
  const valid = ids.map(String).filter((id) => Types.ObjectId.isValid(id));
  if (valid.length === 0) return new Map();
  const people = await User.find({ _id: trusted({ $in: valid }) }, { name: 1 }).lean();
  return new Map(people.map((p) => [String(p._id), p.name]));
}

/** A person's own record as stored, without secrets (password hash, second-factor secrets and codes). */
export async function ownRecord(id: string) {
  return User.findById(id)
    .select('-passwordHash -mfa.secret -mfa.pendingSecret -mfa.recoveryCodeHashes -mfa.lastUsedStep')
    .lean();
}

/** Whether any person is stored yet (an empty database gets the demo data). */
export async function hasPeople(): Promise<boolean> {
  return (await User.estimatedDocumentCount()) > 0;
}

export interface AdminAccountInput {
  email?: string;
  nip?: string;
  name?: string;
  passwordHash: string;
  mustChangePassword: boolean;
}

/**
 * Gives an existing account (by email, else NIP) the admin role and a new password, ending its
 * sessions and lifting any lock; or creates a new admin. Audited as done by the operator (no actor).
 */
export async function grantAdmin(input: AdminAccountInput): Promise<{ created: boolean; login: string }> {
  const existing = await User.findOne(input.email ? { email: input.email } : { nip: input.nip });
  if (existing) {
    const before = { roles: [...existing.roles], status: existing.status };
    existing.roles = Array.from(new Set([...existing.roles, 'admin' as const]));
    existing.status = 'active';
    existing.passwordHash = input.passwordHash;
    existing.mustChangePassword = input.mustChangePassword;
    existing.sessionEpoch = (existing.sessionEpoch ?? 0) + 1;
    existing.lockedUntil = undefined;
    existing.failedLogins = 0;
    await existing.save();
    await audit.record(null, {
      action: 'user.admin.reset',
      targetType: 'User',
      targetId: existing._id,
      targetLabel: existing.name,
      before,
      after: { roles: existing.roles, status: existing.status },
    });
    return { created: false, login: existing.email ?? existing.nip ?? '' };
  }
  if (!input.name) throw new Error('A new account needs a name.');
  const user = await User.create({
    email: input.email,
    nip: input.nip,
    name: input.name,
    employeeType: 'non_asn',
    roles: ['admin'],
    passwordHash: input.passwordHash,
    mustChangePassword: input.mustChangePassword,
  });
  await audit.record(null, {
    action: 'user.admin.create',
    targetType: 'User',
    targetId: user._id,
    targetLabel: user.name,
    after: { roles: user.roles },
  });
  return { created: true, login: input.email ?? input.nip ?? '' };
}

export interface NewPerson {
  nip?: string;
  email?: string;
  name: string;
  employeeType: EmployeeType;
  golongan?: string;
  jabatan?: string;
  unitKerja?: string;
  opd?: unknown;
  institution?: unknown;
  roles: Role[];
  /** None for people who are to be invited to set their own. */
  passwordHash?: string;
}

/**
 * Adds the people not stored yet (matched by NIP, else email) and leaves the others alone, as the
 * demo seed wants; returns how many were created.
 */
export async function addMissingPeople(people: NewPerson[]): Promise<number> {
  const nips = people.map((p) => p.nip).filter((n): n is string => !!n);
  const emails = people.filter((p) => !p.nip && p.email).map((p) => p.email!);
  const present = await User.find({
    $or: [{ nip: trusted({ $in: nips }) }, { email: trusted({ $in: emails }) }],
  })
    .select('nip email')
    .lean();
  const known = new Set(present.flatMap((u) => [u.nip, u.email]).filter(Boolean));
  const missing = people.filter((p) => !known.has(p.nip ?? p.email));
  if (missing.length) await User.insertMany(missing);
  return missing.length;
}

/** The active authors of a partner institution (co-author choices, the seed's course authors). */
export async function authorsOf(institutionId: string): Promise<Array<{ id: string; name: string }>> {
  if (!Types.ObjectId.isValid(institutionId)) return [];
  const people = await User.find(
    { institution: institutionId, roles: 'author', status: 'active' },
    { name: 1 },
  )
    .sort({ name: 1 })
    .lean();
  return people.map((p) => ({ id: String(p._id), name: p.name }));
}

/** What the command line needs to act as an account (roles, OPD, institution); undefined when none. */
export async function accountRoles(
  id: string,
): Promise<{ id: string; name: string; roles: Role[]; opdId?: string; institutionId?: string } | undefined> {
  if (!Types.ObjectId.isValid(id)) return undefined;
  const user = await User.findById(id, { name: 1, roles: 1, opd: 1, institution: 1 }).lean();
  if (!user) return undefined;
  return {
    id: String(user._id),
    name: user.name,
    roles: user.roles as Role[],
    opdId: user.opd ? String(user.opd) : undefined,
    institutionId: user.institution ? String(user.institution) : undefined,
  };
}

/** Learners (id and OPD) by NIP, for the demo and bench seeds that enrol them. */
export async function learnersByNip(nips: string[]): Promise<Map<string, { id: string; opdId?: string }>> {
  const people = await User.find({ nip: trusted({ $in: nips }) })
    .select('nip opd')
    .lean();
  return new Map(
    people.map((p) => [p.nip!, { id: String(p._id), opdId: p.opd ? String(p.opd) : undefined }]),
  );
}

/** A person's record as a certificate prints it, read in the caller's transaction; undefined if missing. */
export async function personForCertificate(id: string | Types.ObjectId, session?: ClientSession) {
  const person = await User.findById(id)
    .select('nip name employeeType golongan jabatan unitKerja opd')
    .session(session ?? null)
    .lean();
  if (!person) return undefined;
  return {
    id: String(person._id),
    name: person.name,
    nip: person.nip ?? '',
    employeeType: person.employeeType as EmployeeType,
    golongan: person.golongan ?? '',
    pangkat: rankLabel(person.employeeType as EmployeeType, person.golongan),
    jabatan: person.jabatan ?? '',
    unitKerja: person.unitKerja ?? '',
    opdId: person.opd ? String(person.opd) : '',
  };
}

/**
 * Ids of the people the actor may see (users.peopleScope) among those matching a search by name or
 * NIP and an OPD: the certificates' HR list, export and ZIP filter by these.
 */
export async function peopleIdsInScope(actor: Actor, search: { q?: string; opd?: string } = {}) {
  const conditions: FilterQuery<UserFields>[] = [peopleScope(actor)];
  if (search.q) {
    const digits = search.q.replace(/[\s.-]/g, '');
    const or: FilterQuery<UserFields>[] = [{ name: containing(search.q) }];
    // eslint-disable-next-line security/detect-non-literal-regexp -- digits only
    if (/^\d{3,18}$/.test(digits)) or.push({ nip: new RegExp(`^${digits}`) });
    conditions.push({ $or: or });
  }
  if (search.opd) conditions.push({ opd: search.opd });
  const people = await User.find({ $and: conditions }, { _id: 1 }).lean();
  return people.map((p) => p._id);
}
