// Code and name of an institution by id, remembered for a short while: every signed-in home page
// shows the person's OPD, and names almost never change. Any write through the Institution model
// in this process empties the cache at once (institutionWrites); another app instance sees a
// renamed institution within REF_TTL_MS.
import { trusted, Types, type ClientSession } from 'mongoose';
import { Institution, institutionWrites, type InstitutionKind } from './institution.model';

export interface InstitutionRef {
  _id: Types.ObjectId;
  code: string;
  name: string;
}

const REF_TTL_MS = 30_000;
const MAX_ENTRIES = 2000;
const cache = new Map<string, { ref: InstitutionRef | null; at: number }>();
let cachedVersion = institutionWrites.version;

/** The institution's id, code and name; null for none or an id that names nothing. */
export async function institutionRef(id: unknown): Promise<InstitutionRef | null> {
  if (!id) return null;
  const key = String(id);
  if (!Types.ObjectId.isValid(key)) return null;
  if (cachedVersion !== institutionWrites.version) {
    cache.clear();
    cachedVersion = institutionWrites.version;
  }
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < REF_TTL_MS) return hit.ref;
  const version = institutionWrites.version;
  const found = await Institution.findById(key, { code: 1, name: 1 }).lean();
  const ref = found ? { _id: found._id, code: found.code, name: found.name } : null;
  if (version === institutionWrites.version) {
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(key, { ref, at: now });
  }
  return ref;
}

/** Id, code and name of each of these institutions that exists (one query). */
export async function institutionRefs(ids: unknown[]): Promise<Map<string, InstitutionRef>> {
  const wanted = ids.filter((id) => id && Types.ObjectId.isValid(String(id))).map(String);
  if (wanted.length === 0) return new Map();
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
