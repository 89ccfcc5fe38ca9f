// Review and publication: draft → in review (an author submits; may withdraw) → published (a
// curator approves, optionally with a comment: the working copy is frozen as the next version) or
// back to draft (the curator returns it with a comment); a curator archives a course and may restore
// it. Curators may set JP and the competency type while a course is in review. Every transition is
// written to the course's history and to the audit log.
import { trusted } from 'mongoose';
import type { Actor } from '../core/actor';
import { audit, type AuditContext } from '../audit';
import { inTransaction } from '../db/transactions';
import { Conflict, NotFound, ValidationFailed } from '../web/errors';
import { authoredCourse, courseForStaff, isAuthorOf, isCurator, reviewableCourse } from './courses.access';
import { Course, CourseEvent, type CourseContent, type CourseEventKind } from './course.model';
import { completenessProblems, recordEvent } from './courses.service';
import { refreshCatalogEntry } from './courses.catalog';
import { contentOf, diffContent, freezeVersion, getVersion } from './courses.versions';

async function transition(
  actor: Actor,
  course: { _id: unknown; title: string; status: string },
  kind: CourseEventKind,
  now: Date,
  context: AuditContext,
  extra: { comment?: string; version?: number; before?: unknown; after?: unknown } = {},
) {
  await recordEvent(course._id as never, kind, actor, now, {
    comment: extra.comment,
    version: extra.version,
  });
  await audit.record(
    actor,
    {
      action: `course.${kind}`,
      targetType: 'course',
      targetId: String(course._id),
      targetLabel: course.title,
      before: extra.before,
      after: extra.after ?? { status: course.status, comment: extra.comment, version: extra.version },
    },
    context,
  );
}

/** The author sends the draft to the curators; it must be complete. */
export async function submit(actor: Actor, id: string, now: Date, context: AuditContext = {}) {
  const course = await authoredCourse(actor, id);
  if (course.status !== 'draft') throw new Conflict('courses.errors.notDraft');
  const problems = completenessProblems(course);
  if (problems.length) throw new ValidationFailed({ _form: problems[0] }, 'courses.errors.incomplete');
  course.status = 'in_review';
  course.submittedAt = now;
  await course.save();
  await transition(actor, course, 'submitted', now, context, { before: { status: 'draft' } });
}

/** The author takes a submitted course back to edit it. */
export async function withdraw(actor: Actor, id: string, now: Date, context: AuditContext = {}) {
  const course = await authoredCourse(actor, id);
  if (course.status !== 'in_review') throw new Conflict('courses.errors.notInReview');
  course.status = 'draft';
  await course.save();
  await transition(actor, course, 'withdrawn', now, context, { before: { status: 'in_review' } });
}

export async function reviewQueue(actor: Actor) {
  if (!isCurator(actor)) throw new NotFound('course');
  const [waiting, published] = await Promise.all([
    Course.find({ status: 'in_review' })
      .select('code title partner submittedAt publishedVersion jp')
      .sort({ submittedAt: 1 })
      .lean(),
    Course.find({
      status: trusted({ $in: ['published', 'draft', 'archived'] }),
      publishedVersion: trusted({ $gt: 0 }),
    })
      .select('code title partner status publishedVersion publishedAt')
      .sort({ title: 1 })
      .limit(500)
      .lean(),
  ]);
  return { waiting, published };
}

/** The working copy, the published version it would replace, and what changed between them. */
export async function reviewOf(actor: Actor, id: string) {
  const course = await reviewableCourse(actor, id);
  return changesOf(course);
}

/** The same comparison for the course's authors (their own draft against the published version). */
export async function changesForAuthor(actor: Actor, id: string) {
  return changesOf(await authoredCourse(actor, id));
}

async function changesOf(course: Awaited<ReturnType<typeof authoredCourse>>) {
  const published = course.publishedVersion ? await getVersion(course._id, course.publishedVersion) : null;
  const draft = contentOf(course.toObject() as unknown as Record<string, unknown>);
  return {
    course: course.toObject(),
    published,
    changes: diffContent(published?.content as CourseContent | undefined, draft),
  };
}

/** JP and competency type, set by a curator while the course is in review. */
export async function curatorSettings(
  actor: Actor,
  id: string,
  input: { jp: number; competencyType: CourseContent['competencyType'] },
  now: Date,
  context: AuditContext = {},
) {
  const course = await reviewableCourse(actor, id);
  if (course.status !== 'in_review') throw new Conflict('courses.errors.notInReview');
  const before = { jp: course.jp, competencyType: course.competencyType };
  if (before.jp === input.jp && before.competencyType === input.competencyType) return;
  course.jp = input.jp;
  course.competencyType = input.competencyType;
  await course.save();
  await transition(actor, course, 'curator_edited', now, context, { before, after: input });
}

/** Publishes the working copy as the next version (in one transaction where the database has them). */
export async function approve(
  actor: Actor,
  id: string,
  comment: string,
  now: Date,
  context: AuditContext = {},
) {
  const course = await reviewableCourse(actor, id);
  if (course.status !== 'in_review') throw new Conflict('courses.errors.notInReview');
  const version = await inTransaction(async (session) => {
    const number = await freezeVersion(course._id, actor, comment, now, session);
    const updated = await Course.updateOne(
      { _id: course._id, status: 'in_review' },
      {
        $set: { status: 'published', publishedVersion: number, publishedAt: now, lastReviewComment: comment },
      },
      { session },
    );
    if (updated.modifiedCount !== 1) throw new Conflict('courses.errors.notInReview');
    await refreshCatalogEntry(course._id, session);
    return number;
  });
  course.status = 'published';
  await transition(actor, course, 'published', now, context, {
    comment,
    version,
    before: { status: 'in_review' },
  });
  return version;
}

/** Sends the course back to its authors with the curator's comment. */
export async function returnToAuthors(
  actor: Actor,
  id: string,
  comment: string,
  now: Date,
  context: AuditContext = {},
) {
  const course = await reviewableCourse(actor, id);
  if (course.status !== 'in_review') throw new Conflict('courses.errors.notInReview');
  course.status = 'draft';
  course.lastReviewComment = comment;
  await course.save();
  await transition(actor, course, 'returned', now, context, { comment, before: { status: 'in_review' } });
}

/** Takes a course out of the catalog (its versions stay, for enrolments and certificates). */
export async function archive(
  actor: Actor,
  id: string,
  comment: string,
  now: Date,
  context: AuditContext = {},
) {
  const course = await reviewableCourse(actor, id);
  if (course.status === 'archived') throw new Conflict('courses.errors.archived');
  const before = { status: course.status };
  course.status = 'archived';
  await course.save();
  await refreshCatalogEntry(course._id);
  await transition(actor, course, 'archived', now, context, { comment, before });
}

/** Brings an archived course back: published when it has a version, else a draft. */
export async function restore(actor: Actor, id: string, now: Date, context: AuditContext = {}) {
  const course = await reviewableCourse(actor, id);
  if (course.status !== 'archived') throw new Conflict('courses.errors.notArchived');
  course.status = course.publishedVersion > 0 ? 'published' : 'draft';
  await course.save();
  await refreshCatalogEntry(course._id);
  await transition(actor, course, 'restored', now, context, { before: { status: 'archived' } });
}

/** The course's history, for its authors and the curators. */
export async function history(actor: Actor, id: string) {
  const course = await courseForStaff(actor, id);
  const events = await CourseEvent.find({ course: course._id }).sort({ at: -1, _id: -1 }).limit(500).lean();
  return { course: course.toObject(), events, asAuthor: isAuthorOf(actor, course) };
}
