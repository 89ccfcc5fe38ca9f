// The people a monitoring page counts: the active ASN (accounts with an OPD) inside peopleScope(actor),
// narrowed by OPD, unit kerja or golongan. Deactivated accounts are left out; a person holding several
// roles is one person. Read through peopleScope itself, so dashboards and the people pages agree.
import { trusted, Types, type FilterQuery } from 'mongoose';
import type { Actor } from '../core/actor';
import { User, type UserFields } from './user.model';
import { peopleScope } from './users.service';

export interface PeopleFilter {
  opd?: string;
  unitKerja?: string;
  golongan?: string;
}

export interface ScopedPerson {
  id: string;
  name: string;
  nip: string;
  golongan: string;
  unitKerja: string;
  opdId: string;
}

const isId = (id: string) => /^[0-9a-f]{24}$/i.test(id);

function filterOf(actor: Actor, filter: PeopleFilter): FilterQuery<UserFields> {
  const and: FilterQuery<UserFields>[] = [peopleScope(actor), { status: 'active' }];
  if (filter.opd) and.push({ opd: isId(filter.opd) ? new Types.ObjectId(filter.opd) : null });
  else and.push({ opd: trusted({ $ne: null }) } as FilterQuery<UserFields>);
  if (filter.unitKerja !== undefined) and.push({ unitKerja: filter.unitKerja });
  if (filter.golongan !== undefined) and.push({ golongan: filter.golongan });
  return { $and: and };
}

/** The active ASN in the actor's scope matching the filter, sorted by name. */
export async function peopleInScope(actor: Actor, filter: PeopleFilter = {}): Promise<ScopedPerson[]> {
  const people = await User.find(filterOf(actor, filter))
    .select('name nip golongan unitKerja opd')
    .sort({ name: 1, _id: 1 })
    .lean();
  return people.map((p) => ({
    id: String(p._id),
    name: p.name,
    nip: p.nip ?? '',
    golongan: p.golongan ?? '',
    unitKerja: p.unitKerja ?? '',
    opdId: String(p.opd),
  }));
}
