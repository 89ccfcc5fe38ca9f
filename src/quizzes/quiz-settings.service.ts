// Quiz settings for authors: one Quiz per quiz lesson (course + lesson key) of a course they
// author. The lesson must exist in the working copy and be of kind 'quiz'.
import { Types } from 'mongoose';
import type { Actor } from '../core/actor';
import { authoredCourse, type CourseContent } from '../courses';
import { NotFound, ValidationFailed } from '../web/errors';
import { audit, type AuditContext } from '../audit';
import { Quiz, type QuizFields } from './quiz.model';
import { categoryTree } from './bank.service';
import { Question } from './question.model';
import { namesOf } from '../users';
import { forgetQuizzes } from './attempt-memory';

export interface QuizLesson {
  key: string;
  title: string;
  module: string;
  required: boolean;
}

export function quizLessons(content: Pick<CourseContent, 'modules'>): QuizLesson[] {
  return (content.modules ?? []).flatMap((m) =>
    (m.lessons ?? [])
      .filter((l) => l.kind === 'quiz')
      .map((l) => ({ key: l.key, title: l.title, module: m.title, required: !!l.quizRequired })),
  );
}

export type QuizSettingsInput = Omit<
  QuizFields,
  'course' | 'lessonKey' | 'overrides' | 'createdAt' | 'updatedAt' | 'slots'
> & {
  slots: Array<{
    entry: string | null;
    category: string | null;
    count: number;
    includeSubcategories: boolean;
  }>;
};

/** The quiz of a lesson, for an author (defaults when never saved). */
export async function quizForAuthor(actor: Actor, courseId: string, lessonKey: string) {
  const course = await authoredCourse(actor, courseId);
  const lesson = quizLessons(course.toObject() as never).find((l) => l.key === lessonKey);
  if (!lesson) throw new NotFound('quiz');
  const quiz =
    (await Quiz.findOne({ course: course._id, lessonKey }).lean()) ??
    new Quiz({ course: course._id, lessonKey }).toObject();
  const categories = await categoryTree(course._id);
  const questions = await Question.find({ course: course._id, isLatest: true, hidden: false })
    .select('entry name type points category')
    .sort({ name: 1 })
    .lean();
  const names = await namesOf((quiz.overrides ?? []).map((o) => o.person));
  const overrides = (quiz.overrides ?? []).map((o) => ({
    person: String(o.person),
    name: names.get(String(o.person)) ?? '–',
    extraMinutes: o.extraMinutes ?? 0,
    extraAttempts: o.extraAttempts ?? 0,
    openAt: o.openAt ?? null,
    closeAt: o.closeAt ?? null,
  }));
  return { course, lesson, quiz, categories, questions, overrides };
}

export async function saveQuizSettings(
  actor: Actor,
  courseId: string,
  lessonKey: string,
  input: QuizSettingsInput,
  context: AuditContext = {},
) {
  const { course, categories, questions } = await quizForAuthor(actor, courseId, lessonKey);
  const entries = new Set(questions.map((q) => String(q.entry)));
  const cats = new Set(categories.map((c) => c.id));
  for (const slot of input.slots) {
    if (slot.entry ? !entries.has(slot.entry) : !slot.category || !cats.has(slot.category))
      throw new ValidationFailed({ slots: 'quizzes.errors.slot' });
  }
  if (input.openAt && input.closeAt && input.openAt >= input.closeAt)
    throw new ValidationFailed({ closeAt: 'quizzes.errors.closeBeforeOpen' });
  await Quiz.updateOne(
    { course: course._id, lessonKey },
    {
      $set: {
        ...input,
        slots: input.slots.map((s) => ({
          entry: s.entry ? new Types.ObjectId(s.entry) : null,
          category: s.category ? new Types.ObjectId(s.category) : null,
          count: s.count,
          includeSubcategories: s.includeSubcategories,
        })),
      },
    },
    { upsert: true },
  );
  forgetQuizzes();
  await audit.record(
    actor,
    { action: 'quiz.settings', targetType: 'quiz', targetId: `${courseId}/${lessonKey}`, after: input },
    context,
  );
}

/** Per-person overrides (extra time, extra attempts, other dates): replaces the person's override. */
export async function saveOverride(
  actor: Actor,
  courseId: string,
  lessonKey: string,
  override: {
    person: string;
    extraMinutes: number;
    extraAttempts: number;
    openAt: Date | null;
    closeAt: Date | null;
  },
  context: AuditContext = {},
) {
  const { course } = await quizForAuthor(actor, courseId, lessonKey);
  await Quiz.updateOne(
    { course: course._id, lessonKey },
    { $setOnInsert: { kind: 'ordinary' } },
    { upsert: true },
  );
  await Quiz.updateOne(
    { course: course._id, lessonKey },
    { $pull: { overrides: { person: new Types.ObjectId(override.person) } } },
  );
  const isEmpty = !override.extraMinutes && !override.extraAttempts && !override.openAt && !override.closeAt;
  if (!isEmpty)
    await Quiz.updateOne(
      { course: course._id, lessonKey },
      { $push: { overrides: { ...override, person: new Types.ObjectId(override.person) } } },
    );
  forgetQuizzes();
  await audit.record(
    actor,
    { action: 'quiz.override', targetType: 'quiz', targetId: `${courseId}/${lessonKey}`, after: override },
    context,
  );
}

/** Whether a quiz lesson has its quiz set up (the course player links to it only then). */
export async function hasQuiz(courseId: string, lessonKey: string): Promise<boolean> {
  if (!/^[0-9a-f]{24}$/i.test(courseId)) return false;
  return (await Quiz.exists({ course: courseId, lessonKey: String(lessonKey) })) !== null;
}
