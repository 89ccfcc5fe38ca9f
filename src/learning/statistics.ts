// What monitoring counts, read for a set of people the caller has already scoped (the users
// feature's peopleScope): their enrolments (not the cancelled ones) and their JP ledger of a WIB
// year. Plain rows, so the figures are computed in one place (src/monitoring) and tested there.
import { trusted, Types } from 'mongoose';
import { Enrolment, JpCredit } from './enrolment.model';

export interface EnrolmentFact {
  id: string;
  person: string;
  course: string;
  courseTitle: string;
  jp: number;
  status: 'active' | 'completed';
  source: 'self' | 'assigned';
  enrolledAt: Date;
  completedAt?: Date;
  dueAt?: Date;
}

const BATCH = 5000;

function batches(ids: string[]): Types.ObjectId[][] {
  const out: Types.ObjectId[][] = [];
  for (let i = 0; i < ids.length; i += BATCH)
    out.push(ids.slice(i, i + BATCH).map((id) => new Types.ObjectId(id)));
  return out;
}

/** The active and completed enrolments of these people. */
export async function enrolmentFacts(personIds: string[]): Promise<EnrolmentFact[]> {
  const out: EnrolmentFact[] = [];
  for (const ids of batches(personIds)) {
    const rows = await Enrolment.find({
      person: trusted({ $in: ids }),
      status: trusted({ $ne: 'cancelled' }),
    })
      .select('person course courseTitle jp status source enrolledAt completedAt dueAt')
      .lean();
    for (const r of rows)
      out.push({
        id: String(r._id),
        person: String(r.person),
        course: String(r.course),
        courseTitle: r.courseTitle,
        jp: r.jp,
        status: r.status as 'active' | 'completed',
        source: r.source as 'self' | 'assigned',
        enrolledAt: r.enrolledAt,
        completedAt: r.completedAt ?? undefined,
        dueAt: r.dueAt ?? undefined,
      });
  }
  return out;
}

/** JP credited to each of these people in a WIB calendar year (the ledger), by person id. */
export async function jpTotals(personIds: string[], year: number): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const ids of batches(personIds)) {
    const rows = await JpCredit.find({ person: trusted({ $in: ids }), year })
      .select('person jp')
      .lean();
    for (const r of rows) totals.set(String(r.person), (totals.get(String(r.person)) ?? 0) + r.jp);
  }
  return totals;
}
