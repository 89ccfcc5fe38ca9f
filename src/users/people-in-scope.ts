// The people a monitoring page counts: the active ASN (accounts with an OPD) inside peopleScope(actor),
// narrowed by OPD, unit kerja or golongan. Deactivated accounts are left out; a person holding several
// roles is one person. Read through peopleScope itself, so dashboards and the people pages agree.
//
// The city dashboard reads every person of the city on each page: they are answered from a mirror
// in memory (src/db/watched-mirror.ts: loaded once, kept exact by a change stream and the model's
// write hooks), filtered by scopeOpd — peopleScope as the OPD it names. While the mirror's stream is
// not open, the same query as before goes to the database.
import { trusted, Types, type FilterQuery } from 'mongoose';
import type { Actor } from '../core/actor';
import { WatchedMirror } from '../db/watched-mirror';
import { User, userWrites, type UserFields } from './user.model';
import { peopleScope } from './users.service';
import { scopeOpd } from './assignees';

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

interface PersonRow {
  id: string;
  name: string;
  nip?: string | null;
  golongan?: string | null;
  unitKerja?: string | null;
  opd?: string;
  isActive: boolean;
}

async function personRows(filter: FilterQuery<UserFields>): Promise<Map<string, PersonRow>> {
  const people = await User.find(filter).select('name nip golongan unitKerja opd status').lean();
  return new Map(
    people.map((p) => [
      String(p._id),
      {
        id: String(p._id),
        name: p.name,
        nip: p.nip,
        golongan: p.golongan,
        unitKerja: p.unitKerja,
        opd: p.opd ? String(p.opd) : undefined,
        isActive: p.status === 'active',
      },
    ]),
  );
}

const peopleMirror = new WatchedMirror<PersonRow>('users', {
  loadAll: () => personRows({}),
  loadSome: (ids) =>
    personRows({ _id: trusted({ $in: ids.map((id) => new Types.ObjectId(id)) }) } as FilterQuery<UserFields>),
});
userWrites.mirror = peopleMirror;

/** MongoDB's order of strings (UTF-8 bytes, i.e. code points), then of ids: the query's sort. */
function byNameThenId(a: PersonRow, b: PersonRow): number {
  if (a.name !== b.name) {
    const x = Buffer.from(a.name);
    const y = Buffer.from(b.name);
    return Buffer.compare(x, y);
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const scoped = (p: PersonRow): ScopedPerson => ({
  id: p.id,
  name: p.name,
  nip: p.nip ?? '',
  golongan: p.golongan ?? '',
  unitKerja: p.unitKerja ?? '',
  opdId: String(p.opd),
});

/** The active ASN in the actor's scope matching the filter, sorted by name. */
export async function peopleInScope(actor: Actor, filter: PeopleFilter = {}): Promise<ScopedPerson[]> {
  const snapshot = await peopleMirror.snapshot();
  if (!snapshot) {
    const people = await User.find(filterOf(actor, filter))
      .select('name nip golongan unitKerja opd')
      .sort({ name: 1, _id: 1 })
      .lean();
    return people.map((p) =>
      scoped({ ...p, id: String(p._id), opd: p.opd ? String(p.opd) : undefined, isActive: true }),
    );
  }
  const scope = scopeOpd(actor);
  if (scope === 'none') return [];
  // Every active person, sorted once per change of the people (not once per page).
  const sorted = peopleMirror.derived(snapshot, 'active', (rows) =>
    [...rows.values()].filter((p) => p.isActive).sort(byNameThenId),
  );
  const opd =
    filter.opd === undefined || filter.opd === ''
      ? undefined
      : isId(filter.opd)
        ? filter.opd.toLowerCase()
        : null;
  return sorted
    .filter(
      (p) =>
        (scope === 'all' || p.opd === scope) &&
        (opd === undefined ? p.opd !== undefined : opd === null ? p.opd === undefined : p.opd === opd) &&
        (filter.unitKerja === undefined || p.unitKerja === filter.unitKerja) &&
        (filter.golongan === undefined || p.golongan === filter.golongan),
    )
    .map(scoped);
}
