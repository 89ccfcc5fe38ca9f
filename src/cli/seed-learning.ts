// Demo learning so that `npm start` shows a living city: the demo learner has an assignment due in
// ten days with two lessons done, a course completed this year (JP on the ledger) and one course left
// to enrol in; the other learners study, have been assigned courses (some overdue) and completed
// some, this year or last. Generated from a fixed seed; written once (people who have enrolments
// are left alone), in bulk, so seeding stays quick.
import { courseIdByCode } from '../courses';
import { insertDemoEnrolments, type DemoEnrolment } from '../learning';
import { learnersByNip } from '../users';
import type { DemoPerson } from './seed-people';

const DAY = 86_400_000;
const COURSE_CODES = ['LITDIG-01', 'KOMPEL-01', 'ADUAN-01'];

/** A small deterministic generator (same demo on every machine). */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

export async function seedDemoLearning(
  learners: DemoPerson[],
  hrName: string,
  now = new Date(),
): Promise<number> {
  const courses = (await Promise.all(COURSE_CODES.map((c) => courseIdByCode(c))))
    .filter((c): c is { id: string; status: string } => !!c && c.status !== 'archived')
    .map((c) => c.id);
  if (courses.length < 3) return 0;
  const people = await learnersByNip(learners.map((l) => l.nip));
  const next = random(20260101);
  const plans: DemoEnrolment[] = [];
  learners.forEach((learner, index) => {
    const person = people.get(learner.nip);
    if (!person) return;
    const base = { person: person.id, opd: person.opdId };
    if (index === 0) {
      // The demo learner (asn@binaasn.example): one assignment under way, one course completed, ADUAN-01 to enrol in.
      plans.push({
        ...base,
        course: courses[0],
        lessonsDone: 2,
        source: 'assigned',
        assignedByName: hrName,
        enrolledAt: new Date(now.getTime() - 5 * DAY),
        dueAt: new Date(now.getTime() + 10 * DAY),
      });
      plans.push({
        ...base,
        course: courses[1],
        lessonsDone: 99,
        source: 'self',
        enrolledAt: new Date(now.getTime() - 40 * DAY),
        completedAt: new Date(now.getTime() - 30 * DAY),
      });
      return;
    }
    courses.forEach((course) => {
      const roll = next();
      if (roll < 0.45) return;
      const enrolledAt = new Date(now.getTime() - Math.floor(next() * 300) * DAY);
      const isAssigned = next() < 0.35;
      const completes = next() < 0.4;
      const due = new Date(now.getTime() + Math.floor(next() * 40 - 10) * DAY);
      plans.push({
        ...base,
        course,
        lessonsDone: completes ? 99 : Math.floor(next() * 6),
        source: isAssigned ? 'assigned' : 'self',
        enrolledAt,
        ...(isAssigned ? { dueAt: due, assignedByName: hrName } : {}),
        ...(completes
          ? { completedAt: new Date(Math.min(now.getTime() - DAY, enrolledAt.getTime() + 14 * DAY)) }
          : {}),
      });
    });
  });
  return insertDemoEnrolments(plans);
}
