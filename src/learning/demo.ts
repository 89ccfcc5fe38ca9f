// Learning records written in bulk for the demo seed and the benchmark's seed: enrolments with their
// lesson progress, the JP ledger of completed ones and their notices, exactly as the services would
// have left them (counts, percent, WIB year), without going through a request per lesson.
import { Types } from 'mongoose';
import { catalogTitles } from '../courses';
import { versionContent } from './course-content';
import { percentOf } from './course-content';
import { wibYear } from './completion';
import { Enrolment, JpCredit, LessonProgress, NoticeCounter, Notification } from './enrolment.model';

export interface DemoEnrolment {
  person: string;
  opd?: string;
  course: string;
  /** How many of the course's lessons are done, in order (all: completed at `completedAt`). */
  lessonsDone: number;
  /**
   * Every lesson done, the last at this time, with the completion left to the learning feature's
   * completion path (completeFinishedEnrolments: JP ledger, notice, certificate as live).
   */
  finishedAt?: Date;
  source: 'self' | 'assigned';
  enrolledAt: Date;
  dueAt?: Date;
  assignedByName?: string;
  completedAt?: Date;
}

const oid = (id: string) => new Types.ObjectId(id);

/** Writes the enrolments whose person and course have none yet; returns how many were written. */
export async function insertDemoEnrolments(plans: DemoEnrolment[]): Promise<number> {
  const titles = await catalogTitles([...new Set(plans.map((p) => p.course))]);
  const existing = new Set(
    (await Enrolment.find({}, { person: 1, course: 1 }).lean()).map(
      (e) => `${String(e.person)}:${String(e.course)}`,
    ),
  );
  const enrolments: Record<string, unknown>[] = [];
  const progress: Record<string, unknown>[] = [];
  const credits: Record<string, unknown>[] = [];
  const notices: Record<string, unknown>[] = [];
  for (const plan of plans) {
    const course = titles.get(plan.course);
    const content = course && (await versionContent(plan.course, course.version));
    if (!course || !content || existing.has(`${plan.person}:${plan.course}`)) continue;
    existing.add(`${plan.person}:${plan.course}`);
    const total = content.keys.length;
    const done = Math.min(plan.lessonsDone, total);
    const completed = done === total && !!plan.completedAt;
    const finished = done === total && !completed && !!plan.finishedAt;
    const _id = new Types.ObjectId();
    const last = completed
      ? plan.completedAt!
      : finished
        ? plan.finishedAt!
        : new Date(plan.enrolledAt.getTime() + done * 3_600_000);
    enrolments.push({
      _id,
      person: oid(plan.person),
      opd: plan.opd ? oid(plan.opd) : undefined,
      course: oid(plan.course),
      version: course.version,
      courseTitle: course.title,
      courseCode: course.code,
      jp: course.jp,
      source: plan.source,
      status: completed ? 'completed' : 'active',
      enrolledAt: plan.enrolledAt,
      ...(plan.source === 'assigned'
        ? { assignedAt: plan.enrolledAt, assignedByName: plan.assignedByName, dueAt: plan.dueAt }
        : {}),
      completedAt: completed ? plan.completedAt : undefined,
      lessonsDone: done,
      lessonsTotal: total,
      percent: completed ? 100 : percentOf(done, total),
      lastActivityAt: last,
    });
    content.keys.slice(0, done).forEach((lessonKey, i) =>
      progress.push({
        enrolment: _id,
        person: oid(plan.person),
        course: oid(plan.course),
        lessonKey,
        version: course.version,
        // Spread between enrolment and the last lesson (finished ones end at `finishedAt`).
        doneAt:
          finished && i === done - 1
            ? plan.finishedAt
            : new Date(plan.enrolledAt.getTime() + (i + 1) * 3_600_000),
        via: 'button',
        attempts: 0,
      }),
    );
    if (plan.source === 'assigned')
      notices.push({
        person: oid(plan.person),
        kind: 'assigned',
        key: `assigned:${String(_id)}:${plan.enrolledAt.getTime()}`,
        enrolment: _id,
        course: oid(plan.course),
        courseTitle: course.title,
        dueAt: plan.dueAt,
        createdAt: plan.enrolledAt,
        readAt: plan.enrolledAt,
      });
    if (completed) {
      credits.push({
        person: oid(plan.person),
        year: wibYear(plan.completedAt!),
        enrolment: _id,
        course: oid(plan.course),
        courseTitle: course.title,
        jp: course.jp,
        creditedAt: plan.completedAt,
      });
      notices.push({
        person: oid(plan.person),
        kind: 'completed',
        key: `completed:${String(_id)}`,
        enrolment: _id,
        course: oid(plan.course),
        courseTitle: course.title,
        jp: course.jp,
        createdAt: plan.completedAt,
      });
    }
  }
  for (let i = 0; i < enrolments.length; i += 5000)
    await Enrolment.insertMany(enrolments.slice(i, i + 5000), { lean: true });
  for (let i = 0; i < progress.length; i += 5000)
    await LessonProgress.insertMany(progress.slice(i, i + 5000), { lean: true });
  if (credits.length) await JpCredit.insertMany(credits, { lean: true });
  if (notices.length) await Notification.insertMany(notices, { lean: true });
  const unread = new Map<string, number>();
  for (const n of notices)
    if (!n.readAt) unread.set(String(n.person), (unread.get(String(n.person)) ?? 0) + 1);
  if (unread.size)
    await NoticeCounter.bulkWrite(
      [...unread].map(([person, count]) => ({
        updateOne: { filter: { _id: oid(person) }, update: { $inc: { unread: count } }, upsert: true },
      })),
    );
  return enrolments.length;
}
