// Attempts with the server's clock: starting (drawing and shuffling the questions), saving answers
// (form post or autosave; late ones discarded), submitting (graded once), closing overdue attempts,
// and the review as the policy allows. Every function takes the signed-in person and finds only
// their own attempts: another person's attempt answers exactly like a missing one.
import crypto from 'node:crypto';
import { Types, trusted } from 'mongoose';
import type { Actor } from '../core/actor';
import { assertLessonOpen, publishedCourse, type CourseContent } from '../courses';
import { BadRequest, Conflict, NotFound } from '../web/errors';
import { Attempt, type AttemptFields } from './attempt.model';
import { Question } from './question.model';
import { questionShapes, type QuestionShape } from './question-shapes';
import { Quiz, type QuizFields, type ReviewItem, type ReviewPhase } from './quiz.model';
import { gradeResponse } from './grading';
import { countWords, scorePercent } from './grading';
import { categoryTree } from './bank.service';
import { quizLessons } from './quiz-settings.service';
import { postedAnswers, type AnswersForm, type PostedAnswer } from './attempt-input';
import { learnerQuestion, type LearnerQuestion } from './learner-view';
import { reviewOf } from './review-view';
import { notifyGraded } from './graded-listeners';
import {
  attemptFrame,
  forgetAttempt,
  questionVersions,
  quizById,
  rememberAttempt,
  type AttemptFrame,
} from './attempt-memory';
import type { GradableQuestion } from './question-types';

/** Answers arriving this long after the deadline still count (network delay). */
export const ANSWER_SLACK_MS = 2000;
/** "Immediately after the attempt" lasts this long after submitting, as in Moodle. */
export const IMMEDIATE_REVIEW_MS = 2 * 60_000;

type QuizDoc = QuizFields & { _id: Types.ObjectId };
type AttemptDoc = AttemptFields & { _id: Types.ObjectId };

export interface Effective {
  timeLimitMinutes: number;
  attemptsAllowed: number;
  openAt: Date | null;
  closeAt: Date | null;
}

/** The quiz's settings for one person, with their override applied. */
export function effectiveFor(quiz: QuizDoc, personId: string): Effective {
  const o = (quiz.overrides ?? []).find((x) => String(x.person) === personId);
  return {
    timeLimitMinutes: quiz.timeLimitMinutes ? quiz.timeLimitMinutes + (o?.extraMinutes ?? 0) : 0,
    attemptsAllowed: quiz.attemptsAllowed ? quiz.attemptsAllowed + (o?.extraAttempts ?? 0) : 0,
    openAt: o?.openAt ?? quiz.openAt ?? null,
    closeAt: o?.closeAt ?? quiz.closeAt ?? null,
  };
}

/** The quiz of a published quiz lesson the person may study, with their own attempts. */
export async function quizForLearner(actor: Actor, courseId: string, lessonKey: string, now: Date) {
  const course = await publishedCourse(actor, courseId);
  const lesson = quizLessons(course.content as CourseContent).find((l) => l.key === lessonKey);
  if (!lesson) throw new NotFound('quiz');
  await assertLessonOpen(actor, course.id, course.content, lessonKey); // a course studied in order
  const quiz = (await Quiz.findOne({ course: course.id, lessonKey }).lean()) as QuizDoc | null;
  if (quiz) await closeOverdue(now, { quiz: quiz._id, person: new Types.ObjectId(actor.id) });
  const attempts = quiz
    ? ((await Attempt.find({ quiz: quiz._id, person: actor.id }).sort({ number: 1 }).lean()) as AttemptDoc[])
    : [];
  const effective = quiz ? effectiveFor(quiz, actor.id) : undefined;
  const passMark = quiz?.passMark ?? (course.content as CourseContent).quizPassMark ?? 70;
  return { course, lesson, quiz, attempts, effective, passMark };
}

function shuffled<T>(list: T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

type QuestionDoc = {
  _id: Types.ObjectId;
  entry: Types.ObjectId;
  type: string;
  points: number;
  data: unknown;
  shuffleOptions?: boolean | null;
};

/** The questions of a new attempt: fixed ones, then the random draws, no question twice. */
async function drawQuestions(quiz: QuizDoc): Promise<QuestionDoc[]> {
  const tree = await categoryTree(quiz.course);
  const fixedEntries = quiz.slots.filter((s) => s.entry).map((s) => s.entry!);
  const fixed = (await Question.find({
    entry: trusted({ $in: fixedEntries }),
    isLatest: true,
    hidden: false,
  }).lean()) as QuestionDoc[];
  const chosen: QuestionDoc[] = [];
  const taken = new Set<string>();
  for (const slot of quiz.slots) {
    if (slot.entry) {
      const q = fixed.find((x) => String(x.entry) === String(slot.entry));
      if (q && !taken.has(String(q.entry))) {
        chosen.push(q);
        taken.add(String(q.entry));
      }
      continue;
    }
    const root = String(slot.category);
    const ids = tree
      .filter((c) => c.id === root || (slot.includeSubcategories && isBelow(tree, c.id, root)))
      .map((c) => new Types.ObjectId(c.id));
    const pool = (await Question.find({
      course: quiz.course,
      category: trusted({ $in: ids }),
      isLatest: true,
      hidden: false,
    }).lean()) as QuestionDoc[];
    for (const q of shuffled(pool.filter((p) => !taken.has(String(p.entry)))).slice(0, slot.count)) {
      chosen.push(q);
      taken.add(String(q.entry));
    }
  }
  return quiz.shuffleQuestions ? shuffled(chosen) : chosen;
}

function isBelow(tree: Array<{ id: string; parent: string | null }>, id: string, root: string): boolean {
  let node = tree.find((c) => c.id === id);
  for (let i = 0; node?.parent && i < 25; i++) {
    if (node.parent === root) return true;
    node = tree.find((c) => c.id === node!.parent);
  }
  return false;
}

function itemOf(q: QuestionDoc, shuffleOptions: boolean) {
  const d = q.data as Record<string, Array<{ id: string }>>;
  const ids = (list: Array<{ id: string }> | undefined) => (list ?? []).map((x) => x.id);
  const mix = (list: string[]) => (shuffleOptions && q.shuffleOptions !== false ? shuffled(list) : list);
  let order: string[] = [];
  let stemOrder: string[] = [];
  if (q.type === 'single' || q.type === 'multiple') order = mix(ids(d.options));
  if (q.type === 'truefalse') order = ['true', 'false'];
  if (q.type === 'matching') {
    stemOrder = mix(ids(d.stems));
    order = shuffled(ids(d.choices));
  }
  if (q.type === 'ordering') {
    const items = ids(d.items);
    do order = shuffled(items);
    while (items.length > 1 && order.every((id, i) => id === items[i]));
  }
  return { question: q._id, entry: q.entry, points: q.points, order, stemOrder };
}

/** Starts an attempt, or returns the one in progress (a reload or a second tab resumes it). */
export async function startAttempt(
  actor: Actor,
  courseId: string,
  lessonKey: string,
  now: Date,
): Promise<string> {
  const { course, quiz, attempts, effective, passMark } = await quizForLearner(
    actor,
    courseId,
    lessonKey,
    now,
  );
  if (!quiz || !effective || quiz.slots.length === 0) throw new Conflict('quizzes.errors.notReady');
  const open = attempts.find((a) => a.state === 'inProgress');
  if (open) return String(open._id);
  if (effective.openAt && now < effective.openAt) throw new Conflict('quizzes.errors.notOpen');
  if (effective.closeAt && now >= effective.closeAt) throw new Conflict('quizzes.errors.closed');
  if (effective.attemptsAllowed && attempts.length >= effective.attemptsAllowed)
    throw new Conflict('quizzes.errors.noAttemptsLeft');
  const questions = await drawQuestions(quiz);
  if (questions.length === 0) throw new Conflict('quizzes.errors.notReady');
  const limitEnd = effective.timeLimitMinutes
    ? new Date(now.getTime() + effective.timeLimitMinutes * 60_000)
    : null;
  const deadline =
    limitEnd && effective.closeAt
      ? new Date(Math.min(+limitEnd, +effective.closeAt))
      : (limitEnd ?? effective.closeAt ?? null);
  try {
    const created = await Attempt.create({
      quiz: quiz._id,
      course: course.id,
      courseVersion: course.version,
      lessonKey,
      person: actor.id,
      number: attempts.length + 1,
      startedAt: now,
      deadline,
      graceSeconds: quiz.graceSeconds ?? 60,
      passMark,
      items: questions.map((q) => itemOf(q, quiz.shuffleOptions)),
    });
    rememberAttempt(created);
    return String(created._id);
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    const raced = await Attempt.findOne({ quiz: quiz._id, person: actor.id, state: 'inProgress' }).lean();
    if (!raced) throw new Conflict('quizzes.errors.noAttemptsLeft');
    return String(raced._id);
  }
}

/** One's own attempt of this quiz lesson, or NotFound. */
export async function ownAttempt(
  actor: Actor,
  courseId: string,
  lessonKey: string,
  attemptId: string,
  now: Date,
) {
  if (!/^[0-9a-f]{24}$/i.test(attemptId)) throw new NotFound('attempt');
  const found = await Attempt.findOne({
    _id: attemptId,
    person: actor.id,
    course: courseId,
    lessonKey,
  }).lean();
  if (!found) throw new NotFound('attempt');
  rememberAttempt(found);
  if (found.state !== 'inProgress' || !isPastGrace(found as AttemptDoc, now)) return found as AttemptDoc;
  await finish(found as AttemptDoc, now, true);
  return (await Attempt.findById(attemptId).lean()) as AttemptDoc;
}

const isPastGrace = (a: Pick<AttemptDoc, 'deadline' | 'graceSeconds'>, now: Date) =>
  !!a.deadline && now.getTime() > a.deadline.getTime() + (a.graceSeconds ?? 60) * 1000;
const acceptsAnswers = (a: Pick<AttemptDoc, 'deadline'>, now: Date) =>
  !a.deadline || now.getTime() <= a.deadline.getTime() + ANSWER_SLACK_MS;

/** Seconds left, as the server counts them (null: no limit). */
export function secondsLeft(a: Pick<AttemptDoc, 'deadline'>, now: Date): number | null {
  return a.deadline ? Math.max(0, Math.ceil((a.deadline.getTime() - now.getTime()) / 1000)) : null;
}

/** The question versions of an attempt's slots, in order (from memory once read: see attempt-memory.ts). */
const questionsOf = (a: Pick<AttemptDoc, 'items'>) => questionVersions(a.items.map((i) => i.question));

export interface WordLimitProblem {
  slot: number;
  words: number;
  minWords: number | null;
  maxWords: number | null;
}

function limitProblem(
  slot: number,
  response: unknown,
  limits: { minWords?: number | null; maxWords?: number | null },
): WordLimitProblem | null {
  const text = (response as { text?: unknown } | null)?.text;
  if (typeof text !== 'string' || !text.trim()) return null;
  const words = countWords(text);
  const [min, max] = [limits.minWords ?? null, limits.maxWords ?? null];
  if ((min && words < min) || (max && words > max)) return { slot, words, minWords: min, maxWords: max };
  return null;
}

/** An answered essay whose length is outside its word limits (an empty one is "unanswered"). */
export function wordLimitProblem(q: LearnerQuestion): WordLimitProblem | null {
  return q.type === 'essay' ? limitProblem(q.slot, q.response, q) : null;
}

const problemsOf = (views: LearnerQuestion[]) =>
  views.map(wordLimitProblem).filter((p): p is WordLimitProblem => p !== null);

/** The attempt page: the learner's view of each question (allow-listed), the page, the time left. */
export async function attemptPage(
  actor: Actor,
  courseId: string,
  lessonKey: string,
  attemptId: string,
  now: Date,
) {
  const attempt = await ownAttempt(actor, courseId, lessonKey, attemptId, now);
  const [quiz, questions] = await Promise.all([quizById(attempt.quiz), questionsOf(attempt)]);
  const views = attempt.items.map((item, i) => learnerQuestion(i + 1, questions[i], item));
  return {
    attempt,
    questions: views,
    perPage: quiz?.questionsPerPage || views.length,
    secondsLeft: secondsLeft(attempt, now),
    wordLimitProblems: problemsOf(views),
  };
}

type SavedAnswers = {
  saved: boolean;
  attempt: Pick<AttemptDoc, 'state' | 'deadline'>;
  wordLimits: WordLimitProblem[];
};

/**
 * Saves the answers of a page. Late answers (past deadline + 2 s) are discarded and the attempt is
 * closed when past its grace; returns whether anything was stored. An attempt this instance has
 * seen in progress is saved with one conditional write (its frame says what the page showed);
 * whatever that cannot settle (finished meanwhile, gone, past its time, a forged or empty post)
 * reads the attempt first.
 */
export async function saveAnswers(
  actor: Actor,
  courseId: string,
  lessonKey: string,
  attemptId: string,
  form: AnswersForm,
  now: Date,
): Promise<SavedAnswers> {
  const frame = attemptFrame(attemptId);
  const isOwn =
    frame?.person === actor.id && frame.course === courseId.toLowerCase() && frame.lessonKey === lessonKey;
  if (frame && isOwn && !isPastGrace(frame, now) && acceptsAnswers(frame, now)) {
    const saved = await saveInFrame(actor, attemptId, frame, form, now);
    if (saved) return saved;
  }
  return saveAfterReading(actor, courseId, lessonKey, attemptId, form, now);
}

const answerSet = (posted: PostedAnswer[], now: Date) =>
  Object.fromEntries(
    posted.flatMap((p) => [
      [`items.${p.index}.response`, p.response],
      [`items.${p.index}.flagged`, p.flagged],
      [`items.${p.index}.answeredAt`, now],
    ]),
  );

const limitsOf = (posted: PostedAnswer[], shapes: QuestionShape[]) =>
  posted
    .map((p) =>
      shapes[p.index].type === 'essay' ? limitProblem(p.index + 1, p.response, shapes[p.index]) : null,
    )
    .filter((p): p is WordLimitProblem => p !== null);

/** The one-write save; undefined when it cannot settle the post (the caller then reads the attempt). */
async function saveInFrame(
  actor: Actor,
  attemptId: string,
  frame: AttemptFrame,
  form: AnswersForm,
  now: Date,
): Promise<SavedAnswers | undefined> {
  const shapes = await questionShapes(frame.items.map((i) => i.question));
  let posted: PostedAnswer[];
  try {
    posted = postedAnswers(
      form,
      frame.items.map((item, i) => ({ type: shapes[i].type, order: item.order, stemOrder: item.stemOrder })),
    );
  } catch (error) {
    if (error instanceof BadRequest) return undefined; // refused after reading, unless finished meanwhile
    throw error;
  }
  if (posted.length === 0) return undefined;
  const result = await Attempt.updateOne(
    { _id: attemptId, person: actor.id, state: 'inProgress' },
    { $set: answerSet(posted, now) },
  );
  if (result.matchedCount === 0) return undefined;
  return {
    saved: true,
    attempt: { state: 'inProgress', deadline: frame.deadline },
    wordLimits: limitsOf(posted, shapes),
  };
}

async function saveAfterReading(
  actor: Actor,
  courseId: string,
  lessonKey: string,
  attemptId: string,
  form: AnswersForm,
  now: Date,
): Promise<SavedAnswers> {
  const attempt = await ownAttempt(actor, courseId, lessonKey, attemptId, now);
  if (attempt.state !== 'inProgress') return { saved: false, attempt, wordLimits: [] };
  const shapes = await questionShapes(attempt.items.map((i) => i.question));
  const shown = attempt.items.map((item, i) => ({
    type: shapes[i].type,
    order: item.order,
    stemOrder: item.stemOrder,
  }));
  const posted = postedAnswers(form, shown);
  if (!acceptsAnswers(attempt, now)) return { saved: false, attempt, wordLimits: [] };
  if (posted.length === 0) return { saved: false, attempt, wordLimits: [] };
  const result = await Attempt.updateOne(
    { _id: attempt._id, state: 'inProgress' },
    { $set: answerSet(posted, now) },
  );
  return {
    saved: result.modifiedCount > 0 || result.matchedCount > 0,
    attempt,
    wordLimits: limitsOf(posted, shapes),
  };
}

/** Grades the attempt's answers and closes it, once: a second call finds it closed and does nothing. */
async function finish(attempt: AttemptDoc, now: Date, byServer: boolean): Promise<boolean> {
  const questions = await questionsOf(attempt);
  const graded = attempt.items.map((item, i) => {
    const grade = gradeResponse(
      { type: questions[i].type, data: questions[i].data } as GradableQuestion,
      (item.response ?? undefined) as never,
    );
    return { ...item, fraction: grade.fraction, state: grade.state, feedbackIds: grade.feedbackIds };
  });
  const waiting = graded.some((g) => g.state === 'needsGrading');
  const score = scorePercent(graded);
  const result = await Attempt.updateOne(
    { _id: attempt._id, state: 'inProgress' },
    {
      $set: {
        ...Object.fromEntries(
          graded.flatMap((g, i) => [
            [`items.${i}.fraction`, g.fraction],
            [`items.${i}.state`, g.state],
            [`items.${i}.feedbackIds`, g.feedbackIds],
          ]),
        ),
        state: waiting ? 'submitted' : 'graded',
        submittedAt: byServer && attempt.deadline ? attempt.deadline : now,
        closedByServer: byServer,
        scorePercent: score,
        passed: waiting ? null : score >= attempt.passMark,
        gradedAt: waiting ? null : now,
      },
      $inc: { gradings: 1 },
    },
  );
  if (result.modifiedCount === 0) return false;
  forgetAttempt(attempt._id);
  if (!waiting)
    await notifyGraded({ ...attempt, scorePercent: score, passed: score >= attempt.passMark, gradedAt: now });
  return true;
}

/**
 * The final submit: within deadline + grace it is the person's; after, the server has closed it.
 * An essay outside its word limits holds the submit back (the text stays saved) until the time is
 * up: then the attempt is graded as it stands, as the server would close it anyway.
 */
export async function submitAttempt(
  actor: Actor,
  courseId: string,
  lessonKey: string,
  attemptId: string,
  now: Date,
): Promise<{ attempt: AttemptDoc; wordLimitProblems: WordLimitProblem[] }> {
  const attempt = await ownAttempt(actor, courseId, lessonKey, attemptId, now);
  if (attempt.state !== 'inProgress') return { attempt, wordLimitProblems: [] };
  if (acceptsAnswers(attempt, now)) {
    const questions = await questionsOf(attempt);
    const problems = problemsOf(attempt.items.map((item, i) => learnerQuestion(i + 1, questions[i], item)));
    if (problems.length) return { attempt, wordLimitProblems: problems };
  }
  await finish(attempt, now, false);
  return { attempt, wordLimitProblems: [] };
}

/** Closes and grades every attempt past its deadline and grace (on requests and by the scheduler). */
export async function closeOverdue(now: Date, scope: Record<string, unknown> = {}): Promise<number> {
  const overdue = (await Attempt.find({
    ...scope,
    state: 'inProgress',
    deadline: trusted({ $ne: null, $lt: now }),
  }).lean()) as AttemptDoc[];
  let closed = 0;
  for (const a of overdue) if (isPastGrace(a, now) && (await finish(a, now, true))) closed++;
  return closed;
}

/** Which review phase applies now (Moodle's: right after, later while open, after close). */
export function reviewPhase(
  a: Pick<AttemptDoc, 'submittedAt'>,
  closeAt: Date | null,
  now: Date,
): ReviewPhase {
  if (closeAt && now >= closeAt) return 'closed';
  if (a.submittedAt && now.getTime() - a.submittedAt.getTime() < IMMEDIATE_REVIEW_MS) return 'immediately';
  return 'open';
}

export function reviewAllowed(quiz: Pick<QuizDoc, 'review'>, phase: ReviewPhase): Set<ReviewItem> {
  return new Set(((quiz.review?.[phase] ?? []) as string[]).filter(Boolean) as ReviewItem[]);
}

/**
 * A finished attempt with only what the policy allows now: the learner's own answers, and marks,
 * correctness, feedback and right answers each as allowed. The question documents stay here.
 */
export async function attemptReview(
  actor: Actor,
  courseId: string,
  lessonKey: string,
  attemptId: string,
  now: Date,
  labels: { true: string; false: string },
) {
  const attempt = await ownAttempt(actor, courseId, lessonKey, attemptId, now);
  if (attempt.state === 'inProgress') throw new Conflict('quizzes.errors.notFinished');
  const quiz = (await quizById(attempt.quiz))!;
  const phase = reviewPhase(attempt, effectiveFor(quiz, actor.id).closeAt, now);
  const allowed = reviewAllowed(quiz, phase);
  const questions = await questionsOf(attempt);
  const isGraded = attempt.state === 'graded';
  return {
    attempt: {
      number: attempt.number,
      state: attempt.state,
      startedAt: attempt.startedAt,
      submittedAt: attempt.submittedAt,
      closedByServer: attempt.closedByServer,
      scorePercent: allowed.has('marks') && isGraded ? attempt.scorePercent : null,
      passed: allowed.has('marks') && isGraded ? attempt.passed : null,
      passMark: attempt.passMark,
    },
    phase,
    allowed: [...allowed],
    items: attempt.items.map((item, i) => ({
      question: learnerQuestion(i + 1, questions[i], item),
      review: reviewOf(questions[i], item, allowed, labels),
    })),
  };
}

export type { AttemptDoc, QuizDoc };
