// What monitoring counts, read for a set of people the caller has already scoped (the users
// feature's peopleScope): their enrolments (not the cancelled ones) and their JP ledger of a WIB
// year. Plain rows, so the figures are computed in one place (src/monitoring) and tested there.
import { trusted, Types } from 'mongoose';
import { Enrolment, JpCredit, LessonProgress } from './enrolment.model';

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

// The embedded engine matches `$in` by comparing with every listed id: past a few hundred people,
// one pass over the collection filtered here by a Set is much faster than a long `$in`.
const BATCH = 300;
const SCAN_FROM = 1000;

function batches(ids: string[]): Types.ObjectId[][] {
  const out: Types.ObjectId[][] = [];
  for (let i = 0; i < ids.length; i += BATCH)
    out.push(ids.slice(i, i + BATCH).map((id) => new Types.ObjectId(id)));
  return out;
}

/** The `find` filters that reach these people: a few `$in` batches, or one pass for many people. */
function personFilters(personIds: string[]): object[] {
  if (personIds.length >= SCAN_FROM) return [{}];
  return batches(personIds).map((ids) => ({ person: trusted({ $in: ids }) }));
}

/** The active and completed enrolments of these people. */
export async function enrolmentFacts(personIds: string[]): Promise<EnrolmentFact[]> {
  const out: EnrolmentFact[] = [];
  const wanted = new Set(personIds);
  for (const filter of personFilters(personIds)) {
    const rows = await Enrolment.find({ ...filter, status: trusted({ $ne: 'cancelled' }) })
      .select('person course courseTitle jp status source enrolledAt completedAt dueAt')
      .lean();
    for (const r of rows) {
      if (!wanted.has(String(r.person))) continue;
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
  }
  return out;
}

/** JP credited to each of these people in a WIB calendar year (the ledger), by person id. */
export async function jpTotals(personIds: string[], year: number): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  const wanted = new Set(personIds);
  for (const filter of personFilters(personIds)) {
    const rows = await JpCredit.find({ ...filter, year })
      .select('person jp')
      .lean();
    for (const r of rows)
      if (wanted.has(String(r.person)))
        totals.set(String(r.person), (totals.get(String(r.person)) ?? 0) + r.jp);
  }
  return totals;
}

/** A course's enrolment for its report: when it started and ended, and which lessons are done. */
export interface CourseEnrolmentFact {
  person: string;
  status: 'active' | 'completed';
  enrolledAt: Date;
  completedAt?: Date;
  doneLessons: string[];
}

/**
 * Every enrolment (not cancelled) of a course with the keys of its done lessons: the course report
 * (curators and the course's authors, checked by the caller) counts completions and where learners stop.
 */
export async function courseEnrolmentFacts(courseId: string): Promise<CourseEnrolmentFact[]> {
  if (!/^[0-9a-f]{24}$/i.test(courseId)) return [];
  const course = new Types.ObjectId(courseId);
  const [rows, progress] = await Promise.all([
    Enrolment.find({ course, status: trusted({ $ne: 'cancelled' }) })
      .select('person status enrolledAt completedAt')
      .lean(),
    LessonProgress.find({ course }).select('enrolment lessonKey doneAt').lean(),
  ]);
  const done = new Map<string, string[]>();
  for (const p of progress) {
    if (!p.doneAt) continue; // a quiz tried but not passed yet
    const list = done.get(String(p.enrolment)) ?? [];
    list.push(p.lessonKey);
    done.set(String(p.enrolment), list);
  }
  return rows.map((r) => ({
    person: String(r.person),
    status: r.status as 'active' | 'completed',
    enrolledAt: r.enrolledAt,
    completedAt: r.completedAt ?? undefined,
    doneLessons: done.get(String(r._id)) ?? [],
  }));
}
