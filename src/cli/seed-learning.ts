// Demo learning so that `npm start` shows a living city with a past: the demo learner has an
// assignment due in ten days with two lessons done, a course finished a month ago and one course left
// to enrol in; the other learners enrolled over the last twelve months, some assigned (some overdue),
// and finished courses spread over those months. Each OPD has its own pace (a fixed factor per OPD
// code), so some OPDs are ahead and some behind on the dashboards. Generated from a fixed seed,
// relative to `now`; written once (people who have enrolments are left alone), in bulk: enrolments
// and lesson records exactly as the player would have left them. The finished courses are then
// completed through the learning feature's own completion path (completeFinishedEnrolments, run by
// the caller), so their JP ledger, notices and certificates are the real ones.
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

/** An OPD's pace between 0 and 1, fixed by its code: how many of its people enrol and finish. */
export function paceOf(opdCode: string): number {
  let hash = 2166136261;
  for (const ch of opdCode) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (hash % 1000) / 999;
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
        finishedAt: new Date(now.getTime() - 30 * DAY),
      });
      return;
    }
    const pace = paceOf(learner.opdCode);
    courses.forEach((course) => {
      const roll = next();
      if (roll < 0.75 - pace * 0.45) return; // busier OPDs enrol more of their people
      const enrolledAt = new Date(now.getTime() - (1 + Math.floor(next() * 360)) * DAY - next() * DAY);
      const isAssigned = next() < 0.35;
      const finishes = next() < 0.25 + pace * 0.6;
      const due = new Date(enrolledAt.getTime() + Math.floor(14 + next() * 60) * DAY);
      const finishedAt = new Date(enrolledAt.getTime() + (3 + next() * 40) * DAY);
      const done = finishes && finishedAt.getTime() < now.getTime() - 3_600_000;
      plans.push({
        ...base,
        course,
        lessonsDone: done ? 99 : Math.floor(next() * 6),
        source: isAssigned ? 'assigned' : 'self',
        enrolledAt,
        ...(isAssigned ? { dueAt: due, assignedByName: hrName } : {}),
        ...(done ? { finishedAt } : {}),
      });
    });
  });
  return insertDemoEnrolments(plans);
}
