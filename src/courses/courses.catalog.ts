// What learners see: published versions only, of courses whose audience includes them (staff who
// assign or review courses see every published course). A draft, a never-published course, an
// archived one or one outside the learner's audience answers like a missing one. Course files are
// served through `openCourseFile`, which applies the same rule per file: a file of the published
// version to those who may study it, any file of the course to its authors and the curators.
import { Types, trusted } from 'mongoose';
import type { Actor } from '../core/actor';
import { NotFound } from '../web/errors';
import { courseForStaff, inAudience, isAuthorOf, isCurator, seesAllPublished } from './courses.access';
import {
  Course,
  type CourseContent,
  type FileRef,
  type LessonFields,
  type ModuleFields,
} from './course.model';
import { getVersion } from './courses.versions';
import { renderMarkdown } from './markdown';

export const courseFileUrl = (courseId: unknown, fileId: unknown) =>
  `/kursus/${String(courseId)}/berkas/${String(fileId)}`;

/** Renders a lesson's Markdown with `files/<name>` pointing at the course's served images. */
export function renderLessonBody(
  courseId: unknown,
  content: Pick<CourseContent, 'assets'>,
  markdown: string,
): string {
  const byName = new Map((content.assets ?? []).map((a) => [a.name, a.file.id]));
  return renderMarkdown(markdown, (name) => {
    const id = byName.get(name);
    return id ? courseFileUrl(courseId, id) : undefined;
  });
}

export async function catalog(actor: Actor) {
  const courses = await Course.find({
    publishedVersion: trusted({ $gt: 0 }),
    status: trusted({ $ne: 'archived' }),
  })
    .select('publishedVersion')
    .lean();
  const versions = await Promise.all(courses.map((c) => getVersion(c._id, c.publishedVersion)));
  return versions
    .filter((v): v is NonNullable<typeof v> => !!v)
    .filter(
      (v) =>
        seesAllPublished(actor) ||
        inAudience(actor, v.content as CourseContent) ||
        isAuthorOf(actor, v.content as never),
    )
    .map((v) => ({ id: String(v.course), version: v.number, content: v.content as CourseContent }))
    .sort((a, b) => a.content.title.localeCompare(b.content.title, 'id'));
}

/** The published version of a course, if the actor may study it. */
export async function publishedCourse(actor: Actor, id: string) {
  if (!/^[0-9a-f]{24}$/i.test(id)) throw new NotFound('course');
  const course = await Course.findById(id).select('status publishedVersion authors partner').lean();
  if (!course || course.publishedVersion === 0 || course.status === 'archived') throw new NotFound('course');
  const version = await getVersion(course._id, course.publishedVersion);
  if (!version) throw new NotFound('course');
  const content = version.content as CourseContent;
  if (!seesAllPublished(actor) && !isAuthorOf(actor, course) && !inAudience(actor, content))
    throw new NotFound('course');
  const prerequisites = content.prerequisites?.length
    ? await Course.find({ _id: trusted({ $in: content.prerequisites }) })
        .select('code title')
        .lean()
    : [];
  return {
    id: String(course._id),
    version: version.number,
    publishedAt: version.publishedAt,
    content,
    prerequisites,
  };
}

export function findLesson(content: Pick<CourseContent, 'modules'>, key: string) {
  const modules = (content.modules ?? []) as ModuleFields[];
  const flat = modules.flatMap((m) => m.lessons.map((l) => ({ module: m, lesson: l as LessonFields })));
  const index = flat.findIndex((x) => x.lesson.key === key);
  if (index < 0) throw new NotFound('lesson');
  return {
    ...flat[index],
    previous: flat[index - 1]?.lesson,
    next: flat[index + 1]?.lesson,
    position: index + 1,
    count: flat.length,
  };
}

/** A lesson of the published version, rendered, with its neighbours. */
export async function publishedLesson(actor: Actor, id: string, key: string) {
  const course = await publishedCourse(actor, id);
  const found = findLesson(course.content, key);
  return {
    course,
    ...found,
    sanitizedHtml: renderLessonBody(course.id, course.content, found.lesson.body ?? ''),
  };
}

function filesOf(content: Pick<CourseContent, 'modules' | 'assets'>): FileRef[] {
  const lessons = ((content.modules ?? []) as ModuleFields[]).flatMap((m) => m.lessons as LessonFields[]);
  return [
    ...lessons.map((l) => l.file).filter((f): f is FileRef => !!f),
    ...(content.assets ?? []).map((a) => a.file),
  ];
}

/**
 * A course file the actor may fetch, with how to send it. Authors of the course and curators get
 * any file of the working copy or of a version; everyone else only the files of the published
 * version, and only when they may study it.
 */
export async function openCourseFile(actor: Actor, courseId: string, fileId: string): Promise<FileRef> {
  if (!/^[0-9a-f]{24}$/i.test(fileId)) throw new NotFound('file');
  const wanted = (f: FileRef) => String(f.id) === fileId.toLowerCase();
  const staff = await courseForStaff(actor, courseId).catch(() => undefined);
  if (staff) {
    const fromDraft = filesOf(staff.toObject() as never).find(wanted);
    if (fromDraft) return fromDraft;
    if (staff.publishedVersion > 0) {
      const version = await getVersion(staff._id, staff.publishedVersion);
      const fromVersion = version && filesOf(version.content as CourseContent).find(wanted);
      if (fromVersion) return fromVersion;
    }
    throw new NotFound('file');
  }
  const published = await publishedCourse(actor, courseId);
  const file = filesOf(published.content).find(wanted);
  if (!file) throw new NotFound('file');
  return file;
}

/** Draft preview of a lesson, for its authors and the curators. */
export async function previewLesson(actor: Actor, id: string, key: string) {
  const course = await courseForStaff(actor, id);
  const content = course.toObject() as unknown as CourseContent;
  const found = findLesson(content, key);
  return {
    course: { id: String(course._id), content, version: 0 },
    ...found,
    sanitizedHtml: renderLessonBody(course._id, content, found.lesson.body ?? ''),
    isCurator: isCurator(actor),
  };
}

export const asObjectId = (id: string) => new Types.ObjectId(id);
