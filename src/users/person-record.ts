// The person's record as read for this request's session check (loadSessionPerson), so that a page
// of the same request (the home page's own-profile panel) need not read it a second time. Keyed by
// the Actor object, which passport builds afresh from the database on every request and which is
// dropped with it; an Actor built any other way has no record and its readers query as before.
import type { Actor } from '../core/actor';

// The profile fields (nip … unitKerja): a few short strings read along with the session check, so
// the home page's profile panel reuses that read instead of a second query.
export const PROFILE_FIELDS = [
  '_id',
  'nip',
  'name',
  'email',
  'employeeType',
  'golongan',
  'jabatan',
  'unitKerja',
  'opd',
  'institution',
] as const;

interface PersonRecord {
  fields: ReadonlySet<string>;
  record: Readonly<Record<string, unknown>>;
}

const records = new WeakMap<Actor, PersonRecord>();

export function rememberPersonRecord(
  actor: Actor,
  record: Record<string, unknown>,
  fields: Iterable<string> = PROFILE_FIELDS,
): void {
  records.set(actor, { fields: new Set(fields), record });
}

/** The fields of the person's record read with this actor, if every one of them was read then. */
export function personRecordOf<K extends string>(
  actor: Actor,
  fields: readonly K[],
): Partial<Record<K, unknown>> | undefined {
  const known = records.get(actor);
  if (!known || !fields.every((f) => known.fields.has(f))) return undefined;
  const out: Partial<Record<K, unknown>> = {};
  for (const f of fields) if (known.record[f] !== undefined) out[f] = known.record[f];
  return out;
}
