// Demo course evaluations: the learners who completed a course in the demo were invited as a real
// completion invites them, and most of them answered a few days later, so the aggregate per course
// and per partner (shown from five answers up) has real numbers on first start. Works from whatever
// completions the demo holds when it runs, invited or not yet (a completion through the learning
// feature invites at once); each enrolment's answer comes from a pseudo-random sequence seeded by its
// id, so the same completions give the same answers in any order. Answered evaluations are left
// alone, and an invitation left unanswered is left again: running it again adds nothing.
import { trusted } from 'mongoose';
import { CourseEvaluation } from './course-evaluation.model';
import { inviteToCourseEvaluation, template, type CompletionEvent } from './course-evaluation.service';
import { seededRandom, seedOf } from '../core/random';

const COMMENTS = [
  'Materinya praktis dan langsung bisa dipakai di loket.',
  'Contoh kasusnya dekat dengan pekerjaan sehari-hari.',
  'Video sebaiknya diberi teks agar bisa ditonton tanpa suara.',
  'Kuisnya membantu, tetapi waktunya agak singkat.',
  'Mohon ditambah contoh surat dan formulir yang bisa diunduh.',
  'Penjelasan mitra pengajar jelas dan runtut.',
  'Beberapa istilah teknis perlu dijelaskan lebih sederhana.',
  'Sangat bermanfaat untuk pegawai baru.',
];
const DAY = 86_400_000;

export interface CourseEvaluationDemoOptions {
  now?: Date;
  /** People whose invitations stay unanswered (the demo learner finds one waiting). */
  leavePending?: string[];
  /** Share of the invited who answer (default 0.8). */
  answerRate?: number;
}

/** Invites every completion not invited yet and answers most of them; returns the counts. */
export async function seedCourseEvaluationDemo(
  completions: CompletionEvent[],
  options: CourseEvaluationDemoOptions = {},
): Promise<{ invited: number; answered: number }> {
  const now = options.now ?? new Date();
  const pending = new Set(options.leavePending ?? []);
  const existing = new Map(
    (
      await CourseEvaluation.find({
        enrolment: trusted({ $in: completions.map((c) => String(c.enrolmentId)) }),
      })
        .select('enrolment status')
        .lean()
    ).map((e) => [e.enrolment, e.status]),
  );
  const fresh = completions.filter((c) => existing.get(String(c.enrolmentId)) !== 'answered');
  let invited = 0;
  const courses = [...new Set(completions.map((c) => c.courseId))].sort();
  const { items } = await template();
  let answered = 0;
  for (const completion of fresh) {
    if (!existing.has(String(completion.enrolmentId))) {
      await inviteToCourseEvaluation(completion, completion.completedAt);
      invited++;
    }
    const next = seededRandom(seedOf(String(completion.enrolmentId)));
    if (pending.has(completion.personId) || next() >= (options.answerRate ?? 0.8)) continue;
    // Each course has its own level (from 3.6 to 4.4 on the 1–5 scale); answers scatter around it.
    const level = 3.6 + (courses.indexOf(completion.courseId) % 3) * 0.4;
    const answers = items.map((item) => ({
      key: item.key,
      score: Math.min(5, Math.max(1, Math.round(level + (next() - 0.5) * 2))),
    }));
    const answeredAt = new Date(
      Math.min(now.getTime(), completion.completedAt.getTime() + (1 + Math.floor(next() * 4)) * DAY),
    );
    const comment = next() < 0.35 ? COMMENTS[Math.floor(next() * COMMENTS.length)] : '';
    await CourseEvaluation.updateOne(
      { enrolment: String(completion.enrolmentId), status: 'pending' },
      { $set: { status: 'answered', answeredAt, items, answers, comment } },
    );
    answered++;
  }
  return { invited, answered };
}
