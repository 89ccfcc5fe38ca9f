// The essay grading queue of a course's authors: essays waiting for marks, grading one with a
// comment, and, when an attempt's last essay is graded, the attempt's grade (told to the learning
// feature then, once). Authors see answers without names (grading is blind), as partners see
// statistics in aggregate; the attempt number identifies the work.
import { Types, trusted } from 'mongoose';
import type { Actor } from '../core/actor';
import { authoredCourse } from '../courses';
import { NotFound, ValidationFailed } from '../web/errors';
import { audit, type AuditContext } from '../audit';
import { Attempt } from './attempt.model';
import { Question } from './question.model';
import { manualGrade, scorePercent } from './grading';
import { notifyGraded } from './graded-listeners';

export async function essayQueue(actor: Actor, courseId: string) {
  const course = await authoredCourse(actor, courseId);
  const attempts = await Attempt.find({ course: course._id, state: 'submitted' })
    .select('lessonKey number submittedAt items.question items.state items.response items.points')
    .sort({ submittedAt: 1 })
    .limit(200)
    .lean();
  const questionIds = attempts.flatMap((a) =>
    a.items.filter((i) => i.state === 'needsGrading').map((i) => i.question),
  );
  const questions = await Question.find({ _id: trusted({ $in: questionIds }) })
    .select('name text points data')
    .lean();
  const byId = new Map(questions.map((q) => [String(q._id), q]));
  const waiting = attempts.flatMap((a) =>
    a.items
      .map((item, index) => ({ item, index }))
      .filter(({ item }) => item.state === 'needsGrading')
      .map(({ item, index }) => ({
        attemptId: String(a._id),
        slot: index + 1,
        submittedAt: a.submittedAt,
        question: byId.get(String(item.question)),
        answer: String((item.response as { text?: string } | null)?.text ?? ''),
        points: item.points,
      })),
  );
  return { course, waiting };
}

export async function gradeEssay(
  actor: Actor,
  courseId: string,
  attemptId: string,
  slot: number,
  input: { marks: number; comment: string },
  now: Date,
  context: AuditContext = {},
) {
  const course = await authoredCourse(actor, courseId);
  const attempt = Types.ObjectId.isValid(attemptId)
    ? await Attempt.findOne({
        _id: attemptId,
        course: course._id,
        state: trusted({ $in: ['submitted', 'graded'] }),
      }).lean()
    : null;
  const item = Number.isInteger(slot) && slot >= 1 ? attempt?.items[slot - 1] : undefined;
  if (!attempt || !item) throw new NotFound('attempt');
  const question = await Question.findById(item.question).select('type').lean();
  if (question?.type !== 'essay') throw new NotFound('attempt');
  let grade;
  try {
    grade = manualGrade(input.marks, item.points);
  } catch {
    throw new ValidationFailed({ marks: 'quizzes.errors.marks' });
  }
  await Attempt.updateOne(
    { _id: attempt._id },
    {
      $set: {
        [`items.${slot - 1}.fraction`]: grade.fraction,
        [`items.${slot - 1}.state`]: grade.state,
        [`items.${slot - 1}.comment`]: input.comment,
        [`items.${slot - 1}.gradedBy`]: actor.id,
        [`items.${slot - 1}.gradedAt`]: now,
      },
    },
  );
  await audit.record(
    actor,
    {
      action: 'quiz.essay.grade',
      targetType: 'attempt',
      targetId: attempt._id,
      after: { slot, marks: input.marks },
    },
    context,
  );
  await completeIfGraded(String(attempt._id), now);
}

/** Closes an attempt whose last essay has its marks: grade, pass, and the learning feature told once. */
async function completeIfGraded(attemptId: string, now: Date) {
  const attempt = (await Attempt.findById(attemptId).lean())!;
  if (attempt.state !== 'submitted' || attempt.items.some((i) => i.state === 'needsGrading')) return;
  const score = scorePercent(attempt.items);
  const passed = score >= attempt.passMark;
  const result = await Attempt.updateOne(
    { _id: attempt._id, state: 'submitted' },
    { $set: { state: 'graded', scorePercent: score, passed, gradedAt: now } },
  );
  if (result.modifiedCount) await notifyGraded({ ...attempt, scorePercent: score, passed, gradedAt: now });
}
