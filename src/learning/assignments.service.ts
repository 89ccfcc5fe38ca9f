// HR assign a published course to people with a due date: chosen people (NIPs), everyone of an
// OPD, or by jabatan/golongan, always within the people scope of the users feature (the HR of one
// OPD reach their OPD, BKPSDM HR and admins every OPD). Nobody gets a second enrolment: a person
// already studying the course has it marked as assigned (progress kept), one who completed it is
// left alone, a cancelled assignment is taken up again. HR cancel an assignment within their scope.
import { Types, trusted, type FilterQuery } from 'mongoose';
import type { Actor } from '../core/actor';
import { endOfDayWib } from '../core/wib';
import { inCourseAudience } from '../courses';
import { paginate } from '../db/pagination';
import { assigneesFor, isInPeopleScope, scopeOpd, type AssigneeSelector } from '../users';
import { NotFound, ValidationFailed } from '../web/errors';
import { Enrolment, type EnrolmentFields } from './enrolment.model';
import { versionContent } from './course-content';
import { studyable, type PublishedCourse } from './enrolments.service';
import { createNotice, isDuplicateKey, mailNotice } from './notices.service';

export interface AssignInput {
  course: string;
  dueDay: string;
  selector: AssigneeSelector;
}

export interface AssignReport {
  assigned: number;
  alreadyAssigned: number;
  completed: number;
  notInAudience: number;
  courseTitle: string;
}

const oid = (id: string | Types.ObjectId) => new Types.ObjectId(String(id));

export async function assign(actor: Actor, input: AssignInput, now: Date): Promise<AssignReport> {
  const course = await studyable(actor, input.course);
  const dueAt = endOfDayWib(input.dueDay);
  if (dueAt.getTime() <= now.getTime()) throw new ValidationFailed({ dueDay: 'learning.assign.dueInPast' });
  const people = await assigneesFor(actor, input.selector);
  if (!people.length) throw new ValidationFailed({ _form: 'learning.assign.nobody' });
  const content = await versionContent(course.id, course.version);
  const report: AssignReport = {
    assigned: 0,
    alreadyAssigned: 0,
    completed: 0,
    notInAudience: 0,
    courseTitle: course.content.title,
  };
  for (const person of people) {
    if (!inCourseAudience({ opdId: person.opdId } as Actor, course.content)) {
      report.notInAudience++;
      continue;
    }
    const outcome = await assignOne(actor, person, course, content?.keys.length ?? 0, dueAt, now);
    report[outcome]++;
  }
  return report;
}

type Outcome = 'assigned' | 'alreadyAssigned' | 'completed';

async function assignOne(
  actor: Actor,
  person: { id: string; opdId?: string },
  course: PublishedCourse,
  lessons: number,
  dueAt: Date,
  now: Date,
): Promise<Outcome> {
  const assignment = {
    source: 'assigned',
    assignedBy: oid(actor.id),
    assignedByName: actor.name,
    assignedAt: now,
    dueAt,
  };
  const existing = await Enrolment.findOne({ person: oid(person.id), course: oid(course.id) }).lean();
  if (existing?.status === 'completed') return 'completed';
  if (existing?.status === 'active' && existing.source === 'assigned') return 'alreadyAssigned';
  let enrolmentId: Types.ObjectId;
  if (existing) {
    const updated = await Enrolment.updateOne(
      { _id: existing._id, status: existing.status, source: existing.source },
      { $set: { ...assignment, status: 'active' }, $unset: { cancelledAt: 1 } },
    );
    if (updated.modifiedCount !== 1) return 'alreadyAssigned';
    enrolmentId = existing._id;
  } else {
    try {
      const [created] = await Enrolment.create([
        {
          person: oid(person.id),
          opd: person.opdId ? oid(person.opdId) : undefined,
          course: oid(course.id),
          version: course.version,
          courseTitle: course.content.title,
          courseCode: course.content.code,
          jp: course.content.jp,
          enrolledAt: now,
          lessonsTotal: lessons,
          ...assignment,
        },
      ]);
      enrolmentId = created._id;
    } catch (error) {
      if (isDuplicateKey(error)) return 'alreadyAssigned';
      throw error;
    }
  }
  const occasion = `${String(enrolmentId)}:${now.getTime()}`;
  await createNotice(
    {
      person: person.id,
      kind: 'assigned',
      key: `assigned:${occasion}`,
      enrolment: enrolmentId,
      course: course.id,
      courseTitle: course.content.title,
      dueAt,
    },
    now,
  );
  await mailNotice(
    'assigned',
    person.id,
    { course: course.content.title, href: `/kursus/${course.id}`, dueAt },
    occasion,
    now,
  );
  return 'assigned';
}

/** Cancels an assignment of someone in the actor's scope (its progress stays); others answer 404. */
export async function cancelAssignment(actor: Actor, enrolmentId: string, now: Date): Promise<string> {
  if (!/^[0-9a-f]{24}$/i.test(enrolmentId)) throw new NotFound('assignment');
  const enrolment = await Enrolment.findById(enrolmentId).lean();
  if (
    !enrolment ||
    enrolment.source !== 'assigned' ||
    !(await isInPeopleScope(actor, String(enrolment.person)))
  )
    throw new NotFound('assignment');
  if (enrolment.status !== 'active') return enrolment.courseTitle;
  await Enrolment.updateOne(
    { _id: enrolment._id, status: 'active' },
    { $set: { status: 'cancelled', cancelledAt: now } },
  );
  await createNotice(
    {
      person: enrolment.person,
      kind: 'cancelled',
      key: `cancelled:${enrolmentId}:${now.getTime()}`,
      enrolment: enrolment._id,
      course: enrolment.course,
      courseTitle: enrolment.courseTitle,
    },
    now,
  );
  return enrolment.courseTitle;
}

export interface AssignmentListQuery {
  course?: string;
  state?: 'active' | 'overdue' | 'completed' | 'cancelled';
  page?: number;
  nip?: string;
}

/** The assignments of the people in the actor's scope, newest first. */
export async function assignmentsIn(actor: Actor, query: AssignmentListQuery, now: Date) {
  const scope = scopeOpd(actor);
  const and: FilterQuery<EnrolmentFields>[] = [{ source: 'assigned' }];
  if (scope === 'none') and.push({ _id: trusted({ $in: [] }) });
  else if (scope !== 'all') and.push({ opd: oid(scope) });
  if (query.course && /^[0-9a-f]{24}$/i.test(query.course)) and.push({ course: oid(query.course) });
  if (query.state === 'overdue') and.push({ status: 'active', dueAt: trusted({ $lt: now }) });
  else if (query.state) and.push({ status: query.state });
  const filter = { $and: and };
  return paginate(
    query.page,
    25,
    () => Enrolment.countDocuments(filter),
    (skip, limit) =>
      Enrolment.find(filter)
        .populate<{ person: { _id: Types.ObjectId; name: string } }>('person', 'name')
        .sort({ assignedAt: -1, _id: -1 })
        .skip(skip)
        .limit(limit)
        .lean(),
  );
}
