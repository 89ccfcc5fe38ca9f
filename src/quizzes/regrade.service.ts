// Regrading, as Moodle's: after an author corrects a question (a used question's edit is a new
// version), the finished attempts of a quiz that were given an older version are graded again
// with the newest version's key. A dry run lists, per attempt, the old and new marks; applying
// moves those items to the newest version, stores the new grades, tells the learning feature
// (onAttemptGraded) for graded attempts, and is audit-logged. Essays keep the grader's marks; an
// item whose answer names an option the new version no longer has is left as it was and listed.
import { Types, trusted } from 'mongoose';
import type { Actor } from '../core/actor';
import { audit, type AuditContext } from '../audit';
import { namesOf } from '../users';
import { Attempt } from './attempt.model';
import { Question } from './question.model';
import { Quiz } from './quiz.model';
import { gradeResponse, scorePercent } from './grading';
import { notifyGraded } from './graded-listeners';
import { quizForAuthor } from './quiz-settings.service';
import type { GradableQuestion } from './question-types';

interface StoredQuestion {
  _id: Types.ObjectId;
  entry: Types.ObjectId;
  version: number;
  type: string;
  data: unknown;
}

/** The option/item/choice ids a question version knows (a response naming others cannot move). */
function idsOf(q: StoredQuestion): Set<string> {
  const d = q.data as Record<string, Array<{ id: string }>>;
  return new Set([d.options, d.stems, d.choices, d.items].flatMap((list) => (list ?? []).map((x) => x.id)));
}

function responseIds(response: unknown): string[] {
  if (!response || typeof response !== 'object') return [];
  const r = response as Record<string, unknown>;
  if (typeof r.choice === 'string') return [r.choice];
  if (Array.isArray(r.choices)) return r.choices as string[];
  if (Array.isArray(r.order)) return r.order as string[];
  if (r.pairs && typeof r.pairs === 'object') return Object.entries(r.pairs as Record<string, string>).flat();
  return [];
}

export interface RegradeRow {
  attemptId: string;
  person: string;
  number: number;
  state: string;
  oldPercent: number | null;
  newPercent: number | null;
  oldPassed: boolean | null;
  newPassed: boolean | null;
  questions: number;
  unmappable: number;
}

/** What a regrade would change (nothing is written). */
async function plan(actor: Actor, courseId: string, lessonKey: string) {
  const { course } = await quizForAuthor(actor, courseId, lessonKey);
  const quiz = await Quiz.findOne({ course: course._id, lessonKey }).select('_id').lean();
  if (!quiz) return { quiz: null, rows: [], updates: [] };
  const attempts = await Attempt.find({ quiz: quiz._id, state: trusted({ $in: ['submitted', 'graded'] }) })
    .sort({ number: 1 })
    .lean();
  const used = await Question.find({
    _id: trusted({ $in: [...new Set(attempts.flatMap((a) => a.items.map((i) => String(i.question))))] }),
  })
    .select('entry version isLatest')
    .lean();
  const stale = used.filter((q) => !q.isLatest);
  const latest = new Map(
    (
      (await Question.find({
        entry: trusted({ $in: stale.map((q) => q.entry) }),
        isLatest: true,
      }).lean()) as StoredQuestion[]
    ).map((q) => [String(q.entry), q]),
  );
  const staleIds = new Map(stale.map((q) => [String(q._id), String(q.entry)]));
  const names = await namesOf(attempts.map((a) => a.person));
  const rows: RegradeRow[] = [];
  const updates: Array<{
    attempt: (typeof attempts)[number];
    set: Record<string, unknown>;
    row: RegradeRow;
  }> = [];
  for (const a of attempts) {
    const set: Record<string, unknown> = {};
    let [questions, unmappable] = [0, 0];
    const items = a.items.map((item, i) => {
      const entry = staleIds.get(String(item.question));
      const next = entry ? latest.get(entry) : undefined;
      if (!next || next.type === 'essay') return item;
      const known = idsOf(next);
      if (responseIds(item.response).some((id) => !known.has(id))) {
        unmappable++;
        return item;
      }
      const grade = gradeResponse(
        { type: next.type, data: next.data } as GradableQuestion,
        (item.response ?? undefined) as never,
      );
      questions++;
      set[`items.${i}.question`] = next._id;
      set[`items.${i}.fraction`] = grade.fraction;
      set[`items.${i}.state`] = grade.state;
      set[`items.${i}.feedbackIds`] = grade.feedbackIds;
      return { ...item, fraction: grade.fraction, state: grade.state };
    });
    if (questions === 0 && unmappable === 0) continue;
    const isGraded = a.state === 'graded';
    const newPercent = isGraded ? scorePercent(items) : null;
    const row: RegradeRow = {
      attemptId: String(a._id),
      person: names.get(String(a.person)) ?? '–',
      number: a.number,
      state: a.state,
      oldPercent: a.scorePercent ?? null,
      newPercent,
      oldPassed: a.passed ?? null,
      newPassed: newPercent === null ? null : newPercent >= a.passMark,
      questions,
      unmappable,
    };
    rows.push(row);
    if (questions > 0) {
      if (isGraded) Object.assign(set, { scorePercent: newPercent, passed: row.newPassed });
      updates.push({ attempt: a, set, row });
    }
  }
  return { quiz, rows, updates };
}

/** The dry run: every finished attempt given an older version, with its old and new marks. */
export async function regradePreview(actor: Actor, courseId: string, lessonKey: string) {
  const view = await quizForAuthor(actor, courseId, lessonKey);
  const { rows } = await plan(actor, courseId, lessonKey);
  return { ...view, rows };
}

/** Applies the regrade; returns how many attempts changed. Graded attempts reach learning again. */
export async function applyRegrade(
  actor: Actor,
  courseId: string,
  lessonKey: string,
  now: Date,
  context: AuditContext = {},
): Promise<number> {
  const { updates } = await plan(actor, courseId, lessonKey);
  let changed = 0;
  for (const { attempt, set, row } of updates) {
    // Only while the attempt is as the plan read it (an essay graded meanwhile is planned again).
    const result = await Attempt.updateOne(
      { _id: attempt._id, state: attempt.state, updatedAt: attempt.updatedAt },
      { $set: { ...set, regradedAt: now } },
    );
    if (result.modifiedCount === 0) continue;
    changed++;
    if (attempt.state === 'graded')
      await notifyGraded({
        ...attempt,
        scorePercent: row.newPercent ?? 0,
        passed: !!row.newPassed,
        gradedAt: attempt.gradedAt ?? now,
      });
  }
  await audit.record(
    actor,
    {
      action: 'quiz.regrade',
      targetType: 'quiz',
      targetId: `${courseId}/${lessonKey}`,
      after: {
        attempts: changed,
        changes: updates.map((u) => ({
          attempt: u.row.attemptId,
          from: u.row.oldPercent,
          to: u.row.newPercent,
        })),
      },
    },
    context,
  );
  return changed;
}
