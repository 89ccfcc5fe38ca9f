// Demo learning so that `npm start` shows a living city with a past: the demo learner has an
// assignment due in ten days with two lessons done, a course finished a month ago and courses left
// to enrol in; the other learners enrolled over the last twelve months, some assigned (some overdue),
// and finished courses spread over those months. How much a learner studies follows their OPD's pace
// (a fixed factor per OPD code, so some OPDs are ahead and some behind on the dashboards) and their
// own drive, so the JP of a year spread over every band: nothing yet, a few JP, half-way, and the
// 20 JP target reached by the keenest (the nine demo courses add up to 33 JP). Generated from a fixed
// seed (src/core/random.ts), relative to `now`; written once (a person's enrolment in a course is
// never written twice), in bulk: enrolments and lesson records exactly as the player would have left
// them. The finished courses are then completed through the learning feature's own completion path
// (completeFinishedEnrolments, run by the caller), so their JP ledger, notices and certificates are
// the real ones.
import { courseIdByCode } from '../courses';
import { seededRandom } from '../core/random';
import { insertDemoEnrolments, type DemoEnrolment } from '../learning';
import { learnersByNip } from '../users';
import type { DemoPerson } from './seed-people';

const DAY = 86_400_000;
/** The demo courses learners take, in the order the demo learner meets them (src/cli/demo-courses). */
export const DEMO_LEARNING_CODES = [
  'LITDIG-01',
  'KOMPEL-01',
  'ADUAN-01',
  'INTEG-01',
  'ETIKA-01',
  'NASKAH-01',
  'DATA-01',
  'KINERJA-01',
  'PIMPIN-01',
];

/** An OPD's pace between 0 and 1, fixed by its code: how many of its people enrol and finish. */
export function paceOf(opdCode: string): number {
  let hash = 2166136261;
  for (const ch of opdCode) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (hash % 1000) / 999;
}

export interface PlannedLearner {
  person: string;
  opd?: string;
  opdCode: string;
}

/**
 * The demo enrolments of these learners in these courses (the first learner is the demo learner),
 * relative to `now`: a pure function of its arguments, so the same demo comes out on every machine.
 */
export function planDemoLearning(
  learners: PlannedLearner[],
  courses: string[],
  hrName: string,
  now: Date,
): DemoEnrolment[] {
  const next = seededRandom(20260101);
  const plans: DemoEnrolment[] = [];
  learners.forEach((learner, index) => {
    const base = { person: learner.person, opd: learner.opd };
    if (index === 0) {
      // The demo learner (asn@binaasn.example): one assignment under way, one course completed, the rest to enrol in.
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
        finishedAt: new Date(now.getTime() - 30 * DAY),
      });
      return;
    }
    // Drive: mostly the OPD's pace, partly the person's own (a keen learner in a slow OPD exists too).
    const drive = Math.min(1, Math.max(0, 0.1 + 0.55 * paceOf(learner.opdCode) + 0.75 * (next() - 0.35)));
    courses.forEach((course) => {
      if (next() >= 0.1 + 0.85 * drive) return; // the keener, the more courses they enrol in
      const enrolledAt = new Date(now.getTime() - (1 + Math.floor(next() * 330)) * DAY - next() * DAY);
      const isAssigned = next() < 0.35;
      const finishes = next() < 0.15 + 0.85 * drive;
      const due = new Date(enrolledAt.getTime() + Math.floor(14 + next() * 60) * DAY);
      const finishedAt = new Date(enrolledAt.getTime() + (3 + next() * 30) * DAY);
      const done = finishes && finishedAt.getTime() < now.getTime() - 3_600_000;
      plans.push({
        ...base,
        course,
        lessonsDone: done ? 99 : Math.floor(next() * 4),
        source: isAssigned ? 'assigned' : 'self',
        enrolledAt,
        ...(isAssigned ? { dueAt: due, assignedByName: hrName } : {}),
        ...(done ? { finishedAt } : {}),
      });
    });
  });
  return plans;
}

export async function seedDemoLearning(
  learners: DemoPerson[],
  hrName: string,
  now = new Date(),
  codes = DEMO_LEARNING_CODES,
): Promise<number> {
  const found = await Promise.all(codes.map((c) => courseIdByCode(c)));
  const courses = found
    .filter((c): c is { id: string; status: string } => !!c && c.status !== 'archived')
    .map((c) => c.id);
  if (courses.length < 3) return 0;
  const people = await learnersByNip(learners.map((l) => l.nip));
  const planned = learners.flatMap((l) => {
    const person = people.get(l.nip);
    return person ? [{ person: person.id, opd: person.opdId, opdCode: l.opdCode }] : [];
  });
  return insertDemoEnrolments(planDemoLearning(planned, courses, hrName, now));
}
