// Code and name of an institution by id, remembered for a short while: every signed-in home page
// shows the person's OPD, and names almost never change. Any write through the Institution model
// in this process empties the cache at once (institutionWrites); another app instance sees a
// renamed institution within REF_TTL_MS.
import { Types } from 'mongoose';
import { Institution, institutionWrites } from './institution.model';

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
