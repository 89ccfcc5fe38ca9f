// What the attempt pages and the autosave keep in memory, so that a question page costs one read
// (the attempt itself: its answers and flags) and saving an answer one conditional write:
// - question versions by id, and quizzes by id (page size, review policy, overrides): caches kept
//   exact by the collections' change streams (src/db/watched-cache.ts), so an edit made here or on
//   another app instance is never served stale; this instance's own writes forget at once.
// - the frame of an attempt in progress: whose it is, of which quiz lesson, its deadline and grace,
//   and per slot the question version and the order its options were shown. None of this changes
//   while the attempt is in progress (a regrade moves finished attempts only), so a frame needs no
//   invalidation: the autosave's write still asks that the attempt be in progress, and anything
//   else (finished, past its time, gone, someone else's) takes the path that reads the attempt.
// Cached documents are frozen: they are shared by every request.
import { Types, trusted } from 'mongoose';
import { WatchedCache } from '../db/watched-cache';
import { Question } from './question.model';
import { Quiz, type QuizFields } from './quiz.model';
import type { AttemptFields } from './attempt.model';

export interface QuestionVersion {
  _id: Types.ObjectId;
  entry: Types.ObjectId;
  type: string;
  text: string;
  points: number;
  generalFeedback?: string;
  hints?: string[];
  data: unknown;
}

type QuizDoc = QuizFields & { _id: Types.ObjectId };

const questionCache = new WatchedCache<QuestionVersion>('questions', 20_000);
const quizCache = new WatchedCache<QuizDoc | null>('quizzes', 2_000);

/** Freezes plain objects and arrays all the way down (ids, dates and buffers stay as they are). */
function frozen<T>(value: T): T {
  if (Array.isArray(value)) {
    for (const v of value) frozen(v);
    return Object.freeze(value);
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) frozen(v);
    return Object.freeze(value);
  }
  return value;
}

/** The question versions of `ids`, in that order; a version that is gone is an error. */
export async function questionVersions(ids: Array<Types.ObjectId | string>): Promise<QuestionVersion[]> {
  const byId = await questionCache.getMany(ids.map(String), async (missing) => {
    const docs = (await Question.find({
      _id: trusted({ $in: missing.map((id) => new Types.ObjectId(id)) }),
    }).lean()) as QuestionVersion[];
    return new Map(docs.map((d) => [String(d._id), frozen(d)]));
  });
  return ids.map((id) => {
    const q = byId.get(String(id));
    if (!q) throw new Error('an attempt refers to a question version that is gone');
    return q;
  });
}

/** A quiz by id (null when it is gone). */
export function quizById(id: Types.ObjectId | string): Promise<QuizDoc | null> {
  return quizCache.get(String(id), async () => frozen((await Quiz.findById(id).lean()) as QuizDoc | null));
}

/** Question versions written by this instance (the stream says so too, a moment later). */
export function forgetQuestionVersions(ids?: Array<Types.ObjectId | string>): void {
  if (ids) for (const id of ids) questionCache.forget(String(id));
  else questionCache.clear();
}

/** A quiz's settings or overrides were written by this instance (its id is not known there). */
export function forgetQuizzes(): void {
  quizCache.clear();
}

export interface AttemptFrame {
  person: string;
  course: string;
  lessonKey: string;
  deadline: Date | null;
  graceSeconds: number;
  items: Array<{ question: string; order: string[]; stemOrder: string[] }>;
}

/** Bounded: past this many, the oldest frame is dropped (its attempt is then read once more). */
const MAX_FRAMES = 20_000;
const frames = new Map<string, AttemptFrame>();

type ReadAttempt = Pick<
  AttemptFields,
  'person' | 'course' | 'lessonKey' | 'deadline' | 'graceSeconds' | 'items' | 'state'
> & { _id: Types.ObjectId };

/** Keeps the frame of an attempt read in progress (and drops that of a finished one). */
export function rememberAttempt(a: ReadAttempt): void {
  const id = String(a._id);
  if (a.state !== 'inProgress') {
    frames.delete(id);
    return;
  }
  if (frames.has(id)) return;
  if (frames.size >= MAX_FRAMES) frames.delete(frames.keys().next().value!);
  frames.set(id, {
    person: String(a.person),
    course: String(a.course),
    lessonKey: a.lessonKey,
    deadline: a.deadline ?? null,
    graceSeconds: a.graceSeconds ?? 60,
    items: a.items.map((i) => ({
      question: String(i.question),
      order: [...i.order],
      stemOrder: [...i.stemOrder],
    })),
  });
}

/** The frame of an attempt this instance has seen in progress, if it still holds it. */
export function attemptFrame(id: string): AttemptFrame | undefined {
  return frames.get(id.toLowerCase());
}

export function forgetAttempt(id: Types.ObjectId | string): void {
  frames.delete(String(id));
}
