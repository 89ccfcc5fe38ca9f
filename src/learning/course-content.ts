// Published versions as the learning feature reads them. Versions never change once published, so
// their content is kept in memory (a few hundred kilobytes for a hundred courses) and each lesson
// page reads no version from the database after the first.
import type { Types } from 'mongoose';
import { HttpError } from '../web/errors';
import {
  getCourseVersion,
  lessonsOf,
  type CourseContent,
  type LessonFields,
  type ModuleFields,
} from '../courses';

export interface VersionContent {
  courseId: string;
  number: number;
  publishedAt: Date;
  content: CourseContent;
  modules: ModuleFields[];
  lessons: LessonFields[];
  /** Lesson keys, in order. */
  keys: string[];
}

const MAX_ENTRIES = 500;
const cache = new Map<string, Promise<VersionContent | undefined>>();

async function load(courseId: string, number: number): Promise<VersionContent | undefined> {
  const version = await getCourseVersion(courseId, number);
  if (!version) return undefined;
  const content = version.content as CourseContent;
  const lessons = lessonsOf(content);
  return {
    courseId,
    number,
    publishedAt: version.publishedAt,
    content,
    modules: (content.modules ?? []) as ModuleFields[],
    lessons,
    keys: lessons.map((l) => l.key),
  };
}

/** A published version's content (immutable, hence cached). */
export function versionContent(courseId: string | Types.ObjectId, number: number) {
  const key = `${String(courseId)}:${number}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = load(String(courseId), number).catch((error: unknown) => {
      cache.delete(key);
      throw error;
    });
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(key, entry);
    void entry.then((v) => (v ? undefined : cache.delete(key)));
  }
  return entry;
}

/** Whole percent done, rounded down: 100 only when every lesson is done. */
export function percentOf(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.floor((Math.min(done, total) * 100) / total);
}

/**
 * In a course studied in order, the lesson to finish before `key` opens: the first lesson before it
 * (in course order) not done yet. Undefined when the lesson is open (or the course is in no order).
 */
export function lockOf(content: VersionContent, done: Set<string>, key: string): LessonFields | undefined {
  if (!content.content.studyInOrder) return undefined;
  for (const lesson of content.lessons) {
    if (lesson.key === key) return undefined;
    if (!done.has(lesson.key)) return lesson;
  }
  return undefined;
}

/** A lesson not open yet in a course studied in order: 403, naming the lesson to finish first. */
export class LessonLocked extends HttpError {
  constructor(readonly first: Pick<LessonFields, 'key' | 'title'>) {
    super(403, 'learning.player.lockedError');
    this.messageParams = { lesson: first.title };
  }
}
