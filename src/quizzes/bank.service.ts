// The question bank of a course, for its authors: categories in a tree, questions by category,
// creating and editing (a new version when an attempt has used the current one), hiding.
// Every function starts from `authoredCourse`, the courses feature's scope rule: a course the
// actor does not author answers NotFound, and so does a question or category of another course.
import { Types, trusted } from 'mongoose';
import type { Actor } from '../core/actor';
import { authoredCourse } from '../courses';
import { NotFound, ValidationFailed } from '../web/errors';
import { audit, type AuditContext } from '../audit';
import { Attempt } from './attempt.model';
import { Question, QuestionCategory } from './question.model';
import { questionErrors, type QuestionInput } from './question-rules';
import { forgetQuestionVersions } from './attempt-memory';

const isId = (id: string) => /^[0-9a-f]{24}$/i.test(id);
export const DEFAULT_CATEGORY = 'Bawaan';

export interface CategoryNode {
  id: string;
  name: string;
  info: string;
  idnumber: string;
  parent: string | null;
  depth: number;
  /** The names from the top, e.g. ['Bawaan', 'Modul 1']. */
  path: string[];
  questionCount: number;
}

/**
 * The course's categories in tree order. Reading never writes: a bank without categories shows
 * none, and the default one is made by the first question or category saved into it.
 */
export async function categoryTree(courseId: Types.ObjectId | string): Promise<CategoryNode[]> {
  const categories = await QuestionCategory.find({ course: courseId }).sort({ name: 1 }).lean();
  const counts = await Question.aggregate<{ _id: Types.ObjectId; n: number }>([
    { $match: { course: new Types.ObjectId(String(courseId)), isLatest: true, hidden: false } },
    { $group: { _id: '$category', n: { $sum: 1 } } },
  ]);
  const countOf = new Map(counts.map((c) => [String(c._id), c.n]));
  const out: CategoryNode[] = [];
  const walk = (parent: string | null, depth: number, path: string[]) => {
    for (const c of categories.filter((x) => (x.parent ? String(x.parent) : null) === parent)) {
      const id = String(c._id);
      out.push({
        id,
        name: c.name,
        info: c.info,
        idnumber: c.idnumber,
        parent,
        depth,
        path: [...path, c.name],
        questionCount: countOf.get(id) ?? 0,
      });
      if (depth < 20) walk(id, depth + 1, [...path, c.name]);
    }
  };
  walk(null, 0, []);
  return out;
}

/** The bank page: the course, its categories and the latest version of each visible question. */
export async function bank(actor: Actor, courseId: string, categoryId?: string) {
  const course = await authoredCourse(actor, courseId);
  const categories = await categoryTree(course._id);
  const selected = categories.find((c) => c.id === categoryId) ?? categories[0];
  const questions = await Question.find({
    course: course._id,
    isLatest: true,
    hidden: false,
    category: selected ? new Types.ObjectId(selected.id) : null,
  })
    .select('entry version type name idnumber points updatedAt')
    .sort({ name: 1 })
    .lean();
  return { course, categories, selected, questions };
}

/** The course, when the actor authors it (checked before a form is even read). */
export async function ownCourse(actor: Actor, courseId: string) {
  return authoredCourse(actor, courseId);
}

export async function createCategory(
  actor: Actor,
  courseId: string,
  input: { name: string; parent?: string; info: string; idnumber: string },
): Promise<string> {
  const course = await authoredCourse(actor, courseId);
  if ((await categoryTree(course._id)).length === 0) await categoryAtPath(course._id, [DEFAULT_CATEGORY]);
  const categories = await categoryTree(course._id);
  const parent = input.parent ? categories.find((c) => c.id === input.parent) : undefined;
  if (input.parent && !parent) throw new ValidationFailed({ parent: 'quizzes.errors.category' });
  if (categories.some((c) => c.parent === (parent?.id ?? null) && c.name === input.name))
    throw new ValidationFailed({ name: 'quizzes.errors.categoryTaken' });
  const created = await QuestionCategory.create({
    course: course._id,
    parent: parent ? parent.id : null,
    name: input.name,
    info: input.info,
    idnumber: input.idnumber,
  });
  return String(created._id);
}

/** Finds (or makes) the category at a path of names under the course's top, e.g. ['Bawaan', 'Modul 1']. */
export async function categoryAtPath(courseId: Types.ObjectId | string, path: string[]): Promise<string> {
  let parent: string | null = null;
  for (const name of path.length ? path : [DEFAULT_CATEGORY]) {
    const found: { _id: Types.ObjectId } | null = await QuestionCategory.findOneAndUpdate(
      { course: courseId, parent, name },
      { $setOnInsert: { info: '', idnumber: '' } },
      { upsert: true, new: true },
    ).lean();
    parent = String(found!._id);
  }
  return parent!;
}

/** The category a question goes to: the chosen one of this course, or the default one when none is chosen. */
async function categoryOf(courseId: Types.ObjectId, categoryId: string) {
  if (!categoryId) return { _id: new Types.ObjectId(await categoryAtPath(courseId, [DEFAULT_CATEGORY])) };
  const category = isId(categoryId)
    ? await QuestionCategory.findOne({ _id: categoryId, course: courseId }).lean()
    : null;
  if (!category) throw new ValidationFailed({ category: 'quizzes.errors.category' });
  return category;
}

function checked(input: QuestionInput) {
  const errors = questionErrors(input);
  if (Object.keys(errors).length) throw new ValidationFailed(errors);
}

/** Stores a new question (version 1); returns its entry id. Used by the form and the imports. */
export async function addQuestion(
  actor: Actor,
  courseId: Types.ObjectId,
  categoryId: string,
  input: QuestionInput,
  context: AuditContext = {},
): Promise<string> {
  checked(input);
  const category = (await categoryOf(courseId, categoryId))._id;
  const id = new Types.ObjectId();
  await Question.create({
    _id: id,
    ...input,
    course: courseId,
    category,
    entry: id,
    version: 1,
    isLatest: true,
    createdBy: actor.id,
    createdByName: actor.name,
  });
  await audit.record(
    actor,
    { action: 'question.create', targetType: 'question', targetId: id, targetLabel: input.name },
    context,
  );
  return String(id);
}

export async function createQuestion(
  actor: Actor,
  courseId: string,
  categoryId: string,
  input: QuestionInput,
  context: AuditContext = {},
): Promise<string> {
  const course = await authoredCourse(actor, courseId);
  return addQuestion(actor, course._id, categoryId, input, context);
}

/** The latest version of a question of the course, and the list of its versions. */
export async function question(actor: Actor, courseId: string, entryId: string) {
  const course = await authoredCourse(actor, courseId);
  const latest = isId(entryId)
    ? await Question.findOne({ entry: entryId, course: course._id, isLatest: true }).lean()
    : null;
  if (!latest) throw new NotFound('question');
  const versions = await Question.find({ entry: latest.entry })
    .select('version createdByName updatedAt')
    .sort({ version: -1 })
    .lean();
  const used = await isUsed(latest._id);
  return { course, question: latest, versions, used };
}

export async function isUsed(questionId: Types.ObjectId): Promise<boolean> {
  return !!(await Attempt.exists({ 'items.question': questionId }));
}

/**
 * Saves an edit: in place while no attempt has used the latest version, else as version n+1
 * (attempts keep the version they were given). Returns the version number now current.
 */
export async function updateQuestion(
  actor: Actor,
  courseId: string,
  entryId: string,
  categoryId: string,
  input: QuestionInput,
  context: AuditContext = {},
): Promise<number> {
  const { course, question: latest, used } = await question(actor, courseId, entryId);
  checked(input);
  if (input.type !== latest.type) throw new ValidationFailed({ type: 'quizzes.errors.typeFixed' });
  const category = (await categoryOf(course._id, categoryId))._id;
  let version = latest.version;
  if (!used) {
    await Question.updateOne({ _id: latest._id }, { $set: { ...input, category } });
    forgetQuestionVersions([latest._id]);
  } else {
    version = latest.version + 1;
    await Question.create({
      ...input,
      course: course._id,
      category,
      entry: latest.entry,
      version,
      isLatest: true,
      createdBy: actor.id,
      createdByName: actor.name,
    });
    await Question.updateOne({ _id: latest._id }, { $set: { isLatest: false } });
    forgetQuestionVersions([latest._id]);
  }
  await audit.record(
    actor,
    {
      action: 'question.update',
      targetType: 'question',
      targetId: latest.entry,
      targetLabel: input.name,
      after: { version },
    },
    context,
  );
  return version;
}

/** Hides a question from the bank and from new draws (attempts that used it keep it). */
export async function hideQuestion(
  actor: Actor,
  courseId: string,
  entryId: string,
  context: AuditContext = {},
) {
  const { question: latest } = await question(actor, courseId, entryId);
  await Question.updateMany({ entry: latest.entry }, { $set: { hidden: true } });
  forgetQuestionVersions();
  await audit.record(
    actor,
    { action: 'question.hide', targetType: 'question', targetId: latest.entry, targetLabel: latest.name },
    context,
  );
}

/** Latest visible versions of the given entries, or of every question in categories. */
export async function latestOf(
  courseId: Types.ObjectId | string,
  filter: { entries?: string[]; categories?: string[] },
) {
  return Question.find({
    course: courseId,
    isLatest: true,
    hidden: false,
    ...(filter.entries ? { entry: trusted({ $in: filter.entries.map((e) => new Types.ObjectId(e)) }) } : {}),
    ...(filter.categories
      ? { category: trusted({ $in: filter.categories.map((e) => new Types.ObjectId(e)) }) }
      : {}),
  }).lean();
}
