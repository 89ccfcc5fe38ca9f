// Item analysis of a quiz for its authors, like Moodle's statistics report: per question the
// facility index (mean share of marks), the discrimination index (correlation of the question's
// marks with the rest of the test), how often each option was chosen; per quiz the mean, median,
// standard deviation and Cronbach's alpha. First graded attempt of each person, in aggregate only.
import { trusted } from 'mongoose';
import type { Actor } from '../core/actor';
import { Attempt } from './attempt.model';
import { Question } from './question.model';
import { quizForAuthor } from './quiz-settings.service';

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
function variance(xs: number[]) {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
}
function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return 0;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
/** Pearson correlation; null when either side does not vary. */
export function correlation(xs: number[], ys: number[]): number | null {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

export interface ScoreMatrix {
  /** Rows: attempts; columns: question entries; value: share of marks 0..1 (null: not asked). */
  rows: Array<Map<string, number>>;
  points: Map<string, number>;
}

/** Quiz-level and per-question statistics from a score matrix (pure, unit tested). */
export function analyse(matrix: ScoreMatrix) {
  const entries = [...matrix.points.keys()];
  const totals = matrix.rows.map((r) =>
    entries.reduce((s, e) => s + (r.get(e) ?? 0) * matrix.points.get(e)!, 0),
  );
  const maxTotal = entries.reduce((s, e) => s + matrix.points.get(e)!, 0);
  const percents = totals.map((t) => (maxTotal ? (t / maxTotal) * 100 : 0));
  const k = entries.length;
  const itemVariance = entries.reduce(
    (s, e) => s + variance(matrix.rows.filter((r) => r.has(e)).map((r) => r.get(e)! * matrix.points.get(e)!)),
    0,
  );
  const totalVariance = variance(totals);
  const alpha = k > 1 && totalVariance > 0 ? (k / (k - 1)) * (1 - itemVariance / totalVariance) : null;
  const questions = entries.map((e) => {
    const answered = matrix.rows.map((r, i) => ({
      f: r.get(e),
      rest: totals[i] - (r.get(e) ?? 0) * matrix.points.get(e)!,
    }));
    const asked = answered.filter((a) => a.f !== undefined) as Array<{ f: number; rest: number }>;
    const disc = correlation(
      asked.map((a) => a.f),
      asked.map((a) => a.rest),
    );
    return {
      entry: e,
      attempts: asked.length,
      facility: asked.length ? round(mean(asked.map((a) => a.f)) * 100, 1) : null,
      discrimination: disc === null ? null : round(disc * 100, 1),
    };
  });
  return {
    attempts: matrix.rows.length,
    mean: round(mean(percents)),
    median: round(median(percents)),
    standardDeviation: round(Math.sqrt(variance(percents))),
    cronbachAlpha: alpha === null ? null : round(alpha, 3),
    questions,
  };
}

export async function quizStatistics(actor: Actor, courseId: string, lessonKey: string) {
  const { course, lesson, quiz } = await quizForAuthor(actor, courseId, lessonKey);
  const quizId = (quiz as { _id?: unknown })._id;
  const attempts = quizId
    ? await Attempt.find({ quiz: quizId, state: 'graded' })
        .select('person number items')
        .sort({ number: 1 })
        .lean()
    : [];
  const firstPerPerson = new Map<string, (typeof attempts)[number]>();
  for (const a of attempts)
    if (!firstPerPerson.has(String(a.person))) firstPerPerson.set(String(a.person), a);
  const chosen = [...firstPerPerson.values()];
  const points = new Map<string, number>();
  const optionCounts = new Map<string, Map<string, number>>();
  const rows = chosen.map((a) => {
    const row = new Map<string, number>();
    for (const item of a.items) {
      const e = String(item.entry);
      points.set(e, item.points);
      row.set(e, item.fraction ?? 0);
      const r = item.response as { choice?: string; choices?: string[]; value?: boolean } | null;
      const picks = r
        ? r.choice
          ? [r.choice]
          : (r.choices ?? (typeof r.value === 'boolean' ? [String(r.value)] : []))
        : [];
      const counts = optionCounts.get(e) ?? new Map<string, number>();
      for (const p of picks) counts.set(p, (counts.get(p) ?? 0) + 1);
      optionCounts.set(e, counts);
    }
    return row;
  });
  const stats = analyse({ rows, points });
  const questions = await Question.find({ entry: trusted({ $in: [...points.keys()] }), isLatest: true })
    .select('entry name type data')
    .lean();
  const byEntry = new Map(questions.map((q) => [String(q.entry), q]));
  return {
    course,
    lesson,
    ...stats,
    questions: stats.questions.map((s) => {
      const q = byEntry.get(s.entry);
      const options = (
        (q?.data as { options?: Array<{ id: string; text: string; fraction: number }> })?.options ?? []
      ).map((o) => ({
        text: o.text,
        fraction: o.fraction,
        chosen: optionCounts.get(s.entry)?.get(o.id) ?? 0,
      }));
      return { ...s, name: q?.name ?? '', type: q?.type ?? '', options };
    }),
  };
}
