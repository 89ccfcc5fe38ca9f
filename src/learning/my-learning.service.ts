// "Pembelajaran saya": the person's assignments first (soonest due first, days left, overdue
// marked), then what they study of their own accord, then what they completed; the JP of this WIB
// calendar year against the 20 JP a year every ASN has the right and duty to, and past years.
// Also the catalog page's and the course page's view of the person's enrolments.
import { Types, trusted } from 'mongoose';
import type { Actor } from '../core/actor';
import { startOfDayWib, wibDay } from '../core/wib';
import { catalogTitles, searchCatalog, type CatalogQuery } from '../courses';
import { institutionRefs } from '../institutions';
import { Enrolment, JpCredit, LessonProgress } from './enrolment.model';
import { wibYear } from './completion';
import { doneIn, enrolBlock, missingPrerequisites, ownEnrolment } from './enrolments.service';
import { versionContent } from './course-content';
import { outlineOf, resumeKey } from './progress.service';

/** The yearly target of competency development (PP 11/2017 art. 203, as amended by PP 17/2020). */
export const JP_TARGET = 20;

/** Whole WIB calendar days from today to the due day (negative: overdue by that many days). */
export function daysLeft(dueAt: Date, now: Date): number {
  const dueDay = wibDay(new Date(dueAt.getTime() - 1)); // dueAt is the exclusive end of the due day
  return Math.round((startOfDayWib(dueDay).getTime() - startOfDayWib(wibDay(now)).getTime()) / 86_400_000);
}

export async function jpSummary(personId: string, now: Date) {
  const credits = await JpCredit.find({ person: new Types.ObjectId(personId) })
    .select('year jp courseTitle creditedAt')
    .sort({ creditedAt: -1 })
    .lean();
  const year = wibYear(now);
  const byYear = new Map<number, number>();
  for (const c of credits) byYear.set(c.year, (byYear.get(c.year) ?? 0) + c.jp);
  const thisYear = byYear.get(year) ?? 0;
  return {
    year,
    thisYear,
    target: JP_TARGET,
    percent: Math.min(100, Math.floor((thisYear * 100) / JP_TARGET)),
    pastYears: [...byYear.entries()].filter(([y]) => y !== year).sort((a, b) => b[0] - a[0]),
    credits: credits.filter((c) => c.year === year),
  };
}

export async function myLearning(actor: Actor, now: Date) {
  const [rows, jp] = await Promise.all([myEnrolments(actor), jpSummary(actor.id, now)]);
  const active = rows.filter((r) => r.status === 'active');
  const assigned = active
    .filter((r) => r.source === 'assigned')
    .sort((a, b) => (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity))
    .map((r) => ({ ...r, daysLeft: r.dueAt ? daysLeft(r.dueAt, now) : undefined }));
  return {
    assigned,
    inProgress: active.filter((r) => r.source !== 'assigned'),
    completed: rows
      .filter((r) => r.status === 'completed')
      .sort((a, b) => (b.completedAt?.getTime() ?? 0) - (a.completedAt?.getTime() ?? 0)),
    jp,
  };
}

function myEnrolments(actor: Actor) {
  return Enrolment.find({
    person: new Types.ObjectId(actor.id),
    status: trusted({ $ne: 'cancelled' }),
  })
    .select(
      'course courseTitle courseCode jp source status dueAt percent lessonsDone lessonsTotal completedAt lastActivityAt assignedByName',
    )
    .sort({ lastActivityAt: -1 })
    .limit(500)
    .lean();
}

/** One catalog page, with the person's enrolment state of each course on it. */
export async function catalogPage(actor: Actor, query: CatalogQuery) {
  const page = await searchCatalog(actor, query);
  const mine = page.items.length
    ? await Enrolment.find({
        person: new Types.ObjectId(actor.id),
        course: trusted({ $in: page.items.map((c) => new Types.ObjectId(c.id)) }),
      })
        .select('course status percent')
        .lean()
    : [];
  const states = new Map(mine.map((e) => [String(e.course), { status: e.status, percent: e.percent }]));
  return { ...page, states };
}

/** The course page: the published course, the person's enrolment and progress, or why they may not enrol. */
export async function coursePage(actor: Actor, courseId: string, now: Date) {
  const { course, enrolment, records } = await ownEnrolment(actor, courseId, now);
  const studying = enrolment && enrolment.status !== 'cancelled' ? enrolment : undefined;
  const content = await versionContent(course.id, studying?.version ?? course.version);
  const done = studying ? doneIn(studying, records) : new Set<string>();
  const missing = await missingPrerequisites(actor.id, course.content);
  const prerequisiteIds = (course.content.prerequisites ?? []).map(String);
  const titles = prerequisiteIds.length ? await catalogTitles(prerequisiteIds) : new Map();
  const partner = (await institutionRefs([course.content.partner])).get(String(course.content.partner));
  return {
    course: {
      ...course,
      prerequisites: prerequisiteIds.map((id) => titles.get(id) ?? { code: '', title: '' }),
    },
    partner,
    enrolment: studying,
    block: studying ? undefined : await enrolBlock(actor, course, enrolment),
    missingPrerequisites: missing.map((id) => titles.get(id) ?? { code: '', title: id }),
    outline: content ? outlineOf(content, done, studying?.status === 'completed') : [],
    resumeKey: content ? resumeKey(content, done) : undefined,
  };
}

/** "Data saya": the person's enrolments with each lesson's record, and their JP ledger. */
export async function enrolmentsOf(personId: string) {
  const rows = await Enrolment.find({ person: new Types.ObjectId(personId) }).lean();
  const progress = await LessonProgress.find({ person: new Types.ObjectId(personId) })
    .select('enrolment lessonKey version doneAt via scorePercent passed attempts')
    .lean();
  return rows.map((e) => ({
    course: `${e.courseCode} — ${e.courseTitle}`,
    version: e.version,
    source: e.source,
    status: e.status,
    enrolledAt: e.enrolledAt,
    assignedByName: e.assignedByName,
    dueAt: e.dueAt,
    completedAt: e.completedAt,
    percent: e.percent,
    lessons: progress
      .filter((p) => String(p.enrolment) === String(e._id))
      .map(({ lessonKey, version, doneAt, via, scorePercent, passed, attempts }) => ({
        lessonKey,
        version,
        doneAt,
        via,
        scorePercent,
        passed,
        attempts,
      })),
  }));
}

export async function jpLedgerOf(personId: string) {
  const rows = await JpCredit.find({ person: new Types.ObjectId(personId) })
    .sort({ creditedAt: 1 })
    .lean();
  return rows.map((r) => ({ year: r.year, course: r.courseTitle, jp: r.jp, creditedAt: r.creditedAt }));
}
