// Enrolment rules: who may enrol in a course (audience, prerequisites, not twice), moving an active
// enrolment to a newly published version (keeping the lessons whose content did not change), and
// the learner's own enrolment of a course (another person's answers exactly like a missing one).
import { Types, trusted } from 'mongoose';
import type { Actor } from '../core/actor';
import { inCourseAudience, studyableCourse, unchangedLessonKeys, type CourseContent } from '../courses';
import { Conflict, NotFound } from '../web/errors';
import { Enrolment, LessonProgress, type EnrolmentFields } from './enrolment.model';
import { completeIfDone, recount } from './completion';
import { versionContent } from './course-content';
import { isDuplicateKey } from './notices.service';

/** A published course as the learner's pages use it: its current version's number and content. */
export interface PublishedCourse {
  id: string;
  version: number;
  publishedAt: Date;
  content: CourseContent;
}

/** The published course the actor may study (a small catalog read; the content from the version cache). */
export async function studyable(actor: Actor, courseId: string): Promise<PublishedCourse> {
  const entry = await studyableCourse(actor, courseId);
  const version = await versionContent(entry.id, entry.version);
  if (!version) throw new NotFound('course');
  return { id: entry.id, version: entry.version, publishedAt: version.publishedAt, content: version.content };
}
export type EnrolmentDoc = EnrolmentFields & { _id: Types.ObjectId };

/** Why a person may not enrol (a message key), or undefined when they may. */
export type EnrolBlock = 'notInAudience' | 'prerequisites' | 'alreadyEnrolled' | 'completed';

const oid = (id: string | Types.ObjectId) => new Types.ObjectId(String(id));

export async function enrolmentOf(personId: string, courseId: string): Promise<EnrolmentDoc | undefined> {
  const found = await Enrolment.findOne({ person: oid(personId), course: oid(courseId) }).lean();
  return (found as EnrolmentDoc | null) ?? undefined;
}

/** A lesson record of an enrolment as the learner's pages use it. */
export interface LessonRecord {
  lessonKey: string;
  version: number;
  doneAt?: Date | null;
  scorePercent?: number | null;
  passed?: boolean | null;
  attempts?: number | null;
}

/**
 * The person's enrolment of a course with its lesson records, in one round trip: a `$lookup`
 * through the records' `{enrolment, lessonKey}` index (MongoDB and the embedded engine both use it).
 */
export async function enrolmentWithRecords(
  personId: string,
  courseId: string,
): Promise<{ enrolment?: EnrolmentDoc; records: LessonRecord[] }> {
  const [found] = await Enrolment.aggregate<EnrolmentDoc & { records: LessonRecord[] }>([
    { $match: { person: oid(personId), course: oid(courseId) } },
    { $limit: 1 },
    {
      $lookup: {
        from: LessonProgress.collection.collectionName,
        let: { enrolment: '$_id' },
        pipeline: [
          { $match: { $expr: { $eq: ['$enrolment', '$$enrolment'] } } },
          {
            $project: {
              _id: 0,
              lessonKey: 1,
              version: 1,
              doneAt: 1,
              scorePercent: 1,
              passed: 1,
              attempts: 1,
            },
          },
        ],
        as: 'records',
      },
    },
  ]);
  if (!found) return { records: [] };
  const { records, ...enrolment } = found;
  return { enrolment, records };
}

/** The lesson keys done in the enrolment's version. */
export function doneIn(enrolment: Pick<EnrolmentDoc, 'version'>, records: LessonRecord[]): Set<string> {
  return new Set(records.filter((r) => r.doneAt && r.version === enrolment.version).map((r) => r.lessonKey));
}

/** The prerequisite courses (ids) the person has not completed. */
export async function missingPrerequisites(personId: string, content: Pick<CourseContent, 'prerequisites'>) {
  const wanted = (content.prerequisites ?? []).map(String);
  if (!wanted.length) return [];
  const done = await Enrolment.find({
    person: oid(personId),
    course: trusted({ $in: wanted.map(oid) }),
    status: 'completed',
  })
    .select('course')
    .lean();
  const doneIds = new Set(done.map((d) => String(d.course)));
  return wanted.filter((id) => !doneIds.has(id));
}

/** Whether (and why not) this person may enrol in this published course themselves. */
export async function enrolBlock(
  actor: Pick<Actor, 'id' | 'opdId'>,
  course: Pick<PublishedCourse, 'id' | 'content'>,
  existing?: EnrolmentDoc,
): Promise<EnrolBlock | undefined> {
  if (existing?.status === 'completed') return 'completed';
  if (existing?.status === 'active') return 'alreadyEnrolled';
  if (!inCourseAudience(actor as Actor, course.content)) return 'notInAudience';
  if ((await missingPrerequisites(actor.id, course.content)).length) return 'prerequisites';
  return undefined;
}

/** Self-enrolment in the published version; a cancelled assignment is taken up again. */
export async function enrol(actor: Actor, courseId: string, now: Date): Promise<EnrolmentDoc> {
  const course = await studyable(actor, courseId);
  const existing = await enrolmentOf(actor.id, course.id);
  const block = await enrolBlock(actor, course, existing);
  if (block) throw new Conflict(`learning.enrol.block.${block}`);
  if (existing) {
    await Enrolment.updateOne(
      { _id: existing._id, status: 'cancelled' },
      { $set: { status: 'active', source: 'self', enrolledAt: now }, $unset: { dueAt: 1, cancelledAt: 1 } },
    );
    return (await moveToVersion(existing._id, course.version, now)) ?? existing;
  }
  const content = await versionContent(course.id, course.version);
  try {
    const [created] = await Enrolment.create([
      {
        person: oid(actor.id),
        opd: actor.opdId ? oid(actor.opdId) : undefined,
        course: oid(course.id),
        version: course.version,
        courseTitle: course.content.title,
        courseCode: course.content.code,
        jp: course.content.jp,
        source: 'self',
        enrolledAt: now,
        lessonsTotal: content?.keys.length ?? 0,
        lastActivityAt: now,
      },
    ]);
    return created.toObject() as EnrolmentDoc;
  } catch (error) {
    if (isDuplicateKey(error)) throw new Conflict('learning.enrol.block.alreadyEnrolled');
    throw error;
  }
}

/**
 * Moves an active enrolment to a newer published version: progress on lessons whose content did not
 * change carries over (courses' unchangedLessonKeys); the rest is studied again. Returns the
 * enrolment as it now is.
 */
export async function moveToVersion(
  enrolmentId: Types.ObjectId,
  published: number,
  now: Date,
): Promise<EnrolmentDoc | undefined> {
  const enrolment = (await Enrolment.findById(enrolmentId).lean()) as EnrolmentDoc | null;
  if (!enrolment) return undefined;
  if (enrolment.status !== 'active' || enrolment.version >= published) return enrolment;
  const from = enrolment.version;
  const content = await versionContent(enrolment.course, published);
  if (!content) return enrolment;
  const keep = await unchangedLessonKeys(enrolment.course, from, published);
  const moved = await Enrolment.updateOne(
    { _id: enrolment._id, version: from, status: 'active' },
    {
      $set: {
        version: published,
        courseTitle: content.content.title,
        courseCode: content.content.code,
        jp: content.content.jp,
        lessonsTotal: content.keys.length,
      },
    },
  );
  if (moved.modifiedCount === 1 && keep.length)
    await LessonProgress.updateMany(
      { enrolment: enrolment._id, version: from, lessonKey: trusted({ $in: keep }) },
      { $set: { version: published } },
    );
  await recount(enrolment._id, now);
  await completeIfDone(enrolment._id, now);
  return ((await Enrolment.findById(enrolment._id).lean()) as EnrolmentDoc | null) ?? undefined;
}

/**
 * The actor's own enrolment of a course they may see, on the current version, with its lesson
 * records (one round trip; the course comes from the catalog and version caches); NotFound otherwise.
 */
export async function ownEnrolment(actor: Actor, courseId: string, now: Date) {
  const course = await studyable(actor, courseId);
  let { enrolment, records } = await enrolmentWithRecords(actor.id, course.id);
  if (enrolment?.status === 'active' && enrolment.version < course.version) {
    await moveToVersion(enrolment._id, course.version, now);
    ({ enrolment, records } = await enrolmentWithRecords(actor.id, course.id));
  }
  return { course, enrolment, records };
}

/** An enrolment the actor is studying (active or completed); a missing or foreign one is NotFound. */
export async function studyingEnrolment(actor: Actor, courseId: string, now: Date) {
  const { course, enrolment, records } = await ownEnrolment(actor, courseId, now);
  if (!enrolment || enrolment.status === 'cancelled') throw new NotFound('enrolment');
  return { course, enrolment, records };
}
