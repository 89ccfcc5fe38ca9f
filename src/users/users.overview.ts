// Overviews of people for the home dashboards: counts within the actor's scope and one's own profile.
// Counts go through peopleScope like every other read of people.
import { Types } from 'mongoose';
import type { Actor } from '../core/actor';
import { ROLES, type Role } from '../core/roles';
import { institutionRef, institutionRefs } from '../institutions';
import { Forbidden } from '../web/errors';
import { User, type UserFields } from './user.model';
import { personRecordOf, PROFILE_FIELDS } from './person-record';
import { canAdministerPeople, peopleScope } from './users.service';

export interface ScopeCount {
  opd?: { _id: string; code: string; name: string };
  active: number;
  inactive: number;
}

/** How many people of the actor's scope each OPD holds (active and inactive), for dashboards. */
export async function countPeopleByOpd(actor: Actor): Promise<ScopeCount[]> {
  if (!canAdministerPeople(actor)) return [];
  const scope = peopleScope(actor);
  const match = 'opd' in scope && actor.opdId ? { opd: new Types.ObjectId(actor.opdId) } : scope;
  const groups = await User.aggregate<{ _id: { opd: Types.ObjectId | null; status: string }; n: number }>([
    { $match: match },
    { $group: { _id: { opd: '$opd', status: '$status' }, n: { $sum: 1 } } },
  ]);
  const refs = await institutionRefs(groups.map((g) => g._id.opd));
  const byId = new Map([...refs].map(([id, o]) => [id, { _id: id, code: o.code, name: o.name }]));
  const counts = new Map<string, ScopeCount>();
  for (const group of groups) {
    const key = String(group._id.opd ?? '');
    const entry = counts.get(key) ?? { opd: byId.get(key), active: 0, inactive: 0 };
    if (group._id.status === 'inactive') entry.inactive += group.n;
    else entry.active += group.n;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => (a.opd?.name ?? '~').localeCompare(b.opd?.name ?? '~'));
}

/** Admin overview: accounts per role and per status. */
export async function countAccounts(
  actor: Actor,
): Promise<{ byRole: Record<Role, number>; byStatus: Record<'active' | 'inactive', number> }> {
  if (!actor.roles.includes('admin')) throw new Forbidden();
  const roles = ROLES;
  const roleCounts = await Promise.all(
    roles.map((role) => User.countDocuments({ roles: role, status: 'active' })),
  );
  const [active, inactive] = await Promise.all([
    User.countDocuments({ status: 'active' }),
    User.countDocuments({ status: 'inactive' }),
  ]);
  return {
    byRole: Object.fromEntries(roles.map((r, i) => [r, roleCounts[i]])) as Record<Role, number>,
    byStatus: { active, inactive },
  };
}

/** The signed-in person's own profile, for their home page. */
type ProfileRecord = Pick<UserFields, Exclude<(typeof PROFILE_FIELDS)[number], '_id'>> & {
  _id: Types.ObjectId;
};

export async function ownProfile(actor: Actor) {
  // Read once per request: the session check of this request already read these fields.
  const person =
    (personRecordOf(actor, PROFILE_FIELDS) as ProfileRecord | undefined) ??
    (await User.findById(actor.id).select(PROFILE_FIELDS.join(' ')).lean());
  if (!person) return null;
  // The OPD and institution names come from a short cache (institution-refs.ts), not a query per page.
  const [opd, institution] = await Promise.all([
    institutionRef(person.opd),
    institutionRef(person.institution),
  ]);
  return { ...person, opd, institution };
}
