// Demo course evaluations and the holiday calendar. Runs after every demo step that completes
// courses: it reads the completions the demo people hold at that point (through the learning
// feature's seam) and lets most of them answer the course evaluation, the demo learner excepted,
// who finds one waiting. Also enters the holidays whose dates the law fixes, this year and next.
import { enrolmentFacts } from '../learning';
import { learnersByNip } from '../users';
import { addFixedHolidays, seedCourseEvaluationDemo } from '../evaluation';
import { wibDay } from '../core/wib';

export async function seedDemoEvaluations(
  nips: string[],
  demoLearnerNip: string | undefined,
  now = new Date(),
): Promise<{ invited: number; answered: number; holidays: number }> {
  const year = Number(wibDay(now).slice(0, 4));
  const holidays = await addFixedHolidays([year, year + 1]);
  const people = await learnersByNip(nips);
  const facts = await enrolmentFacts([...people.values()].map((p) => p.id));
  const completions = facts.flatMap((f) =>
    f.status === 'completed' && f.completedAt
      ? [{ enrolmentId: f.id, personId: f.person, courseId: f.course, completedAt: f.completedAt }]
      : [],
  );
  const demoLearner = demoLearnerNip ? people.get(demoLearnerNip)?.id : undefined;
  const result = await seedCourseEvaluationDemo(completions, {
    now,
    leavePending: demoLearner ? [demoLearner] : [],
  });
  return { ...result, holidays };
}
