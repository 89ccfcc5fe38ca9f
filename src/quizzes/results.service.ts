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

/** Each person's grade on each quiz of these courses (by the quiz's grading method), graded attempts only. */
async function gradesOf(personIds: Types.ObjectId[] | undefined, courseIds: string[]) {
  const courses = courseIds.map((id) => new Types.ObjectId(id));
  const quizzes = await Quiz.find({ course: trusted({ $in: courses }) })
    .select('course lessonKey gradingMethod kind passMark')
    .lean();
  const attempts = await Attempt.find({
    course: trusted({ $in: courses }),
    state: 'graded',
    ...(personIds ? { person: trusted({ $in: personIds }) } : {}),
  })
    .select('quiz person number scorePercent passMark')
    .sort({ number: 1 })
    .lean();
  const out: Array<QuizResult & { personId: string; courseId: string }> = [];
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
        courseId: String(quiz.course),
        lessonKey: quiz.lessonKey,
        bestScorePercent: grade,
        passed: grade >= passMark,
        attempts: list.length,
        kind: quiz.kind,
      });
    }
  }
  return { quizzes, grades: out };
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
  const { grades: results } = await gradesOf([new Types.ObjectId(personId)], [courseId]);
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
  const { grades: results } = await gradesOf([new Types.ObjectId(personId)], [courseId]);
  const pre = results.find((r) => r.kind === 'pretest')?.bestScorePercent ?? null;
  const post = results.find((r) => r.kind === 'posttest')?.bestScorePercent ?? null;
  return gainOf(pre, post);
}

/** Learning gain of a course: class means of the people who took both tests, and Hake's g on them. */
export async function courseLearningGain(courseId: string): Promise<LearningGain & { people: number }> {
  if (!/^[0-9a-f]{24}$/i.test(courseId)) return { ...gainOf(null, null), people: 0 };
  const { grades: results } = await gradesOf(undefined, [courseId]);
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

const isObjectId = (id: string) => /^[0-9a-f]{24}$/i.test(id);

/**
 * The results of people in these courses (every person with a graded attempt when `personIds` is
 * not given), per person and course: the score the certificate prints (mean of the counting quizzes'
 * grades), the pass, and the pre-test and post-test grades for the learning gain. Graded attempts
 * only; two queries whatever the number of courses.
 */
export async function coursesResults(
  courseIds: string[],
  personIds?: string[],
): Promise<Array<PersonCourseResult & { courseId: string }>> {
  const courses = [...new Set(courseIds.filter(isObjectId))];
  const ids = personIds?.filter(isObjectId).map((id) => new Types.ObjectId(id));
  if (courses.length === 0 || (ids && ids.length === 0)) return [];
  const { quizzes, grades } = await gradesOf(ids, courses);
  const counting = new Map<string, number>();
  for (const q of quizzes)
    if (q.kind !== 'pretest') counting.set(String(q.course), (counting.get(String(q.course)) ?? 0) + 1);
  const byPersonCourse = new Map<string, typeof grades>();
  for (const r of grades) {
    const key = `${r.personId} ${r.courseId}`;
    byPersonCourse.set(key, [...(byPersonCourse.get(key) ?? []), r]);
  }
  return [...byPersonCourse.values()].map((results) => {
    const { personId, courseId } = results[0];
    const counted = results.filter((r) => r.kind !== 'pretest');
    return {
      personId,
      courseId,
      scorePercent: counted.length
        ? round2(counted.reduce((s, r) => s + r.bestScorePercent, 0) / counted.length)
        : undefined,
      passed: counted.length
        ? counted.length >= (counting.get(courseId) ?? 0) && counted.every((r) => r.passed)
        : undefined,
      pre: results.find((r) => r.kind === 'pretest')?.bestScorePercent ?? null,
      post: results.find((r) => r.kind === 'posttest')?.bestScorePercent ?? null,
    };
  });
}

/** The results of people in one course (see `coursesResults`). */
export async function courseResults(courseId: string, personIds?: string[]): Promise<PersonCourseResult[]> {
  return (await coursesResults([courseId], personIds)).map(({ courseId: _course, ...result }) => result);
}
