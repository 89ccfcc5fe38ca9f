// Who may do what with a course: THE scope rules of this feature, used by every page, file
// download, export and import. A course out of reach answers exactly like a missing one (NotFound).
import { Types } from 'mongoose';
import type { Actor } from '../core/actor';
import { NotFound } from '../web/errors';
import { Course, type CourseFields } from './course.model';

type CourseLike = Pick<CourseFields, 'authors' | 'partner'>;
type AudienceLike = { audience?: { all?: boolean | null; opds?: unknown[] | null } | null };

/** An author of this course, of its partner institution. */
export function isAuthorOf(actor: Actor, course: CourseLike): boolean {
  return (
    actor.roles.includes('author') &&
    !!actor.institutionId &&
    String(course.partner) === actor.institutionId &&
    (course.authors ?? []).some((a) => String(a) === actor.id)
  );
}

export function isCurator(actor: Actor): boolean {
  return actor.roles.includes('curator');
}

/** Staff who see every published course whatever its audience (to review, assign or support it). */
export function seesAllPublished(actor: Actor): boolean {
  return actor.roles.some((r) => r === 'curator' || r === 'admin' || r === 'hr');
}

/** Whether a learner's OPD is in a course's audience. */
export function inAudience(actor: Actor, content: AudienceLike): boolean {
  const audience = content.audience;
  if (!audience || audience.all) return true;
  return !!actor.opdId && (audience.opds ?? []).some((o) => String(o) === actor.opdId);
}

/** The MongoDB filter of the courses an author works on. */
export function authoredBy(actor: Actor): Record<string, unknown> {
  if (!actor.roles.includes('author') || !actor.institutionId) return { _id: null };
  return { authors: new Types.ObjectId(actor.id), partner: new Types.ObjectId(actor.institutionId) };
}

const isId = (id: string) => /^[0-9a-f]{24}$/i.test(id);

/** The working copy of a course the actor authors (a document, for editing). */
export async function authoredCourse(actor: Actor, id: string) {
  const course = isId(id) ? await Course.findOne({ _id: id, ...authoredBy(actor) }) : null;
  if (!course || !isAuthorOf(actor, course)) throw new NotFound('course');
  return course;
}

/** The working copy of a course for a curator (every course but a never-submitted draft). */
export async function reviewableCourse(actor: Actor, id: string) {
  if (!isCurator(actor)) throw new NotFound('course');
  const course = isId(id) ? await Course.findById(id) : null;
  if (!course || (course.status === 'draft' && course.publishedVersion === 0 && !course.submittedAt))
    throw new NotFound('course');
  return course;
}

/** A course the actor may edit or review: its authors and curators (for previews and files of the draft). */
export async function courseForStaff(actor: Actor, id: string) {
  if (!isId(id)) throw new NotFound('course');
  const course = await Course.findById(id);
  if (!course) throw new NotFound('course');
  if (isAuthorOf(actor, course)) return course;
  if (
    isCurator(actor) &&
    !(course.status === 'draft' && course.publishedVersion === 0 && !course.submittedAt)
  )
    return course;
  throw new NotFound('course');
}
