// Public surface of the evaluation feature: the seams the learning feature calls (the invitation
// to a course evaluation at completion, the source of course completions for the impact view),
// the demo seed's helpers, and the dashboard and "Data saya" registrations. Routers are mounted
// by src/routes.ts; the models stay inside this folder.
import { registerPersonalDataSection } from '../personal-data';
import { exportFor } from './course-evaluation.service';
import { registerEvaluationDashboard } from './evaluation.dashboard';

export { inviteToCourseEvaluation, type CompletionEvent } from './course-evaluation.service';
export {
  registerCompletionSource,
  type Completion,
  type CompletionSource,
  type CompletionQuery,
} from './impact.service';
export { seedSurveyDemo } from './evaluation.seed';
export { addFixedHolidays } from './holidays.service';
export { seedCourseEvaluationDemo } from './course-evaluation.seed';

/** "Data saya" lists the person's own course evaluations; the dashboards get their panels. */
export function registerEvaluationSections(): void {
  registerPersonalDataSection('evaluations', exportFor);
  registerEvaluationDashboard();
}
