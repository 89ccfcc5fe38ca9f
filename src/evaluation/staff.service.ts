// Who works at a service unit, for the training-impact view. A unit belongs to an OPD, and its staff
// are people of that OPD: the OPD's HR (or an admin) ticks them on the unit's staff page, among the
// active people their own scope shows (users.peopleInScope); and, unless switched off, everyone of the
// OPD whose unit kerja reads as the unit's name counts too (case, spaces and punctuation aside), so a
// unit named after an organisational unit needs no list at all. Deactivated people and people who
// left the OPD drop out by themselves: staff are always read through the people scope.
import type { Actor } from '../core/actor';
import { audit, type AuditContext } from '../audit';
import { peopleInScope } from '../users';
import { ValidationFailed } from '../web/errors';
import { ServiceUnit } from './service-unit.model';
import { getUnit, type UnitView } from './units.service';
import type { StaffInput } from './evaluation.schemas';

/** A unit kerja or unit name compared loosely: lower case, single spaces, no punctuation. */
export function sameUnitName(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLocaleLowerCase('id')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  return norm(a) !== '' && norm(a) === norm(b);
}

export interface StaffChoice {
  id: string;
  name: string;
  unitKerja: string;
  /** Ticked on the unit's list. */
  assigned: boolean;
  /** Counted because the unit kerja reads as the unit's name. */
  matched: boolean;
}

type UnitStaffFields = Pick<UnitView, '_id' | 'name' | 'opd'> & {
  staff?: unknown[] | null;
  matchUnitKerja?: boolean | null;
};

/** The unit's OPD's people the actor sees, each with whether they count as the unit's staff and why. */
export async function staffChoices(actor: Actor, unit: UnitStaffFields): Promise<StaffChoice[]> {
  const assigned = new Set((unit.staff ?? []).map(String));
  const matching = unit.matchUnitKerja !== false;
  const people = await peopleInScope(actor, { opd: String(unit.opd) });
  return people.map((p) => ({
    id: p.id,
    name: p.name,
    unitKerja: p.unitKerja,
    assigned: assigned.has(p.id),
    matched: matching && sameUnitName(p.unitKerja, unit.name),
  }));
}

/** Ids of the people counted as the unit's staff now. */
export async function unitStaff(actor: Actor, unit: UnitStaffFields): Promise<string[]> {
  return (await staffChoices(actor, unit)).filter((p) => p.assigned || p.matched).map((p) => p.id);
}

/** The staff page: the unit and its OPD's people (assigned and matched first, then by unit kerja and name). */
export async function unitStaffPage(actor: Actor, unitId: string) {
  const unit = await getUnit(actor, unitId);
  const people = (await staffChoices(actor, unit)).sort(
    (a, b) =>
      Number(b.assigned || b.matched) - Number(a.assigned || a.matched) ||
      a.unitKerja.localeCompare(b.unitKerja, 'id') ||
      a.name.localeCompare(b.name, 'id'),
  );
  return { unit, people, matchUnitKerja: unit.matchUnitKerja !== false };
}

/**
 * Replaces the unit's list of staff. Only people of the unit's OPD within the actor's scope can be
 * on it: anyone else (another OPD, someone out of reach, a made-up id) refuses the whole form.
 * People ticked before but now out of the actor's sight stay on the list (another HR's choice).
 */
export async function saveStaff(
  actor: Actor,
  unitId: string,
  input: StaffInput,
  context: AuditContext = {},
): Promise<void> {
  const unit = await getUnit(actor, unitId);
  const visible = new Set((await peopleInScope(actor, { opd: String(unit.opd) })).map((p) => p.id));
  if (input.staff.some((id) => !visible.has(id)))
    throw new ValidationFailed({ staff: 'evaluation.errors.staff' });
  const before = (unit.staff ?? []).map(String);
  const kept = before.filter((id) => !visible.has(id));
  const staff = [...new Set([...kept, ...input.staff])];
  await ServiceUnit.updateOne({ _id: unit._id }, { $set: { staff, matchUnitKerja: input.matchUnitKerja } });
  await audit.record(
    actor,
    {
      action: 'serviceUnit.staff',
      targetType: 'serviceUnit',
      targetId: unit._id,
      targetLabel: unit.name,
      before: { staff: before.length, matchUnitKerja: unit.matchUnitKerja !== false },
      after: { staff: staff.length, matchUnitKerja: input.matchUnitKerja },
    },
    context,
  );
}
