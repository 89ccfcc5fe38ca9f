// THE one place where each feature's router is mounted, in the order a request should meet them,
// and where features add their home-page panels. Routers get the app's dependencies (config, db,
// logger, clock); no other module imports a router.
import type { Express } from 'express';
import type { RouteDeps } from './core/deps';
import { healthRouter } from './health/health.routes';
import { authRouter } from './auth/auth.routes';
import { mfaRouter } from './mfa/mfa.routes';
import { mfaAdminRouter } from './mfa/mfa-admin.routes';
import { homeRouter } from './home/home.routes';
import { importRouter } from './users/import/import.routes';
import { usersRouter } from './users/users.routes';
import { registerPeopleDashboard } from './users';
import { institutionsRouter } from './institutions/institutions.routes';
import { registerInstitutionsDashboard } from './institutions';
import { auditRouter } from './audit/audit.routes';
import { privacyRouter } from './privacy/privacy.routes';
import { personalDataRouter } from './personal-data/personal-data.routes';
import { accessLogRouter } from './personal-data/access-log.routes';
import { coursesRouter } from './courses/courses.routes';
import { reviewRouter } from './courses/review.routes';
import { courseFilesRouter } from './courses/catalog.routes';
import { learningRouter } from './learning/learning.routes';
import {
  enrolmentFacts,
  enrolmentResults,
  noticeCertificateReady,
  recordQuizOutcome,
  registerCompletionHook,
  registerLearningSections,
  registerQuizAvailability,
  assertLessonOpen,
  type CompletionHook,
} from './learning';
import {
  coursesResults,
  hasQuiz,
  onAttemptGraded,
  registerQuizSections,
  type GradedAttempt,
} from './quizzes';
import { registerCertificateSource, registerResultsSource, type ResultsSource } from './monitoring';
import { NotFound } from './web/errors';
import { registerCoursesDashboard, registerLessonGate } from './courses';
import { outboxRouter } from './mail/mail.routes';
import { registerMailSections } from './mail';
import { passwordLinksRouter } from './password-links/password-links.routes';
import { invitationsRouter } from './password-links/invitations.routes';
import { notificationsRouter } from './notifications/notifications.routes';
import {
  hrCertificatesRouter,
  myCertificatesRouter,
  verificationRouter,
} from './certificates/certificates.routes';
import {
  certificateNumbers,
  issueCertificateOnCompletion,
  onCertificateIssued,
  registerCertificateSections,
  registerResultsProvider,
} from './certificates';
import { surveyRouter } from './evaluation/survey.routes';
import { unitsRouter } from './evaluation/units.routes';
import { courseEvaluationRouter } from './evaluation/course-evaluation.routes';
import { holidaysRouter } from './evaluation/holidays.routes';
import {
  inviteToCourseEvaluation,
  registerCompletionSource,
  registerEvaluationSections,
  type CompletionSource,
} from './evaluation';
import { monitoringRouter } from './monitoring/monitoring.routes';
import { attemptsRouter } from './quizzes/attempts.routes';
import { bankRouter } from './quizzes/bank.routes';

/** Before sessions: health checks answer without reading a session. */
export function mountPublicRoutes(app: Express, deps: RouteDeps): void {
  app.use(healthRouter(deps));
}

export function mountFeatureRoutes(app: Express, deps: RouteDeps): void {
  app.use(authRouter(deps)); // /login, /logout, /account/password, /language
  app.use(mfaRouter(deps)); // /login/mfa, /account/mfa
  app.use(homeRouter(deps)); // /
  app.use('/admin/users/import', importRouter(deps)); // before /admin/users/:id
  app.use('/admin/users', usersRouter(deps));
  app.use('/admin/institutions', institutionsRouter(deps));
  app.use('/admin/audit', auditRouter(deps));
  app.use(privacyRouter(deps)); // /privasi: the privacy notice and its confirmation
  app.use(personalDataRouter(deps)); // /data-saya: a person's own data and who accessed it
  app.use('/admin/akses', accessLogRouter(deps)); // whose data an account read or exported
  app.use('/admin/mfa', mfaAdminRouter(deps)); // an admin resets a person's second factor
  app.use('/penulisan', coursesRouter(deps)); // authors: their courses, modules, lessons, files, packages
  app.use('/kurasi', reviewRouter(deps)); // curators: review queue, publication, archive
  app.use(learningRouter(deps)); // /kursus (catalog, course page, player), /pembelajaran, /notifikasi, /penugasan
  app.use('/kursus', courseFilesRouter(deps)); // /kursus/:id/berkas/:fileId: course files
  app.use(passwordLinksRouter(deps)); // /lupa-sandi, /atur-sandi/:token: links that set a password
  app.use('/admin/undangan', invitationsRouter(deps)); // HR invite people to set a first password
  app.use('/admin/outbox', outboxRouter(deps)); // the mails, kept here when no SMTP server is set
  app.use(notificationsRouter(deps)); // /akun/notifikasi: which mail notices a person gets
  app.use('/sertifikat', myCertificatesRouter(deps)); // a learner's own certificates and their PDFs
  app.use('/admin/sertifikat', hrCertificatesRouter(deps)); // HR: list, download, ZIP, CSV; admins revoke
  app.use(verificationRouter(deps)); // /verifikasi/:code: public, rate-limited certificate check
  app.use(surveyRouter(deps)); // /ikm/:unit: the public satisfaction survey of a service unit (no sign-in)
  app.use('/unit-layanan', unitsRouter(deps)); // service units: IKM results, exports, poster, suggestions, impact
  app.use(courseEvaluationRouter(deps)); // /evaluasi: own course evaluations; /evaluasi-kursus: results, template
  app.use('/admin/hari-libur', holidaysRouter(deps)); // admins: national holidays and cuti bersama for complaint due dates
  app.use(monitoringRouter(deps)); // /pemantauan: HR and leaders follow learning per OPD, unit and golongan
  app.use('/bank-soal', bankRouter(deps)); // authors: question banks, quiz settings, essay grading, item analysis
  app.use('/kuis', attemptsRouter(deps)); // learners: quiz attempts timed by the server, summary, review
  registerPeopleDashboard();
  registerCoursesDashboard();
  registerInstitutionsDashboard();
  registerMailSections(); // "Data saya" lists the mails sent to the person
  registerLearningSections(); // "Data saya": enrolments with lesson records, the JP ledger
  registerCertificateSections(); // "Data saya" lists the person's certificates
  registerQuizSections(deps.clock); // "Data saya" lists quiz attempts (marks only as the review policy allows)
  registerEvaluationSections(); // "Data saya" lists own course evaluations; evaluation dashboard panels
  connectFeatures();
}

/** A completion issues its certificate in the same transaction (a failed issue rolls it back). */
const issueCertificate: CompletionHook = async (event, session) => {
  await issueCertificateOnCompletion(event, session);
};

/** The learner is invited to evaluate the course once (an invitation per enrolment; a retried completion adds none). */
const inviteToEvaluate: CompletionHook = async (event) => {
  await inviteToCourseEvaluation(event);
};

/** A graded attempt of someone not enrolled (staff trying a quiz, a cancelled enrolment) leaves learning alone. */
const reportQuizOutcome = async (attempt: GradedAttempt): Promise<void> => {
  try {
    await recordQuizOutcome(attempt);
  } catch (error) {
    if (!(error instanceof NotFound)) throw error;
  }
};

/** The training-impact view reads the completed enrolments of a service unit's staff in the chosen courses. */
const completionsOfStaff: CompletionSource = async ({ personIds, courseIds }) => {
  const courses = new Set(courseIds);
  return (await enrolmentFacts(personIds)).flatMap((e) =>
    e.status === 'completed' && e.completedAt && courses.has(e.course)
      ? [{ person: e.person, course: e.course, completedAt: e.completedAt }]
      : [],
  );
};

/** Monitoring's results of people in courses: the quizzes' final score, pass and pre/post grades. */
const quizResultsForMonitoring: ResultsSource = async (personIds, courseIds) =>
  (await coursesResults(courseIds, personIds)).map((r) => ({
    personId: r.personId,
    courseId: r.courseId,
    scorePercent: r.scorePercent,
    passed: r.passed,
    prePercent: r.pre ?? undefined,
    postPercent: r.post ?? undefined,
    gainPoints: r.pre !== null && r.post !== null ? Math.round((r.post - r.pre) * 100) / 100 : undefined,
  }));

/**
 * The seams between features, joined here so that no feature imports another's internals. The app
 * joins them when it mounts its routes; a command that completes courses without the app (the demo
 * seed) calls this first.
 */
export function connectFeatures(): void {
  registerCompletionHook(issueCertificate);
  registerCompletionHook(inviteToEvaluate);
  registerCompletionSource(completionsOfStaff); // the impact view: share of a unit's staff trained
  onCertificateIssued(noticeCertificateReady); // after the commit: the learner's notice and mail
  registerQuizAvailability(hasQuiz); // the player links a quiz lesson to its attempt page
  registerLessonGate(assertLessonOpen); // a course studied in order: its lessons' files and quizzes wait their turn
  onAttemptGraded(reportQuizOutcome); // a passed quiz completes its lesson, and maybe the course
  registerResultsSource(quizResultsForMonitoring); // the learning record and course report show scores
  registerCertificateSource(certificateNumbers); // the learning record shows each certificate's number
  registerResultsProvider(async (enrolmentId) => {
    const lessons = await enrolmentResults(enrolmentId);
    if (lessons.length === 0) return undefined;
    const scores = lessons.flatMap((l) => (l.scorePercent === undefined ? [] : [l.scorePercent]));
    return {
      lessons: lessons.map((l) => ({
        title: l.title,
        // The certificate prints its own label for each status code.
        status: l.passed === false ? 'failed' : l.passed ? 'passed' : l.done ? 'completed' : 'not_started',
        scorePercent: l.scorePercent,
      })),
      finalScorePercent: scores.length
        ? Math.round(scores.reduce((a, b) => a + b, 0) / scores.length)
        : undefined,
    };
  });
}
