// The course report for the course's curators and authors (reportableCourse decides, anyone else
// gets NotFound): enrolments, completion, average score, pass rate, the pre/post learning gain,
// time to complete and the lessons where learners stop, for every enrolment or those started in a
// WIB year. Aggregates only: no learner is named. The figures are computed from plain rows here.
import type { Actor } from '../core/actor';
import { startOfDayWib } from '../core/wib';
import { reportableCourse, reportableCourses } from '../courses';
import { courseEnrolmentFacts, wibYear, type CourseEnrolmentFact } from '../learning';
import { percent } from './monitoring.figures';
import { resultsOf, type CourseResult } from './monitoring.sources';

const DAY_MS = 86_400_000;

export interface CourseFigures {
  enrolled: number;
  completed: number;
  inProgress: number;
  completionRate: number | null;
  /** Mean final score (0–100, one decimal) of the enrolled learners who have one. */
  averageScore: number | null;
  scored: number;
  passRate: number | null;
  gain: {
    people: number;
    pre: number | null;
    post: number | null;
    points: number | null;
    normalised: number | null;
  };
  time: { completed: number; medianDays: number | null; meanDays: number | null };
  lessons: Array<{ key: string; title: string; doneBy: number; stoppedHere: number }>;
}

export interface CourseReport extends CourseFigures {
  course: { id: string; code: string; title: string };
  year?: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The report's figures from the course's lessons (in order), its enrolments and their results. */
export function courseFigures(
  lessons: Array<{ key: string; title: string }>,
  enrolments: CourseEnrolmentFact[],
  results: CourseResult[],
): CourseFigures {
  const people = new Set(enrolments.map((e) => e.person));
  const mine = results.filter((r) => people.has(r.personId));
  const completed = enrolments.filter((e) => e.status === 'completed');
  const scores = mine.flatMap((r) => (r.scorePercent === undefined ? [] : [r.scorePercent]));
  const judged = mine.filter((r) => r.passed !== undefined);
  const both = mine.filter((r) => r.prePercent !== undefined && r.postPercent !== undefined);
  const pre = mean(both.map((r) => r.prePercent!));
  const post = mean(both.map((r) => r.postPercent!));
  const days = completed
    .filter((e) => e.completedAt)
    .map((e) => (e.completedAt!.getTime() - e.enrolledAt.getTime()) / DAY_MS);
  const stoppedAt = new Map<string, number>();
  for (const e of enrolments) {
    if (e.status !== 'active') continue;
    const done = new Set(e.doneLessons);
    const next = lessons.find((l) => !done.has(l.key));
    if (next) stoppedAt.set(next.key, (stoppedAt.get(next.key) ?? 0) + 1);
  }
  const doneBy = new Map<string, number>();
  for (const e of enrolments)
    for (const key of new Set(e.doneLessons)) doneBy.set(key, (doneBy.get(key) ?? 0) + 1);
  const meanDays = mean(days);
  const medianDays = median(days);
  return {
    enrolled: enrolments.length,
    completed: completed.length,
    inProgress: enrolments.length - completed.length,
    completionRate: percent(completed.length, enrolments.length),
    averageScore: scores.length ? round1(mean(scores)!) : null,
    scored: scores.length,
    passRate: percent(judged.filter((r) => r.passed).length, judged.length),
    gain: {
      people: both.length,
      pre: pre === null ? null : round2(pre),
      post: post === null ? null : round2(post),
      points: pre === null || post === null ? null : round2(post - pre),
      normalised: pre === null || post === null || pre >= 100 ? null : round2((post - pre) / (100 - pre)),
    },
    time: {
      completed: days.length,
      medianDays: medianDays === null ? null : round1(medianDays),
      meanDays: meanDays === null ? null : round1(meanDays),
    },
    lessons: lessons.map((l) => ({
      key: l.key,
      title: l.title,
      doneBy: doneBy.get(l.key) ?? 0,
      stoppedHere: stoppedAt.get(l.key) ?? 0,
    })),
  };
}

/** The report of a course the actor may read, for all enrolments or those started in `year` (WIB). */
export async function courseReport(actor: Actor, courseId: string, year?: number): Promise<CourseReport> {
  const course = await reportableCourse(actor, courseId);
  const all = await courseEnrolmentFacts(course.id);
  const enrolments = year === undefined ? all : all.filter((e) => wibYear(e.enrolledAt) === year);
  const period =
    year === undefined
      ? { from: new Date(0), to: new Date(8.64e15) }
      : { from: startOfDayWib(`${year}-01-01`), to: startOfDayWib(`${year + 1}-01-01`) };
  const results = await resultsOf([...new Set(enrolments.map((e) => e.person))], [course.id], period);
  return {
    course: { id: course.id, code: course.code, title: course.title },
    year,
    ...courseFigures(course.lessons, enrolments, results),
  };
}

/** The courses whose report the actor may open (curators: all published; authors: their own). */
export const coursesToReport = (actor: Actor) => reportableCourses(actor);
