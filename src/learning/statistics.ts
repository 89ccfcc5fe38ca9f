// What monitoring counts, read for a set of people the caller has already scoped (the users
// feature's peopleScope): their enrolments (not the cancelled ones) and their JP ledger of a WIB
// year. Plain rows, so the figures are computed in one place (src/monitoring) and tested there.
//
// The city dashboard counts every enrolment of the city: read from the database on each page, that
// is tens of thousands of documents. So both are answered from mirrors in memory (src/db/
// watched-mirror.ts), loaded once and kept exact by change streams and by the models' own write
// hooks; while a mirror's stream is not open, the same rows are read from the database as before.
import { trusted, Types } from 'mongoose';
import { WatchedMirror, type MirrorSnapshot } from '../db/watched-mirror';
import { Enrolment, enrolmentWrites, JpCredit, jpCreditWrites, LessonProgress } from './enrolment.model';

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

const FACT_FIELDS = 'person course courseTitle jp status source enrolledAt completedAt dueAt';
type FactDoc = {
  _id: Types.ObjectId;
  person: Types.ObjectId;
  course: Types.ObjectId;
  courseTitle: string;
  jp: number;
  status: string;
  source: string;
  enrolledAt: Date;
  completedAt?: Date | null;
  dueAt?: Date | null;
};

const factOf = (r: FactDoc): EnrolmentFact => ({
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

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const notCancelled = { status: trusted({ $ne: 'cancelled' }) };
const objectIds = (ids: string[]) => ids.map((id) => new Types.ObjectId(id));

async function factRows(filter: object): Promise<Map<string, EnrolmentFact>> {
  const rows = (await Enrolment.find({ ...filter, ...notCancelled })
    .select(FACT_FIELDS)
    .lean()) as FactDoc[];
  return new Map(rows.map((r) => [String(r._id), factOf(r)]));
}

/** Every enrolment that is not cancelled, as monitoring counts it. */
const enrolmentMirror = new WatchedMirror<EnrolmentFact>('enrolments', {
  loadAll: () => factRows({}),
  loadSome: (ids) => factRows({ _id: trusted({ $in: objectIds(ids) }) }),
});
enrolmentWrites.mirror = enrolmentMirror;

interface CreditRow {
  person: string;
  year: number;
  jp: number;
}

async function creditRows(filter: object): Promise<Map<string, CreditRow>> {
  const rows = await JpCredit.find(filter).select('person year jp').lean();
  return new Map(rows.map((r) => [String(r._id), { person: String(r.person), year: r.year, jp: r.jp }]));
}

/** The whole JP ledger, one row per credited enrolment. */
const creditMirror = new WatchedMirror<CreditRow>('jpcredits', {
  loadAll: () => creditRows({}),
  loadSome: (ids) => creditRows({ _id: trusted({ $in: objectIds(ids) }) }),
});
jpCreditWrites.mirror = creditMirror;

function factsByPerson(snapshot: MirrorSnapshot<EnrolmentFact>): Map<string, EnrolmentFact[]> {
  return enrolmentMirror.derived(snapshot, 'byPerson', (rows) => {
    const index = new Map<string, EnrolmentFact[]>();
    for (const fact of rows.values()) {
      const list = index.get(fact.person);
      if (list) list.push(fact);
      else index.set(fact.person, [fact]);
    }
    for (const list of index.values()) list.sort(byId);
    return index;
  });
}

// The last answers from the mirror, by mirror version and people: the same dashboard asked again
// gets the same array (monitoring keeps counts with it) until an enrolment changes.
const RECENT = 8;
const recentFacts = new Map<string, readonly EnrolmentFact[]>();

/**
 * The active and completed enrolments of these people, each person's in the order they were made.
 * The array may be shared with other callers: read it, never change it.
 */
export async function enrolmentFacts(personIds: string[]): Promise<readonly EnrolmentFact[]> {
  const snapshot = await enrolmentMirror.snapshot();
  if (snapshot) {
    const people = [...new Set(personIds)];
    const key = `${snapshot.version}:${people.join(',')}`;
    const known = recentFacts.get(key);
    if (known) return known;
    const index = factsByPerson(snapshot);
    const facts = people.flatMap((id) => index.get(id) ?? []);
    if (recentFacts.size >= RECENT) recentFacts.delete(recentFacts.keys().next().value!);
    recentFacts.set(key, facts);
    return facts;
  }
  const out: EnrolmentFact[] = [];
  const wanted = new Set(personIds);
  for (const filter of personFilters(personIds)) {
    for (const fact of (await factRows(filter)).values()) if (wanted.has(fact.person)) out.push(fact);
  }
  const order = new Map([...wanted].map((id, i) => [id, i]));
  return out.sort((a, b) => order.get(a.person)! - order.get(b.person)! || byId(a, b));
}

/** JP credited to each of these people in a WIB calendar year (the ledger), by person id. */
export async function jpTotals(personIds: string[], year: number): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  const wanted = new Set(personIds);
  const snapshot = await creditMirror.snapshot();
  if (snapshot) {
    const ofYear = creditMirror.derived(snapshot, `year:${year}`, (rows) => {
      const sums = new Map<string, number>();
      for (const r of rows.values())
        if (r.year === year) sums.set(r.person, (sums.get(r.person) ?? 0) + r.jp);
      return sums;
    });
    for (const id of wanted) {
      const jp = ofYear.get(id);
      if (jp !== undefined) totals.set(id, jp);
    }
    return totals;
  }
  for (const filter of personFilters(personIds)) {
    for (const r of (await creditRows({ ...filter, year })).values())
      if (wanted.has(r.person)) totals.set(r.person, (totals.get(r.person) ?? 0) + r.jp);
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
