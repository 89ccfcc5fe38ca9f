// Suggestions and complaints from the survey, for the HR of the unit's OPD and the admins (the
// units' scope): list per unit, status, the SP4N-LAPOR! tier and the due date it sets in working
// days (weekends, national holidays and cuti bersama skipped). What the citizen wrote stays plain
// text: views print it escaped, exports neutralise formulas.
import { Types } from 'mongoose';
import type { Actor } from '../core/actor';
import { audit, type AuditContext } from '../audit';
import { NotFound } from '../web/errors';
import { Feedback, type FeedbackStatus } from './feedback.model';
import { getUnit } from './units.service';
import type { FeedbackInput } from './evaluation.schemas';
import { addWorkingDays } from './working-days';
import { holidayDays } from './holidays.service';

export async function listFeedback(actor: Actor, unitId: string, status?: FeedbackStatus) {
  const unit = await getUnit(actor, unitId);
  const filter: Record<string, unknown> = { unit: unit._id };
  if (status) filter.status = status;
  const items = await Feedback.find(filter).sort({ receivedAt: -1 }).limit(500).lean();
  return { unit, items };
}

/** One suggestion in the actor's scope (through its unit); another OPD's answers like a missing one. */
export async function getFeedback(actor: Actor, unitId: string, id: string) {
  const unit = await getUnit(actor, unitId);
  const item = Types.ObjectId.isValid(id) ? await Feedback.findOne({ _id: id, unit: unit._id }).lean() : null;
  if (!item) throw new NotFound('feedback');
  return { unit, item };
}

export async function updateFeedback(
  actor: Actor,
  unitId: string,
  id: string,
  input: FeedbackInput,
  now: Date,
  context: AuditContext = {},
): Promise<void> {
  const { unit, item } = await getFeedback(actor, unitId, id);
  const dueAt = input.tier ? addWorkingDays(item.receivedAt, input.tier, await holidayDays()) : null;
  const settledAt = input.status === 'settled' ? (item.settledAt ?? now) : null;
  await Feedback.updateOne(
    { _id: item._id },
    { $set: { status: input.status, tier: input.tier, dueAt, note: input.note, settledAt } },
  );
  await audit.record(
    actor,
    {
      action: 'feedback.update',
      targetType: 'feedback',
      targetId: item._id,
      targetLabel: unit.name,
      before: { status: item.status, tier: item.tier },
      after: { status: input.status, tier: input.tier },
    },
    context,
  );
}

/** Open items per unit of the actor's scope (the list of units shows them). */
export async function openCounts(unitIds: Types.ObjectId[]): Promise<Map<string, number>> {
  const rows = await Feedback.aggregate<{ _id: Types.ObjectId; n: number }>([
    { $match: { unit: { $in: unitIds }, status: { $ne: 'settled' } } },
    { $group: { _id: '$unit', n: { $sum: 1 } } },
  ]);
  return new Map(rows.map((r) => [String(r._id), r.n]));
}
