// Public surface of the quizzes feature: the seam to learning (graded attempts, each quiz lesson's
// result, learning gain for monitoring) and the scheduler that closes overdue attempts. Routers are
// mounted by src/routes.ts; the models stay inside this folder.
export { onAttemptGraded, type GradedAttempt } from './graded-listeners';
export {
  quizResults,
  learningGain,
  courseLearningGain,
  courseResults,
  coursesResults,
  type LearningGain,
  type PersonCourseResult,
} from './results.service';
export { closeOverdue as closeOverdueAttempts } from './attempts.service';
export { startAttemptSchedule } from './attempt-schedule';
export * as questionImport from './question-import.service';
export { simulateDemoAttempt } from './demo-attempts';
export { addQuestion, categoryAtPath } from './bank.service';
export { saveQuizSettings, quizLessons, hasQuiz } from './quiz-settings.service';
export { essayQueue, gradeEssay } from './essay-grading.service';

import type { Clock } from '../core/deps';
import { registerPersonalDataSection } from '../personal-data';
import { attemptsSection } from './personal-data';

/** "Data saya" lists the person's quiz attempts, their answers, and marks as the review policy allows. */
export function registerQuizSections(clock: Clock): void {
  registerPersonalDataSection('attempts', attemptsSection(clock));
}
