// Authoring: an author's courses, their settings, modules and lessons (ordered), lesson files and
// the course's image library. Every function takes the Actor and finds the course through the scope
// rules of courses.access.ts, so another institution's course, or one the author does not write,
// answers like a missing one. Edits are allowed on a draft, and on a published course (which then
// becomes the next draft while learners keep the published version); not while in review or archived.
import { trusted, Types } from 'mongoose';
import type { Actor } from '../core/actor';
import { audit, type AuditContext } from '../audit';
import { institutionChoices, institutionRef } from '../institutions';
import { authorsOf } from '../users';
import { containing } from '../db/literal-regex';
import { duplicateKeyField } from '../db/duplicate-key';
import { Conflict, DuplicateKey, Forbidden, NotFound, ValidationFailed } from '../web/errors';
import { authoredBy, authoredCourse } from './courses.access';
import {
  Course,
  CourseEvent,
  type CourseEventKind,
  type CourseFields,
  type FileRef,
  type LessonFields,
  type ModuleFields,
} from './course.model';
import { FileRejected, deleteFiles, storeStagedFile, type FileKind } from './course-files';
import { signatoriesOf, type CourseFormInput, type LessonFormInput } from './courses.schemas';

type CourseDoc = Awaited<ReturnType<typeof authoredCourse>>;

export const newKey = () => new Types.ObjectId().toHexString();

/** Writes one line of the course's history page. */
export async function recordEvent(
  courseId: Types.ObjectId,
  kind: CourseEventKind,
  actor: Pick<Actor, 'id' | 'name'> | null,
  now: Date,
  extra: { comment?: string; version?: number; detail?: unknown } = {},
): Promise<void> {
  await CourseEvent.create({
    course: courseId,
    at: now,
    kind,
    actor: actor?.id,
    actorName: actor?.name ?? '',
    ...extra,
  });
}

export async function listAuthored(actor: Actor, query: { q?: string }) {
  const filter: Record<string, unknown> = { ...authoredBy(actor) };
  if (query.q) filter.$or = [{ title: containing(query.q) }, { code: containing(query.q) }];
  return Course.find(filter)
    .select('code title status publishedVersion updatedAt jp lastReviewComment')
    .sort({ updatedAt: -1 })
    .limit(500)
    .lean();
}

/** Throws NotFound unless the actor writes this course (checked before a form is read). */
export async function assertAuthored(actor: Actor, id: string): Promise<void> {
  await authoredCourse(actor, id);
}

export async function getAuthored(actor: Actor, id: string) {
  return (await authoredCourse(actor, id)).toObject();
}

/**
 * Opens the course for an edit: a draft stays a draft; a published course becomes the next draft
 * (learners keep the published version); in review or archived, nothing may change.
 */
async function beginEdit(actor: Actor, course: CourseDoc, now: Date): Promise<void> {
  if (course.status === 'in_review') throw new Conflict('courses.errors.inReview');
  if (course.status === 'archived') throw new Conflict('courses.errors.archived');
  if (course.status === 'published') {
    course.status = 'draft';
    await recordEvent(course._id, 'draft_started', actor, now, { version: course.publishedVersion });
  }
}

const codeTaken = () => new DuplicateKey('code', 'courses.errors.codeTaken');

async function saveCourse(course: { save(): Promise<unknown> }): Promise<void> {
  try {
    await course.save();
  } catch (error) {
    if (duplicateKeyField(error, ['code'] as const)) throw codeTaken();
    throw error;
  }
}

/** The choices of the settings form: co-authors of the partner, OPDs, other published courses, images. */
export async function formChoices(actor: Actor, courseId?: string) {
  const partnerId = actor.institutionId;
  const [coauthors, opds, published] = await Promise.all([
    partnerId ? authorsOf(partnerId) : Promise.resolve([]),
    institutionChoices('opd'),
    Course.find({ publishedVersion: trusted({ $gt: 0 }), status: trusted({ $ne: 'archived' }) })
      .select('code title')
      .sort({ title: 1 })
      .lean(),
  ]);
  return {
    coauthors: coauthors.filter((a) => a.id !== actor.id),
    opds,
    prerequisites: published.filter((c) => String(c._id) !== courseId),
  };
}

async function checkedSettings(actor: Actor, input: CourseFormInput, courseId?: string) {
  const choices = await formChoices(actor, courseId);
  const errors: Record<string, string> = {};
  const coauthorIds = new Set(choices.coauthors.map((a) => a.id));
  if (input.coauthors.some((id) => !coauthorIds.has(id))) errors.coauthors = 'courses.errors.choice';
  const opdIds = new Set(choices.opds.map((o) => String(o._id)));
  if (input.audienceOpds.some((id) => !opdIds.has(id))) errors.audienceOpds = 'courses.errors.choice';
  const courseIds = new Set(choices.prerequisites.map((c) => String(c._id)));
  if (input.prerequisites.some((id) => !courseIds.has(id))) errors.prerequisites = 'courses.errors.choice';
  if (Object.keys(errors).length) throw new ValidationFailed(errors);
  return {
    code: input.code,
    title: input.title,
    summary: input.summary,
    objectives: input.objectives,
    competencyType: input.competencyType,
    area: input.area,
    jp: input.jp,
    audience: {
      all: input.audienceAll === 'all',
      opds: input.audienceAll === 'all' ? [] : input.audienceOpds,
    },
    prerequisites: input.prerequisites,
    quizPassMark: input.quizPassMark,
    studyInOrder: input.studyInOrder,
    signatories: signatoriesOf(input),
  };
}

export async function createCourse(
  actor: Actor,
  input: CourseFormInput,
  now: Date,
  context: AuditContext = {},
): Promise<string> {
  if (!actor.roles.includes('author') || !actor.institutionId || !(await institutionRef(actor.institutionId)))
    throw new Forbidden('courses.errors.noInstitution');
  const settings = await checkedSettings(actor, input);
  if (await Course.exists({ code: settings.code })) throw codeTaken();
  const course = new Course({
    ...settings,
    cover: '',
    partner: actor.institutionId,
    authors: [actor.id, ...input.coauthors],
    status: 'draft',
  });
  await saveCourse(course);
  await recordEvent(course._id, 'created', actor, now);
  await audit.record(
    actor,
    {
      action: 'course.create',
      targetType: 'course',
      targetId: course._id,
      targetLabel: course.title,
      after: settings,
    },
    context,
  );
  return String(course._id);
}

export async function updateSettings(
  actor: Actor,
  id: string,
  input: CourseFormInput,
  now: Date,
  context: AuditContext = {},
): Promise<void> {
  const course = await authoredCourse(actor, id);
  await beginEdit(actor, course, now);
  const settings = await checkedSettings(actor, input, id);
  const existing = await Course.findOne({ code: settings.code }).select('_id').lean();
  if (existing && String(existing._id) !== id) throw codeTaken();
  if (input.cover && !course.assets.some((a) => a.name === input.cover))
    throw new ValidationFailed({ cover: 'courses.errors.choice' });
  course.set({ ...settings, cover: input.cover, authors: [actor.id, ...input.coauthors] });
  // Co-authors other than the actor who already wrote the course stay unless removed by the form.
  await saveCourse(course);
  await audit.record(
    actor,
    {
      action: 'course.update',
      targetType: 'course',
      targetId: course._id,
      targetLabel: course.title,
      after: settings,
    },
    context,
  );
}

function moduleOf(course: CourseDoc, key: string): ModuleFields {
  const found = course.modules.find((m) => m.key === key);
  if (!found) throw new NotFound('module');
  return found as ModuleFields;
}

function lessonOf(
  course: CourseDoc,
  key: string,
): { module: ModuleFields; lesson: LessonFields; index: number } {
  for (const module of course.modules as ModuleFields[]) {
    const index = module.lessons.findIndex((l) => l.key === key);
    if (index >= 0) return { module, lesson: module.lessons[index] as LessonFields, index };
  }
  throw new NotFound('lesson');
}

export async function addModule(actor: Actor, id: string, title: string, now: Date): Promise<string> {
  const course = await authoredCourse(actor, id);
  await beginEdit(actor, course, now);
  if (course.modules.length >= 50) throw new Conflict('courses.errors.tooManyModules');
  const key = newKey();
  course.modules.push({ key, title, lessons: [] });
  await course.save();
  return key;
}

export async function renameModule(actor: Actor, id: string, key: string, title: string, now: Date) {
  const course = await authoredCourse(actor, id);
  moduleOf(course, key);
  await beginEdit(actor, course, now);
  moduleOf(course, key).title = title;
  await course.save();
}

export async function deleteModule(actor: Actor, id: string, key: string, now: Date) {
  const course = await authoredCourse(actor, id);
  const module = moduleOf(course, key);
  await beginEdit(actor, course, now);
  if (module.lessons.length > 0) throw new Conflict('courses.errors.moduleNotEmpty');
  course.set(
    'modules',
    course.modules.filter((m) => m.key !== key),
  );
  await course.save();
}

function swap<T>(list: T[], index: number, direction: 'up' | 'down'): boolean {
  const other = direction === 'up' ? index - 1 : index + 1;
  if (index < 0 || other < 0 || other >= list.length) return false;
  [list[index], list[other]] = [list[other], list[index]];
  return true;
}

export async function moveModule(actor: Actor, id: string, key: string, direction: 'up' | 'down', now: Date) {
  const course = await authoredCourse(actor, id);
  moduleOf(course, key);
  await beginEdit(actor, course, now);
  const modules = course.modules.map((m) => (m as unknown as { toObject(): ModuleFields }).toObject());
  if (
    !swap(
      modules,
      modules.findIndex((m) => m.key === key),
      direction,
    )
  )
    return;
  course.set('modules', modules);
  await course.save();
}

/**
 * Moves a lesson one place up or down; past the first or last place of its module it moves to the
 * end of the previous module or the start of the next one.
 */
export async function moveLesson(actor: Actor, id: string, key: string, direction: 'up' | 'down', now: Date) {
  const course = await authoredCourse(actor, id);
  lessonOf(course, key);
  await beginEdit(actor, course, now);
  const modules = course.modules.map((m) => (m as unknown as { toObject(): ModuleFields }).toObject());
  const m = modules.findIndex((mod) => mod.lessons.some((l) => l.key === key));
  const lessons = modules[m].lessons;
  const index = lessons.findIndex((l) => l.key === key);
  if (!swap(lessons, index, direction)) {
    const target = direction === 'up' ? m - 1 : m + 1;
    if (target < 0 || target >= modules.length) return;
    const [lesson] = lessons.splice(index, 1);
    if (direction === 'up') modules[target].lessons.push(lesson);
    else modules[target].lessons.unshift(lesson);
  }
  course.set('modules', modules);
  await course.save();
}

function lessonFields(input: LessonFormInput) {
  return {
    title: input.title,
    kind: input.kind,
    minutes: input.minutes,
    body: input.body.replace(/\r\n/g, '\n'),
    embedUrl: input.kind === 'video' && input.embedUrl ? input.embedUrl : undefined,
    quizRequired: input.kind === 'quiz' && input.quizRequired === 'on',
  };
}

export async function addLesson(
  actor: Actor,
  id: string,
  moduleKey: string,
  input: LessonFormInput,
  now: Date,
): Promise<string> {
  const course = await authoredCourse(actor, id);
  const module = moduleOf(course, moduleKey);
  if (module.lessons.length >= 100) throw new Conflict('courses.errors.tooManyLessons');
  await beginEdit(actor, course, now);
  const key = newKey();
  moduleOf(course, moduleKey).lessons.push({ key, ...lessonFields(input) });
  await course.save();
  return key;
}

export async function getLesson(actor: Actor, id: string, key: string) {
  const course = await authoredCourse(actor, id);
  const { module, lesson } = lessonOf(course, key);
  return { course: course.toObject(), module, lesson };
}

export async function updateLesson(actor: Actor, id: string, key: string, input: LessonFormInput, now: Date) {
  const course = await authoredCourse(actor, id);
  const { lesson } = lessonOf(course, key);
  if (lesson.kind !== input.kind && lesson.file) throw new Conflict('courses.errors.kindWithFile');
  await beginEdit(actor, course, now);
  Object.assign(lessonOf(course, key).lesson, lessonFields(input));
  if (input.kind === 'video' && input.embedUrl) lessonOf(course, key).lesson.file = undefined;
  await course.save();
}

export async function deleteLesson(actor: Actor, id: string, key: string, now: Date) {
  const course = await authoredCourse(actor, id);
  const { module } = lessonOf(course, key);
  await beginEdit(actor, course, now);
  const target = moduleOf(course, module.key) as unknown as { lessons: LessonFields[] };
  target.lessons = target.lessons.filter((l) => l.key !== key);
  course.markModified('modules');
  await course.save();
}

export interface StagedFile {
  path: string;
  originalName: string;
}

/**
 * Stores the uploaded video or download of a lesson (replacing the one it had). A refused file
 * throws ValidationFailed with the reason next to the file field.
 */
export async function attachLessonFile(actor: Actor, id: string, key: string, staged: StagedFile, now: Date) {
  const course = await authoredCourse(actor, id);
  const { lesson } = lessonOf(course, key);
  if (lesson.kind !== 'video' && lesson.kind !== 'file') throw new Conflict('courses.errors.noFileForKind');
  await beginEdit(actor, course, now);
  const ref = await storeOrExplain(staged, lesson.kind, course._id, actor);
  const target = lessonOf(course, key).lesson;
  target.file = ref;
  target.embedUrl = undefined;
  await course.save();
}

async function storeOrExplain(staged: StagedFile, kind: FileKind, courseId: Types.ObjectId, actor: Actor) {
  try {
    return await storeStagedFile(staged.path, {
      kind,
      name: staged.originalName,
      courseId,
      uploaderId: actor.id,
    });
  } catch (error) {
    if (error instanceof FileRejected) throw new FileRefused(error.messageKey, error.params);
    throw error;
  }
}

/** A refused upload: 422, with the reason (and its parameters) for the form. */
export class FileRefused extends ValidationFailed {
  constructor(
    messageKey: string,
    public readonly params: Record<string, string>,
  ) {
    super({ file: messageKey });
  }
}

/** Adds an image to the course's library (a new name, or a new image under a name already used). */
export async function addImage(actor: Actor, id: string, staged: StagedFile, now: Date): Promise<string> {
  const course = await authoredCourse(actor, id);
  await beginEdit(actor, course, now);
  if (course.assets.length >= 200) throw new Conflict('courses.errors.tooManyImages');
  const ref: FileRef = await storeOrExplain(staged, 'image', course._id, actor);
  const existing = course.assets.find((a) => a.name === ref.name);
  if (existing) existing.file = ref;
  else course.assets.push({ name: ref.name, file: ref });
  await course.save();
  return ref.name;
}

export async function removeImage(actor: Actor, id: string, name: string, now: Date): Promise<void> {
  const course = await authoredCourse(actor, id);
  const asset = course.assets.find((a) => a.name === name);
  if (!asset) throw new NotFound('image');
  await beginEdit(actor, course, now);
  if (course.cover === name) course.cover = '';
  course.set(
    'assets',
    course.assets.filter((a) => a.name !== name),
  );
  await course.save();
  // The bytes stay while a published version may show them; a never-published draft's go at once.
  if (course.publishedVersion === 0) await deleteFiles([asset.file]);
}

/** What a course needs before it can be submitted: a message key per problem (empty = ready). */
export function completenessProblems(
  course: Pick<CourseFields, 'summary' | 'objectives' | 'modules'>,
): string[] {
  const problems: string[] = [];
  if (!course.summary) problems.push('courses.incomplete.summary');
  if (!course.objectives?.length) problems.push('courses.incomplete.objectives');
  const lessons = (course.modules as ModuleFields[]).flatMap((m) => m.lessons as LessonFields[]);
  if (lessons.length === 0) problems.push('courses.incomplete.lessons');
  if ((course.modules as ModuleFields[]).some((m) => m.lessons.length === 0))
    problems.push('courses.incomplete.emptyModule');
  if (lessons.some((l) => l.kind === 'text' && !l.body.trim())) problems.push('courses.incomplete.emptyText');
  if (lessons.some((l) => l.kind === 'file' && !l.file)) problems.push('courses.incomplete.missingFile');
  if (lessons.some((l) => l.kind === 'video' && !l.file && !l.embedUrl))
    problems.push('courses.incomplete.missingVideo');
  return problems;
}

export { type CourseDoc };
