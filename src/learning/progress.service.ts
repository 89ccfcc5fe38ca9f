// The course player: a lesson of the enrolment's version with the outline, progress per module and
// for the course, previous/next, and lesson completion ("Tandai selesai", a watched video, a
// downloaded file; quizzes through recordQuizOutcome). Every lesson done recounts the enrolment and
// completes it the moment its rule holds.
import { trusted } from 'mongoose';
import type { Actor } from '../core/actor';
import { findLesson, renderLessonBody, type LessonFields } from '../courses';
import { Conflict, NotFound } from '../web/errors';
import { Enrolment, LessonProgress } from './enrolment.model';
import { completeIfDone, doneKeys, recount, type CompletionEvent } from './completion';
import { LessonLocked, lockOf, percentOf, versionContent, type VersionContent } from './course-content';
import {
  doneIn,
  enrolmentOf,
  ownEnrolment,
  studyable,
  studyingEnrolment,
  type EnrolmentDoc,
} from './enrolments.service';
import { isDuplicateKey } from './notices.service';

/** Whether the quizzes feature has a quiz for a lesson (it registers the check; until then none). */
type QuizAvailability = (courseId: string, lessonKey: string) => Promise<boolean>;
let quizAvailability: QuizAvailability = () => Promise.resolve(false);
export function registerQuizAvailability(check: QuizAvailability): void {
  quizAvailability = check;
}

export interface ModuleProgress {
  key: string;
  title: string;
  done: number;
  total: number;
  percent: number;
  lessons: Array<{
    key: string;
    title: string;
    kind: string;
    minutes: number;
    done: boolean;
    /** In a course studied in order: the title of the lesson to finish before this one opens. */
    lockedBy?: string;
  }>;
}

/** Modules with their lessons' state; `isOpen` (a completed enrolment) opens every lesson. */
export function outlineOf(content: VersionContent, done: Set<string>, isOpen = false): ModuleProgress[] {
  const inOrder = !!content.content.studyInOrder && !isOpen;
  let blocker: LessonFields | undefined; // the first lesson not done so far
  return content.modules.map((m) => {
    const lessons = (m.lessons as LessonFields[]).map((l) => {
      const lockedBy = inOrder ? blocker?.title : undefined;
      if (!blocker && !done.has(l.key)) blocker = l;
      return {
        key: l.key,
        title: l.title,
        kind: l.kind,
        minutes: l.minutes,
        done: done.has(l.key),
        lockedBy,
      };
    });
    const count = lessons.filter((l) => l.done).length;
    return {
      key: m.key,
      title: m.title,
      done: count,
      total: lessons.length,
      percent: percentOf(count, lessons.length),
      lessons,
    };
  });
}

/** Where "Lanjutkan" goes: the first lesson not done yet (or the first lesson). */
export function resumeKey(content: VersionContent, done: Set<string>): string | undefined {
  return content.keys.find((k) => !done.has(k)) ?? content.keys[0];
}

/**
 * A lesson of the course as the enrolled learner studies it; in a course studied in order, a lesson
 * not reached yet gives only its title and the lesson to finish first (`locked`), none of its content.
 */
export async function lessonView(actor: Actor, courseId: string, key: string, now: Date) {
  const { course, enrolment, records } = await ownEnrolment(actor, courseId, now);
  if (!enrolment || enrolment.status === 'cancelled') return undefined; // the course page offers to enrol
  const content = await versionContent(course.id, enrolment.version);
  if (!content) throw new NotFound('course');
  const found = findLesson(content.content, key);
  const done = doneIn(enrolment, records);
  const lock = enrolment.status === 'completed' ? undefined : lockOf(content, done, key);
  if (lock)
    return {
      locked: { key: lock.key, title: lock.title },
      course: { id: course.id, title: content.content.title },
      lesson: { title: found.lesson.title },
    };
  const progress = found.lesson.kind === 'quiz' ? records.find((r) => r.lessonKey === key) : undefined;
  return {
    course: { id: course.id, version: enrolment.version, content: content.content },
    enrolment,
    ...found,
    isDone: done.has(key),
    quizAvailable: found.lesson.kind === 'quiz' && (await quizAvailability(course.id, key)),
    quizResult: progress && progress.attempts ? progress : undefined,
    outline: outlineOf(content, done, enrolment.status === 'completed'),
    locked: undefined,
    done: done.size,
    total: content.keys.length,
    percent: enrolment.status === 'completed' ? 100 : percentOf(countIn(content, done), content.keys.length),
    sanitizedHtml: renderLessonBody(course.id, content.content, found.lesson.body ?? ''),
  };
}

const countIn = (content: VersionContent, done: Set<string>) =>
  content.keys.filter((k) => done.has(k)).length;

export type LessonVia = 'button' | 'video' | 'download';

/** Marks a lesson of the actor's enrolment done (once); completes the course when that was the last. */
export async function markDone(
  actor: Actor,
  courseId: string,
  key: string,
  via: LessonVia,
  now: Date,
): Promise<{ completion?: CompletionEvent; nextKey?: string; fileId: string; enrolment: EnrolmentDoc }> {
  const { course, enrolment, records } = await studyingEnrolment(actor, courseId, now);
  const content = await versionContent(course.id, enrolment.version);
  if (!content) throw new NotFound('course');
  const { lesson, next } = findLesson(content.content, key);
  if (lesson.kind === 'quiz') throw new Conflict('learning.player.quizNotMarkable');
  if (via === 'download' && !lesson.file) throw new NotFound('file');
  const result = { nextKey: next?.key, fileId: String(lesson.file?.id ?? ''), enrolment };
  if (enrolment.status !== 'active') return result; // completed: reviewing changes nothing
  const done = doneIn(enrolment, records);
  const lock = lockOf(content, done, key);
  if (lock) throw new LessonLocked(lock);
  // A second click changes nothing, unless every lesson is done and the completion is still due
  // (it failed before): then it completes now.
  if (done.has(key) && !content.keys.every((k) => done.has(k))) return result;
  if (!done.has(key)) await saveDone(enrolment, key, via, now, { isKnownUndone: true });
  const isComplete = await recount(enrolment._id, now, enrolment);
  return { ...result, completion: isComplete ? await completeIfDone(enrolment._id, now) : undefined };
}

async function saveDone(
  enrolment: EnrolmentDoc,
  key: string,
  via: LessonVia | 'quiz',
  now: Date,
  { isKnownUndone = false } = {},
) {
  const done = {
    enrolment: enrolment._id,
    lessonKey: key,
    version: enrolment.version,
    doneAt: trusted({ $ne: null }),
  };
  if (!isKnownUndone && (await LessonProgress.exists(done))) return; // a second click changes nothing
  try {
    await LessonProgress.updateOne(
      {
        enrolment: enrolment._id,
        lessonKey: key,
        $or: [{ doneAt: null }, { version: trusted({ $ne: enrolment.version }) }],
      },
      {
        $set: { version: enrolment.version, doneAt: now, via },
        $setOnInsert: { person: enrolment.person, course: enrolment.course },
      },
      { upsert: true },
    );
  } catch (error) {
    // Done already: a parallel request inserted the record first (the unique index refused ours).
    if (!isDuplicateKey(error)) throw error;
  }
}

export interface QuizOutcome {
  personId: string;
  courseId: string;
  lessonKey: string;
  passed: boolean;
  scorePercent: number;
  gradedAt: Date;
}

/**
 * The quizzes feature reports a graded attempt. The best score and whether any attempt passed are
 * kept on the lesson's progress record; the lesson is done when the quiz is required and the
 * attempt passed at the course's pass mark, or on any graded attempt of a quiz that is not
 * required. That may complete the course. An unknown enrolment or a lesson that is no quiz throws.
 */
export async function recordQuizOutcome(outcome: QuizOutcome): Promise<void> {
  if (!/^[0-9a-f]{24}$/i.test(outcome.personId) || !/^[0-9a-f]{24}$/i.test(outcome.courseId))
    throw new NotFound('enrolment');
  const enrolment = await enrolmentOf(outcome.personId, outcome.courseId);
  if (!enrolment || enrolment.status === 'cancelled') throw new NotFound('enrolment');
  const now = outcome.gradedAt;
  const content = await versionContent(enrolment.course, enrolment.version);
  if (!content) throw new NotFound('course');
  const { lesson } = findLesson(content.content, outcome.lessonKey);
  if (lesson.kind !== 'quiz') throw new Conflict('learning.player.notAQuiz');
  const score = Math.max(0, Math.min(100, outcome.scorePercent));
  const counts = !lesson.quizRequired || (outcome.passed && score >= (content.content.quizPassMark ?? 0));
  const set: Record<string, unknown> = { gradedAt: now };
  if (outcome.passed) set.passed = true;
  try {
    await LessonProgress.updateOne(
      { enrolment: enrolment._id, lessonKey: outcome.lessonKey },
      {
        $set: set,
        $max: { scorePercent: score },
        $inc: { attempts: 1 },
        $setOnInsert: { person: enrolment.person, course: enrolment.course, version: enrolment.version },
      },
      { upsert: true },
    );
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return recordQuizOutcome(outcome);
  }
  if (!counts || enrolment.status !== 'active') return;
  await saveDone(enrolment, outcome.lessonKey, 'quiz', now);
  if (await recount(enrolment._id, now)) await completeIfDone(enrolment._id, now);
}

export interface LessonResult {
  lessonKey: string;
  title: string;
  kind: string;
  done: boolean;
  doneAt?: Date;
  scorePercent?: number;
  passed?: boolean;
  attempts: number;
}

/** Each lesson of an enrolment with its result (certificates and monitoring read quiz scores here). */
export async function enrolmentResults(enrolmentId: string): Promise<LessonResult[]> {
  if (!/^[0-9a-f]{24}$/i.test(enrolmentId)) return [];
  const enrolment = await Enrolment.findById(enrolmentId).lean();
  if (!enrolment) return [];
  const content = await versionContent(enrolment.course, enrolment.version);
  if (!content) return [];
  const records = await LessonProgress.find({ enrolment: enrolment._id }).lean();
  const byKey = new Map(records.map((r) => [r.lessonKey, r]));
  return content.lessons.map((l) => {
    const r = byKey.get(l.key);
    const done = !!r?.doneAt && r.version === enrolment.version;
    return {
      lessonKey: l.key,
      title: l.title,
      kind: l.kind,
      done,
      doneAt: done ? (r!.doneAt ?? undefined) : undefined,
      scorePercent: r?.scorePercent ?? undefined,
      passed: r?.passed ?? undefined,
      attempts: r?.attempts ?? 0,
    };
  });
}

/**
 * The lesson gate of a course studied in order (its file, its quiz): open when the lessons before
 * it are done in the person's enrolment; without an enrolment only the first lesson is open, except
 * to the staff who review, assign or administer courses. Throws LessonLocked otherwise.
 */
export async function assertLessonOpen(actor: Actor, courseId: string, key: string): Promise<void> {
  const enrolment = await enrolmentOf(actor.id, courseId);
  const studying = enrolment && enrolment.status !== 'cancelled' ? enrolment : undefined;
  if (studying?.status === 'completed') return;
  if (!studying && actor.roles.some((r) => r === 'curator' || r === 'admin' || r === 'hr')) return;
  const published = studying ? studying.version : (await studyable(actor, courseId)).version;
  const content = await versionContent(courseId, published);
  if (!content) throw new NotFound('course');
  const done = studying ? await doneKeys(studying._id, studying.version) : new Set<string>();
  const lock = lockOf(content, done, key);
  if (lock) throw new LessonLocked(lock);
}
