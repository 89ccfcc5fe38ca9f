// Public surface of the learning feature: the two seams other features plug into (a completion hook
// that runs inside the completion's transaction, and quiz outcomes that complete quiz lessons), the
// results of an enrolment, the reminders (server schedule and CLI) and the "Data saya" sections.
// Its router is mounted by src/routes.ts.
import type { ClientSession } from 'mongoose';
import { registerPersonalDataSection } from '../personal-data';
import { enrolmentsOf, jpLedgerOf } from './my-learning.service';

export { registerCompletionHook, type CompletionEvent, type CompletionHook } from './completion';
export {
  recordQuizOutcome,
  enrolmentResults,
  registerQuizAvailability,
  assertLessonOpen,
  type QuizOutcome,
  type LessonResult,
} from './progress.service';
export { runReminders, type ReminderReport } from './reminders.service';
export { startReminderSchedule } from './schedule';
export { configureLearning } from './learning.context';
export { jpSummary, JP_TARGET } from './my-learning.service';
export {
  enrolmentFacts,
  jpTotals,
  courseEnrolmentFacts,
  type EnrolmentFact,
  type CourseEnrolmentFact,
} from './statistics';
export { wibYear, completeFinishedEnrolments } from './completion';
export type { ClientSession };

/** "Data saya": the person's enrolments (with each lesson's record) and their JP ledger. */
export function registerLearningSections(): void {
  registerPersonalDataSection('enrolments', enrolmentsOf);
  registerPersonalDataSection('jp', jpLedgerOf);
}
export { insertDemoEnrolments, type DemoEnrolment } from './demo';
export { noticeCertificateReady, type CertificateReadyEvent } from './notices.service';
export { completedEnrolments, type CompletedEnrolment } from './completed';
