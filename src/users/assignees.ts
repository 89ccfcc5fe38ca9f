// The people an HR account or an admin may assign training to, chosen by id, by OPD or by jabatan
// and golongan: always inside peopleScope(actor), so an assignment reaches exactly the people the
// people pages show (the HR of one OPD their own OPD, BKPSDM HR and admins every OPD). Also the HR
// staff of an OPD, for the weekly digest of overdue assignments.
import { Types, trusted, type FilterQuery } from 'mongoose';
import type { Actor } from '../core/actor';
import { containing } from '../db/literal-regex';
import { User, type UserFields } from './user.model';
import { peopleScope } from './users.service';

export type AssigneeSelector =
  | { ids: string[] }
  | { nips: string[] }
  | { opd: string }
  | { jabatan?: string; golongan?: string; opd?: string };

export interface Assignee {
  id: string;
  name: string;
  opdId?: string;
}

const isId = (id: string) => /^[0-9a-f]{24}$/i.test(id);

function selectorFilter(selector: AssigneeSelector): FilterQuery<UserFields> | undefined {
  if ('ids' in selector) {
    const ids = selector.ids.filter(isId);
    return ids.length ? { _id: trusted({ $in: ids.map((i) => new Types.ObjectId(i)) }) } : undefined;
  }
  if ('nips' in selector) {
    const nips = selector.nips.filter((n) => /^\d{18}$/.test(n));
    return nips.length ? { nip: trusted({ $in: nips }) } : undefined;
  }
  const and: FilterQuery<UserFields>[] = [];
  if (selector.opd) {
    if (!isId(selector.opd)) return undefined;
    and.push({ opd: new Types.ObjectId(selector.opd) });
  }
  if ('jabatan' in selector && selector.jabatan) and.push({ jabatan: containing(selector.jabatan) });
  if ('golongan' in selector && selector.golongan) and.push({ golongan: selector.golongan });
  return and.length ? { $and: and } : undefined;
}

/** The active people selected that this actor may reach; an empty selection selects nobody. */
export async function assigneesFor(
  actor: Actor,
  selector: AssigneeSelector,
  limit = 5000,
): Promise<Assignee[]> {
  const filter = selectorFilter(selector);
  if (!filter) return [];
  const people = await User.find({ $and: [peopleScope(actor), filter, { status: 'active' }] })
    .select('name opd')
    .sort({ name: 1, _id: 1 })
    .limit(limit)
    .lean();
  return people.map((p) => ({ id: String(p._id), name: p.name, opdId: p.opd ? String(p.opd) : undefined }));
}

/** Whether a person is within the actor's people scope (HR and admins; nobody for a learner). */
export async function isInPeopleScope(actor: Actor, personId: string): Promise<boolean> {
  if (!isId(personId)) return false;
  return !!(await User.exists({ $and: [peopleScope(actor), { _id: new Types.ObjectId(personId) }] }));
}

/** Active HR staff whose OPD is this one (the weekly digest's recipients). */
export async function hrStaffOf(opdId: string): Promise<Array<{ id: string; name: string }>> {
  if (!isId(opdId)) return [];
  const people = await User.find({ roles: 'hr', status: 'active', opd: new Types.ObjectId(opdId) })
    .select('name')
    .lean();
  return people.map((p) => ({ id: String(p._id), name: p.name }));
}

/**
 * The actor's people scope as the OPD it names, for records that carry a person's OPD (assignments):
 * 'all' for admins and city-wide HR, the OPD's id for the HR of one OPD, 'none' for anyone else.
 * Read from peopleScope itself, so the two can never disagree.
 */
export function scopeOpd(actor: Actor): 'all' | 'none' | string {
  const scope = peopleScope(actor) as Record<string, unknown>;
  if (Object.keys(scope).length === 0) return 'all';
  if (typeof scope.opd === 'string' || scope.opd instanceof Types.ObjectId) return String(scope.opd);
  return 'none';
}
