// What reports about learning need to know of courses: their competency type and provider (the
// yearly competency-development record, the city's share per competency type), and whether an actor
// may read a course's report (the course's authors and the curators; anyone else: NotFound).
import { trusted, Types } from 'mongoose';
import type { Actor } from '../core/actor';
import { institutionRefs } from '../institutions';
import { NotFound } from '../web/errors';
import { isAuthorOf, isCurator } from './courses.access';
import { Course } from './course.model';
import { lessonsOf } from './courses.versions';

export interface CourseFacts {
  code: string;
  title: string;
  competencyType: string;
  partnerName: string;
}

/** Competency type and provider of each course, by id. */
export async function courseFacts(ids: string[]): Promise<Map<string, CourseFacts>> {
  const wanted = [...new Set(ids)]
    .filter((id) => /^[0-9a-f]{24}$/i.test(id))
    .map((id) => new Types.ObjectId(id));
  if (!wanted.length) return new Map();
  const courses = await Course.find({ _id: trusted({ $in: wanted }) })
    .select('code title competencyType partner')
    .lean();
  const partners = await institutionRefs(courses.map((c) => c.partner));
  return new Map(
    courses.map((c) => [
      String(c._id),
      {
        code: c.code,
        title: c.title,
        competencyType: c.competencyType ?? '',
        partnerName: partners.get(String(c.partner))?.name ?? '',
      },
    ]),
  );
}

/** A published course whose report the actor may read, with its lessons in order (key and title). */
export async function reportableCourse(actor: Actor, id: string) {
  if (!/^[0-9a-f]{24}$/i.test(id)) throw new NotFound('course');
  const course = await Course.findById(id)
    .select('code title authors partner modules publishedVersion')
    .lean();
  // A course never published has no learners to report on: like a missing one.
  if (!course || !course.publishedVersion || !(isCurator(actor) || isAuthorOf(actor, course)))
    throw new NotFound('course');
  return {
    id: String(course._id),
    code: course.code,
    title: course.title,
    lessons: lessonsOf(course).map((l) => ({ key: l.key, title: l.title })),
  };
}

/**
 * The courses whose report the actor may read, ever published (a never-published draft has no
 * learners): every one for curators, their own for authors (as `isAuthorOf` decides), by title.
 */
export async function reportableCourses(
  actor: Actor,
): Promise<Array<{ id: string; code: string; title: string }>> {
  const curator = isCurator(actor);
  if (!curator && !(actor.roles.includes('author') && actor.institutionId)) return [];
  const filter = curator
    ? { publishedVersion: trusted({ $gt: 0 }) }
    : { publishedVersion: trusted({ $gt: 0 }), authors: new Types.ObjectId(actor.id) };
  const courses = await Course.find(filter).select('code title authors partner').sort({ title: 1 }).lean();
  return courses
    .filter((c) => curator || isAuthorOf(actor, c))
    .map((c) => ({ id: String(c._id), code: c.code, title: c.title }));
}
