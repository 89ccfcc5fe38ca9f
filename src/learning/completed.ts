// The completed enrolments as completion events (what a completion hands its hooks), oldest first:
// the demo seed issues the certificates of completions written in bulk, without the completion
// transaction, through the certificates feature (which skips an enrolment that has one).
import { Enrolment } from './enrolment.model';

export interface CompletedEnrolment {
  enrolmentId: string;
  personId: string;
  courseId: string;
  courseVersion: number;
  completedAt: Date;
  startedAt: Date;
  jp: number;
}

/** Every completed enrolment, by completion time (then id), so that numbers follow the order of completion. */
export async function* completedEnrolments(): AsyncGenerator<CompletedEnrolment> {
  const cursor = Enrolment.find(
    { status: 'completed' },
    { person: 1, course: 1, version: 1, completedAt: 1, enrolledAt: 1, jp: 1 },
  )
    .sort({ completedAt: 1, _id: 1 })
    .lean()
    .cursor();
  for await (const e of cursor) {
    if (!e.completedAt) continue;
    yield {
      enrolmentId: String(e._id),
      personId: String(e.person),
      courseId: String(e.course),
      courseVersion: e.version,
      completedAt: e.completedAt,
      startedAt: e.enrolledAt,
      jp: e.jp,
    };
  }
}
