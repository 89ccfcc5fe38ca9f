// The seam to the learning feature: listeners told when an attempt is fully graded (at submit, at
// the server's close, or when its last essay is graded). A failing listener is logged by the
// caller's error path; grading itself has already been stored.
export interface GradedAttempt {
  personId: string;
  courseId: string;
  lessonKey: string;
  passed: boolean;
  scorePercent: number;
  gradedAt: Date;
}

const listeners: Array<(attempt: GradedAttempt) => Promise<void>> = [];

export function onAttemptGraded(listener: (attempt: GradedAttempt) => Promise<void>): void {
  if (!listeners.includes(listener)) listeners.push(listener); // one app per process registers once
}

export async function notifyGraded(a: {
  person: unknown;
  course: unknown;
  lessonKey: string;
  passed: boolean;
  scorePercent: number;
  gradedAt: Date;
}): Promise<void> {
  const event: GradedAttempt = {
    personId: String(a.person),
    courseId: String(a.course),
    lessonKey: a.lessonKey,
    passed: a.passed,
    scorePercent: a.scorePercent,
    gradedAt: a.gradedAt,
  };
  for (const listener of listeners) await listener(event);
}
