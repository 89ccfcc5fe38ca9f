// Completion, the moment its rule holds: every lesson of the enrolment's version done (a quiz lesson
// counts once the quizzes feature reported a pass at the course's pass mark when the quiz is
// required, or any graded attempt when it is not). Inside one transaction: the enrolment goes
// active → completed by a conditional update (so of 20 simultaneous requests exactly one wins), the
// JP are credited to the ledger for the WIB calendar year of the completion, the in-app notice is
// written and every registered completion hook runs (a hook that throws rolls it all back). The
// mail is handed to the mail feature after the commit.
import mongoose, { trusted, type ClientSession, type Types } from 'mongoose';
import { inTransaction } from '../db/transactions';
import { wibDay } from '../core/wib';
import { Enrolment, JpCredit, LessonProgress } from './enrolment.model';
import { versionContent, percentOf } from './course-content';
import { createNotice, mailNotice } from './notices.service';

export interface CompletionEvent {
  enrolmentId: string;
  personId: string;
  courseId: string;
  courseVersion: number;
  completedAt: Date;
  jp: number;
}
/** Runs inside the completion's transaction: a throw rolls the completion back. */
export type CompletionHook = (event: CompletionEvent, session: ClientSession) => Promise<void>;

const hooks: CompletionHook[] = [];

/** Other features (certificates) act on a completion inside its transaction. */
export function registerCompletionHook(hook: CompletionHook): void {
  if (!hooks.includes(hook)) hooks.push(hook);
}

/** The WIB calendar year of an instant: the ledger year of a completion. */
export function wibYear(date: Date): number {
  return Number(wibDay(date).slice(0, 4));
}

/** Lesson keys of the enrolment's version that are done. */
export async function doneKeys(enrolmentId: Types.ObjectId, version: number, session?: ClientSession) {
  const rows = await LessonProgress.find(
    { enrolment: enrolmentId, version, doneAt: trusted({ $ne: null }) },
    { lessonKey: 1, _id: 0 },
  )
    .session(session ?? null)
    .lean();
  return new Set(rows.map((r) => r.lessonKey));
}

/** Recounts the enrolment's progress from its lesson records; returns whether every lesson is done. */
export async function recount(
  enrolmentId: Types.ObjectId,
  now: Date,
  known?: { _id: Types.ObjectId; course: Types.ObjectId; version: number; status: string },
): Promise<boolean> {
  const enrolment = known ?? (await Enrolment.findById(enrolmentId).select('course version status').lean());
  if (!enrolment) return false;
  const content = await versionContent(enrolment.course, enrolment.version);
  if (!content) return false;
  const done = await doneKeys(enrolment._id, enrolment.version);
  const count = content.keys.filter((k) => done.has(k)).length;
  await Enrolment.updateOne(
    { _id: enrolment._id, version: enrolment.version },
    {
      $set: {
        lessonsDone: count,
        lessonsTotal: content.keys.length,
        percent: enrolment.status === 'completed' ? 100 : percentOf(count, content.keys.length),
        lastActivityAt: now,
      },
    },
  );
  return content.keys.length > 0 && count === content.keys.length;
}

async function withSession<T>(work: (session: ClientSession) => Promise<T>): Promise<T> {
  return inTransaction(async (session) => {
    if (session) return work(session);
    // A database without transactions (a standalone mongod): a plain session, so hooks get one.
    const plain = await mongoose.startSession();
    try {
      return await work(plain);
    } finally {
      await plain.endSession();
    }
  });
}

/**
 * Completes the enrolment if its rule holds and it is still active: exactly once, whoever calls.
 * Returns the event when this call completed it.
 */
export async function completeIfDone(
  enrolmentId: Types.ObjectId,
  now: Date,
  options: { mail?: boolean } = {},
): Promise<CompletionEvent | undefined> {
  // Most racing requests stop here; the conditional update below decides between the rest.
  if (!(await Enrolment.exists({ _id: enrolmentId, status: 'active' }))) return undefined;
  const event = await withSession(async (session) => {
    const enrolment = await Enrolment.findOne({ _id: enrolmentId, status: 'active' }).session(session).lean();
    if (!enrolment) return undefined;
    const content = await versionContent(enrolment.course, enrolment.version);
    if (!content || content.keys.length === 0) return undefined;
    const done = await doneKeys(enrolment._id, enrolment.version, session);
    if (!content.keys.every((k) => done.has(k))) return undefined;
    const won = await Enrolment.updateOne(
      { _id: enrolment._id, status: 'active', version: enrolment.version },
      { $set: { status: 'completed', completedAt: now, percent: 100, lessonsDone: content.keys.length } },
      { session },
    );
    if (won.modifiedCount !== 1) return undefined;
    const completion: CompletionEvent = {
      enrolmentId: String(enrolment._id),
      personId: String(enrolment.person),
      courseId: String(enrolment.course),
      courseVersion: enrolment.version,
      completedAt: now,
      jp: enrolment.jp,
    };
    await JpCredit.create(
      [
        {
          person: enrolment.person,
          year: wibYear(now),
          enrolment: enrolment._id,
          course: enrolment.course,
          courseTitle: enrolment.courseTitle,
          jp: enrolment.jp,
          creditedAt: now,
        },
      ],
      { session },
    );
    await createNotice(
      {
        person: enrolment.person,
        kind: 'completed',
        key: `completed:${String(enrolment._id)}`,
        enrolment: enrolment._id,
        course: enrolment.course,
        courseTitle: enrolment.courseTitle,
        jp: enrolment.jp,
      },
      now,
      session,
    );
    for (const hook of hooks) await hook(completion, session);
    return { completion, title: enrolment.courseTitle };
  });
  if (!event) return undefined;
  if (options.mail === false) return event.completion;
  await mailNotice(
    'completed',
    event.completion.personId,
    { course: event.title, href: `/kursus/${event.completion.courseId}` },
    event.completion.enrolmentId,
    now,
  );
  return event.completion;
}

/**
 * Completes the active enrolments whose every lesson is recorded done but whose completion never
 * ran (enrolments written in bulk, as the demo seed does, or a process stopped between a lesson and
 * its completion), each at its last activity, through completeIfDone: the JP ledger, the notice and
 * every hook (the certificate) exactly as a live completion. No mail: that moment has passed.
 * Returns how many it completed.
 */
export async function completeFinishedEnrolments(now: Date): Promise<number> {
  const candidates = await Enrolment.find({ status: 'active', lessonsTotal: trusted({ $gt: 0 }) })
    .select('lessonsDone lessonsTotal lastActivityAt')
    .sort({ lastActivityAt: 1, _id: 1 })
    .lean();
  let completed = 0;
  for (const e of candidates) {
    if ((e.lessonsDone ?? 0) < (e.lessonsTotal ?? 0)) continue;
    const at = e.lastActivityAt && e.lastActivityAt.getTime() <= now.getTime() ? e.lastActivityAt : now;
    if (await completeIfDone(e._id, at, { mail: false })) completed++;
  }
  return completed;
}
