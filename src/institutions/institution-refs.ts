// Code and name of an institution by id: every signed-in home page shows the person's OPD, and the
// sign-in check reads the OPD's code. Kept in memory and forgotten the moment any app instance
// changes the institution (the institutions collection's change stream); this instance's own writes
// through the model empty it at once (institutionWrites).
import { trusted, Types, type ClientSession } from 'mongoose';
import { WatchedCache } from '../db/watched-cache';
import { Institution, institutionWrites, type InstitutionKind } from './institution.model';

export interface InstitutionRef {
  _id: Types.ObjectId;
  code: string;
  name: string;
}

const refs = new WatchedCache<InstitutionRef | null>('institutions', 2000);
let seenWrites = institutionWrites.version;

/** The institution's id, code and name; null for none or an id that names nothing. */
export async function institutionRef(id: unknown): Promise<InstitutionRef | null> {
  if (!id) return null;
  const key = String(id);
  if (!Types.ObjectId.isValid(key)) return null;
  if (seenWrites !== institutionWrites.version) {
    refs.clear();
    seenWrites = institutionWrites.version;
  }
  return refs.get(key, async () => {
    const version = institutionWrites.version;
    const found = await Institution.findById(key, { code: 1, name: 1 }).lean();
    if (version !== institutionWrites.version) refs.forget(key); // written meanwhile: use it once, keep nothing
    return found ? Object.freeze({ _id: found._id, code: found.code, name: found.name }) : null;
  });
}

/** A few ids (a course's partner, the catalog's partners) come from the cache one by one. */
const FROM_CACHE_UP_TO = 20;

/** Id, code and name of each of these institutions that exists (from the cache, or one query for many). */
export async function institutionRefs(ids: unknown[]): Promise<Map<string, InstitutionRef>> {
  const wanted = [...new Set(ids.filter((id) => id && Types.ObjectId.isValid(String(id))).map(String))];
  if (wanted.length === 0) return new Map();
  if (wanted.length <= FROM_CACHE_UP_TO) {
    const refs = await Promise.all(wanted.map((id) => institutionRef(id)));
    return new Map(refs.flatMap((r) => (r ? [[String(r._id), r] as const] : [])));
  }
  const found = await Institution.find({ _id: trusted({ $in: wanted }) }, { code: 1, name: 1 }).lean();
  return new Map(found.map((i) => [String(i._id), { _id: i._id, code: i.code, name: i.name }]));
}

/** The active institutions of a kind a form may offer, by name; `onlyId` narrows them to one. */
export async function institutionChoices(kind: InstitutionKind, onlyId?: string): Promise<InstitutionRef[]> {
  const filter = onlyId === undefined ? { kind, active: true } : { kind, _id: onlyId };
  return Institution.find(filter).select('code name').sort({ name: 1 }).lean<InstitutionRef[]>();
}

/**
 * Whether the HR staff of this OPD see every OPD: read fresh on every request, never from the
 * cache, so that an admin taking the flag away takes effect at once on every app instance.
 */
export async function isCityWideHrOpd(opdId: unknown): Promise<boolean> {
  if (!opdId || !Types.ObjectId.isValid(String(opdId))) return false;
  return !!(await Institution.exists({ _id: String(opdId), kind: 'opd', cityWideHr: true }));
}

/** Whether the id names an institution of this kind (active or not). */
export async function isInstitutionOfKind(id: string, kind: InstitutionKind): Promise<boolean> {
  if (!Types.ObjectId.isValid(id)) return false;
  return !!(await Institution.exists({ _id: id, kind }));
}

/** Every OPD by code, with whether it is active (the people import resolves its column with it). */
export async function opdsByCode(
  session?: ClientSession,
): Promise<Map<string, { _id: Types.ObjectId; code: string; active: boolean }>> {
  const opds = await Institution.find({ kind: 'opd' })
    .select('code active')
    .session(session ?? null)
    .lean();
  return new Map(opds.map((o) => [o.code, { _id: o._id, code: o.code, active: o.active }]));
}
