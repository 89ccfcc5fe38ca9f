// Results for other features: each quiz lesson's grade for a person (by the quiz's grading method),
// and the learning gain between a course's pre-test and post-test, per person and per course
// (Hake's normalised gain g = (post − pre) / (100 − pre)).
import { Types, trusted } from 'mongoose';
import { Attempt } from './attempt.model';
import { Quiz } from './quiz.model';
import { chooseGrade, type GradingMethod } from './grading';
import { closeOverdue } from './attempts.service';

export interface QuizResult {
  lessonKey: string;
  bestScorePercent: number;
  passed: boolean;
  attempts: number;
  kind: string;
}

async function gradesOf(personIds: Types.ObjectId[] | undefined, courseId: string) {
  const course = new Types.ObjectId(courseId);
  const quizzes = await Quiz.find({ course }).select('lessonKey gradingMethod kind passMark').lean();
  const attempts = await Attempt.find({
    course,
    state: 'graded',
    ...(personIds ? { person: trusted({ $in: personIds }) } : {}),
  })
    .select('quiz person number scorePercent passMark')
    .sort({ number: 1 })
    .lean();
  const out: Array<QuizResult & { personId: string }> = [];
  for (const quiz of quizzes) {
    const byPerson = new Map<string, typeof attempts>();
    for (const a of attempts.filter((x) => String(x.quiz) === String(quiz._id))) {
      const list = byPerson.get(String(a.person)) ?? [];
      list.push(a);
      byPerson.set(String(a.person), list);
    }
    for (const [personId, list] of byPerson) {
      const grade = chooseGrade(
        list.map((a) => a.scorePercent ?? 0),
        quiz.gradingMethod as GradingMethod,
      )!;
      const passMark = list[list.length - 1].passMark;
      out.push({
        personId,
        lessonKey: quiz.lessonKey,
        bestScorePercent: grade,
        passed: grade >= passMark,
        attempts: list.length,
        kind: quiz.kind,
      });
    }
  }
  return out;
}

/** The seam to learning: a person's grade on each quiz lesson of a course (graded attempts only). */
export async function quizResults(
  personId: string,
  courseId: string,
  now: Date = new Date(),
): Promise<
  Array<{
    lessonKey: string;
    bestScorePercent: number;
    passed: boolean;
    attempts: number;
    countsForCompletion: boolean;
  }>
> {
  if (!/^[0-9a-f]{24}$/i.test(personId) || !/^[0-9a-f]{24}$/i.test(courseId)) return [];
  await closeOverdue(now, { person: new Types.ObjectId(personId), course: new Types.ObjectId(courseId) });
  const results = await gradesOf([new Types.ObjectId(personId)], courseId);
  return results.map((r) => ({
    lessonKey: r.lessonKey,
    bestScorePercent: r.bestScorePercent,
    passed: r.passed,
    attempts: r.attempts,
    countsForCompletion: r.kind !== 'pretest',
  }));
}

export interface LearningGain {
  pre: number | null;
  post: number | null;
  gain: number | null;
  /** Hake's g; null without both tests or with a perfect pre-test. */
  normalisedGain: number | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function gainOf(pre: number | null, post: number | null): LearningGain {
  if (pre === null || post === null) return { pre, post, gain: null, normalisedGain: null };
  return {
    pre,
    post,
    gain: round2(post - pre),
    normalisedGain: pre >= 100 ? null : round2((post - pre) / (100 - pre)),
  };
}

/** Learning gain of one person in a course (their pre-test and post-test grades). */
export async function learningGain(personId: string, courseId: string): Promise<LearningGain> {
  if (!/^[0-9a-f]{24}$/i.test(personId) || !/^[0-9a-f]{24}$/i.test(courseId)) return gainOf(null, null);
  const results = await gradesOf([new Types.ObjectId(personId)], courseId);
  const pre = results.find((r) => r.kind === 'pretest')?.bestScorePercent ?? null;
  const post = results.find((r) => r.kind === 'posttest')?.bestScorePercent ?? null;
  return gainOf(pre, post);
}

/** Learning gain of a course: class means of the people who took both tests, and Hake's g on them. */
export async function courseLearningGain(courseId: string): Promise<LearningGain & { people: number }> {
  if (!/^[0-9a-f]{24}$/i.test(courseId)) return { ...gainOf(null, null), people: 0 };
  const results = await gradesOf(undefined, courseId);
  const pre = new Map(
    results.filter((r) => r.kind === 'pretest').map((r) => [r.personId, r.bestScorePercent]),
  );
  const pairs = results.filter((r) => r.kind === 'posttest' && pre.has(r.personId));
  if (pairs.length === 0) return { ...gainOf(null, null), people: 0 };
  const meanPre = round2(pairs.reduce((s, r) => s + pre.get(r.personId)!, 0) / pairs.length);
  const meanPost = round2(pairs.reduce((s, r) => s + r.bestScorePercent, 0) / pairs.length);
  return { ...gainOf(meanPre, meanPost), people: pairs.length };
}

/** One person's results in a course, for reports: the final score, whether it passed, pre and post. */
export interface PersonCourseResult {
  personId: string;
  /** Mean of the best grades of the quizzes that count (all but the pre-test); undefined if none taken. */
  scorePercent?: number;
  /** Every counting quiz taken and passed; undefined when the person took none. */
  passed?: boolean;
  pre: number | null;
  post: number | null;
}

/**
 * The results of people in a course (every person with a graded attempt when `personIds` is not
 * given): the score the certificate prints (mean of the counting quizzes' grades), the pass, and
 * the pre-test and post-test grades for the learning gain. Graded attempts only.
 */
export async function courseResults(courseId: string, personIds?: string[]): Promise<PersonCourseResult[]> {
  if (!/^[0-9a-f]{24}$/i.test(courseId)) return [];
  const ids = personIds?.filter((id) => /^[0-9a-f]{24}$/i.test(id)).map((id) => new Types.ObjectId(id));
  if (ids && ids.length === 0) return [];
  const counting = await Quiz.countDocuments({
    course: new Types.ObjectId(courseId),
    kind: trusted({ $ne: 'pretest' }),
  });
  const byPerson = new Map<string, QuizResult[]>();
  for (const r of await gradesOf(ids, courseId)) {
    const list = byPerson.get(r.personId) ?? [];
    list.push(r);
    byPerson.set(r.personId, list);
  }
  return [...byPerson].map(([personId, results]) => {
    const counted = results.filter((r) => r.kind !== 'pretest');
    return {
      personId,
      scorePercent: counted.length
        ? round2(counted.reduce((s, r) => s + r.bestScorePercent, 0) / counted.length)
        : undefined,
      passed: counted.length ? counted.length >= counting && counted.every((r) => r.passed) : undefined,
      pre: results.find((r) => r.kind === 'pretest')?.bestScorePercent ?? null,
      post: results.find((r) => r.kind === 'posttest')?.bestScorePercent ?? null,
    };
  });
}
