// Service units: who may see and manage which (admins every unit; HR the units of the OPDs whose
// people they see, through the people feature's own scope function), and the unit's settings and
// survey elements. Every page, export, poster and list reads units through unitScope.
import crypto from 'node:crypto';
import { Types, type FilterQuery } from 'mongoose';
import type { Actor } from '../core/actor';
import { audit, type AuditContext } from '../audit';
import { users } from '../users';
import { institutionChoices, institutionRef, institutionRefs, isInstitutionOfKind } from '../institutions';
import { NotFound, ValidationFailed } from '../web/errors';
import { ServiceUnit, type ServiceUnitFields } from './service-unit.model';
import { defaultElements, type SurveyElement } from './survey-template';
import type { ElementsInput, UnitInput } from './evaluation.schemas';

export function canManageUnits(actor: Actor): boolean {
  return users.canAdministerPeople(actor);
}

/** The units this actor may see and manage: the people scope, applied to the unit's OPD. */
export function unitScope(actor: Actor): FilterQuery<ServiceUnitFields> {
  if (!canManageUnits(actor)) return { _id: new Types.ObjectId('000000000000000000000000') };
  return users.peopleScope(actor) as FilterQuery<ServiceUnitFields>;
}

export interface UnitRow {
  _id: Types.ObjectId;
  name: string;
  code: string;
  monthlyVolume: number;
  active: boolean;
  opd: Types.ObjectId;
  opdName: string;
}

export async function listUnits(actor: Actor): Promise<UnitRow[]> {
  const units = await ServiceUnit.find(unitScope(actor))
    .select('name code monthlyVolume active opd')
    .sort({ name: 1 })
    .lean();
  const opds = await institutionRefs(units.map((u) => u.opd));
  return units
    .map((u) => ({ ...u, opdName: opds.get(String(u.opd))?.name ?? '' }))
    .sort((a, b) => a.opdName.localeCompare(b.opdName, 'id') || a.name.localeCompare(b.name, 'id'));
}

/** Ids of the units in scope (the feedback and impact lists read within them). */
export async function unitIdsInScope(actor: Actor): Promise<Types.ObjectId[]> {
  return (await ServiceUnit.find(unitScope(actor)).select('_id').lean()).map((u) => u._id);
}

/** One unit in the actor's scope; someone else's answers exactly like a missing one. */
export async function getUnit(actor: Actor, id: string) {
  const unit = Types.ObjectId.isValid(id)
    ? await ServiceUnit.findOne({ $and: [unitScope(actor), { _id: id }] }).lean()
    : null;
  if (!unit) throw new NotFound('serviceUnit');
  const opd = (await institutionRefs([unit.opd])).get(String(unit.opd));
  return { ...unit, elements: unit.elements as unknown as SurveyElement[], opdName: opd?.name ?? '' };
}
export type UnitView = Awaited<ReturnType<typeof getUnit>>;

/** The OPDs a unit may be placed in by this actor: their own, or any for admins and BKPSDM HR. */
export async function opdChoices(actor: Actor) {
  if (users.seesEveryone(actor)) return institutionChoices('opd');
  return actor.opdId ? institutionChoices('opd', actor.opdId) : [];
}

async function assertOpdAllowed(actor: Actor, opd: string): Promise<void> {
  const allowed = users.seesEveryone(actor) ? await isInstitutionOfKind(opd, 'opd') : opd === actor.opdId;
  if (!allowed) throw new ValidationFailed({ opd: 'evaluation.errors.opd' });
}

/** A random public code: 8 characters of [a-z0-9], about 41 bits: links cannot be walked. */
export function newUnitCode(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  return Array.from(crypto.randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
}

export async function createUnit(
  actor: Actor,
  input: UnitInput,
  context: AuditContext = {},
): Promise<string> {
  if (!canManageUnits(actor)) throw new NotFound('serviceUnit');
  await assertOpdAllowed(actor, input.opd);
  const unit = await ServiceUnit.create({ ...input, code: newUnitCode(), elements: defaultElements() });
  await audit.record(
    actor,
    {
      action: 'serviceUnit.create',
      targetType: 'serviceUnit',
      targetId: unit._id,
      targetLabel: unit.name,
      after: input,
    },
    context,
  );
  return String(unit._id);
}

export async function updateUnit(actor: Actor, id: string, input: UnitInput, context: AuditContext = {}) {
  const unit = await getUnit(actor, id);
  await assertOpdAllowed(actor, input.opd);
  await ServiceUnit.updateOne({ _id: unit._id }, { $set: input });
  const before = {
    name: unit.name,
    opd: String(unit.opd),
    monthlyVolume: unit.monthlyVolume,
    active: unit.active,
  };
  await audit.record(
    actor,
    {
      action: 'serviceUnit.update',
      targetType: 'serviceUnit',
      targetId: unit._id,
      targetLabel: input.name,
      before,
      after: input,
    },
    context,
  );
}

/**
 * Replaces the unit's survey elements. An element keeps its key while it is edited (its past
 * answers stay its own); a new element gets a key never used by the unit before.
 */
export async function updateElements(
  actor: Actor,
  id: string,
  input: ElementsInput,
  context: AuditContext = {},
): Promise<void> {
  const unit = await getUnit(actor, id);
  const used = unit.elements.map((e) => Number(e.key.slice(1)));
  let next = Math.max(0, ...used) + 1;
  const known = new Set(unit.elements.map((e) => e.key));
  const elements = input.elements.map((e) => ({
    key: e.key && known.has(e.key) ? e.key : `u${next++}`,
    name: e.name,
    question: e.question,
    options: e.options,
  }));
  await ServiceUnit.updateOne({ _id: unit._id }, { $set: { elements } });
  await audit.record(
    actor,
    {
      action: 'serviceUnit.elements',
      targetType: 'serviceUnit',
      targetId: unit._id,
      targetLabel: unit.name,
      before: { elements: unit.elements.map((e) => e.name) },
      after: { elements: elements.map((e) => e.name) },
    },
    context,
  );
}

/** Restores the nine elements of the regulation. */
export async function resetElements(actor: Actor, id: string, context: AuditContext = {}): Promise<void> {
  const unit = await getUnit(actor, id);
  await ServiceUnit.updateOne({ _id: unit._id }, { $set: { elements: defaultElements() } });
  await audit.record(
    actor,
    {
      action: 'serviceUnit.elements.reset',
      targetType: 'serviceUnit',
      targetId: unit._id,
      targetLabel: unit.name,
    },
    context,
  );
}

/** The public side: an active unit by its code, with its elements (no scope: anyone may answer). */
export async function publicUnit(code: string) {
  if (!/^[a-z0-9]{6,16}$/.test(code)) throw new NotFound('serviceUnit');
  const unit = await ServiceUnit.findOne({ code, active: true }).select('name code opd elements').lean();
  if (!unit) throw new NotFound('serviceUnit');
  const opd = await institutionRef(unit.opd); // cached: the public form is the busiest page
  return { ...unit, elements: unit.elements as unknown as SurveyElement[], opdName: opd?.name ?? '' };
}
export type PublicUnit = Awaited<ReturnType<typeof publicUnit>>;

/**
 * Adds the demo units not stored yet (matched by OPD and name) and returns every wanted unit's id.
 */
export async function addMissingUnits(
  wanted: Array<{ opd: Types.ObjectId; name: string; monthlyVolume: number }>,
): Promise<Map<string, { id: Types.ObjectId; isNew: boolean }>> {
  const result = new Map<string, { id: Types.ObjectId; isNew: boolean }>();
  for (const w of wanted) {
    const found = await ServiceUnit.findOne({ opd: w.opd, name: w.name }).select('_id').lean();
    if (found) result.set(w.name, { id: found._id, isNew: false });
    else {
      const unit = await ServiceUnit.create({ ...w, code: newUnitCode(), elements: defaultElements() });
      result.set(w.name, { id: unit._id, isNew: true });
    }
  }
  return result;
}
