// National holidays and collective leave for the working-day due dates of complaints: listed per
// year, added and removed by admins (audited). A change recomputes the due dates of the complaints
// still open, so a holiday entered late still moves them. The demo seed enters only the holidays
// whose dates are fixed by law every year; the moving ones (Idul Fitri, Nyepi, Waisak, …) and cuti
// bersama come from each year's joint ministerial decree (SKB) and are entered by an admin.
import { trusted, Types } from 'mongoose';
import type { Actor } from '../core/actor';
import { audit, type AuditContext } from '../audit';
import { NotFound, ValidationFailed } from '../web/errors';
import { duplicateKeyField } from '../db/duplicate-key';
import { Holiday } from './holiday.model';
import { Feedback } from './feedback.model';
import { addWorkingDays } from './working-days';
import type { HolidayInput } from './evaluation.schemas';

export function canManageHolidays(actor: Actor): boolean {
  return actor.roles.includes('admin');
}

/** Every holiday's day (YYYY-MM-DD): a few dozen a year, read whole. */
export async function holidayDays(): Promise<Set<string>> {
  return new Set((await Holiday.find().select('date').lean()).map((h) => h.date));
}

export async function listHolidays(actor: Actor, year: number) {
  if (!canManageHolidays(actor)) throw new NotFound('page');
  return Holiday.find({ date: trusted({ $gte: `${year}-01-01`, $lte: `${year}-12-31` }) })
    .sort({ date: 1 })
    .lean();
}

/** The due dates of open complaints with a tier, counted again with the holidays as they are now. */
export async function recomputeOpenDueDates(): Promise<number> {
  const holidays = await holidayDays();
  const open = await Feedback.find({ status: trusted({ $ne: 'settled' }), tier: trusted({ $ne: null }) })
    .select('receivedAt tier dueAt')
    .lean();
  let changed = 0;
  for (const item of open) {
    const dueAt = addWorkingDays(item.receivedAt, item.tier!, holidays);
    if (item.dueAt?.getTime() === dueAt.getTime()) continue;
    await Feedback.updateOne({ _id: item._id }, { $set: { dueAt } });
    changed++;
  }
  return changed;
}

export async function addHoliday(actor: Actor, input: HolidayInput, context: AuditContext = {}) {
  if (!canManageHolidays(actor)) throw new NotFound('page');
  try {
    await Holiday.create(input);
  } catch (error) {
    if (duplicateKeyField(error, ['date']))
      throw new ValidationFailed({ date: 'evaluation.errors.holidayTaken' });
    throw error;
  }
  await audit.record(
    actor,
    {
      action: 'holiday.create',
      targetType: 'holiday',
      targetLabel: `${input.date} ${input.name}`,
      after: input,
    },
    context,
  );
  await recomputeOpenDueDates();
}

export async function removeHoliday(actor: Actor, id: string, context: AuditContext = {}) {
  if (!canManageHolidays(actor)) throw new NotFound('page');
  const holiday = Types.ObjectId.isValid(id) ? await Holiday.findOneAndDelete({ _id: id }).lean() : null;
  if (!holiday) throw new NotFound('holiday');
  await audit.record(
    actor,
    {
      action: 'holiday.delete',
      targetType: 'holiday',
      targetId: holiday._id,
      targetLabel: `${holiday.date} ${holiday.name}`,
    },
    context,
  );
  await recomputeOpenDueDates();
  return holiday;
}

/**
 * The holidays whose dates the law fixes every year (Keppres on national holidays): New Year,
 * International Labour Day, Pancasila Day, Independence Day and Christmas. Added when missing.
 */
export const FIXED_HOLIDAYS = [
  { monthDay: '01-01', name: 'Tahun Baru Masehi' },
  { monthDay: '05-01', name: 'Hari Buruh Internasional' },
  { monthDay: '06-01', name: 'Hari Lahir Pancasila' },
  { monthDay: '08-17', name: 'Hari Proklamasi Kemerdekaan Republik Indonesia' },
  { monthDay: '12-25', name: 'Hari Raya Natal' },
];

export async function addFixedHolidays(years: number[]): Promise<number> {
  let added = 0;
  for (const year of years)
    for (const h of FIXED_HOLIDAYS) {
      const date = `${year}-${h.monthDay}`;
      const result = await Holiday.updateOne(
        { date },
        { $setOnInsert: { date, name: h.name, kind: 'libur_nasional' } },
        { upsert: true },
      );
      added += result.upsertedCount;
    }
  return added;
}
