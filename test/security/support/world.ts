// The seeded world of the security suite: one app, three OPDs (two ordinary, BKPSDM), a partner
// university, one account per role, people inside and outside the OPD HR's scope, and an import
// preview per people administrator. Ids in route paths are filled from it.
import request from 'supertest';
import { createTestApp, type TestApp, type TestAppOverrides } from '../../support/app';
import { csrfTokenFrom, signIn, type Agent } from '../../support/auth';
import { createOpd, createUniversity, createUser, DEFAULT_PASSWORD } from '../../support/factories';
import { csvOf } from '../../fixtures/people-files';
import { routeParams, type RouteEntry } from '../../../src/web/route-inventory';
import type { Actor } from '../../../src/core/actor';
import { approveCourse, importCoursePackageDirectory, submitCourse } from '../../../src/courses';
import { Course } from '../../../src/courses/course.model';
import { User } from '../../../src/users/user.model';
import { Enrolment } from '../../../src/learning/enrolment.model';
import { PACKAGE_DIR as COURSE_PACKAGE } from '../../support/courses';
import { issueForTest } from '../../support/certificates';
import { certificateRuntime } from '../../../src/certificates/settings';
import { jwtSigningKey } from '../../../src/certificates/jwt-keys';
import { mail } from '../../../src/mail';
import { inviteToCourseEvaluation } from '../../../src/evaluation';
import { ServiceUnit } from '../../../src/evaluation/service-unit.model';
import { Feedback } from '../../../src/evaluation/feedback.model';
import { CourseEvaluation } from '../../../src/evaluation/course-evaluation.model';
import { defaultElements } from '../../../src/evaluation/survey-template';
import { Holiday } from '../../../src/evaluation/holiday.model';
import { addQuestion, categoryAtPath } from '../../../src/quizzes/bank.service';
import { saveQuizSettings } from '../../../src/quizzes/quiz-settings.service';
import { startAttempt } from '../../../src/quizzes/attempts.service';
import { previewImport } from '../../../src/quizzes/question-import.service';
import { actorOf, DEFAULT_SETTINGS, questionsOfEveryType } from '../../support/quizzes';
import { Types } from 'mongoose';

/** The roles of the matrix, in its column order. `hrOpd` is HR of one OPD, `hrBkpsdm` HR of BKPSDM. */
export const MATRIX_ROLES = [
  'anonymous',
  'learner',
  'author',
  'curator',
  'hrOpd',
  'hrBkpsdm',
  'admin',
] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];
export type SignedInRole = Exclude<MatrixRole, 'anonymous'>;
export const SIGNED_IN_ROLES = MATRIX_ROLES.filter((r): r is SignedInRole => r !== 'anonymous');

/** An ObjectId that no document has. */
export const MISSING_ID = '5f0000000000000000000bad';

export interface World {
  t: TestApp;
  ids: {
    opdA: string;
    opdB: string;
    bkpsdm: string;
    university: string;
    /** A learner in OPD A: inside hrOpd's scope. */
    personInA: string;
    /** A learner in OPD B: outside hrOpd's scope. */
    personInB: string;
    /** The signed-in accounts, by role. */
    accounts: Record<SignedInRole, string>;
    /** One import preview per people administrator (owned by them). */
    previews: Partial<Record<SignedInRole, string>>;
    /** Courses: published (audience all), the author's in review, another university's never-submitted draft. */
    courses: Record<'published' | 'inReview' | 'foreignDraft', WorldCourse>;
    /** A mail in the outbox (to personInA). */
    mail: string;
    /** Assignments of the published course: to personInA (inside hrOpd's scope) and personInB (outside). */
    assignments: { inA: string; inB: string };
    /** Certificates of the published course: the learner account's, personInA's, personInB's. */
    certificates: Record<'learner' | 'inA' | 'inB', { id: string; code: string }>;
    /** A service unit of OPD A and one of OPD B, each with a suggestion. */
    units: Record<'a' | 'b', { id: string; code: string; feedback: string }>;
    /** A holiday of the complaints' working-day calendar (admins keep the list). */
    holiday: string;
    /** A course evaluation of every account, and one of personInA (foreign to every account). */
    evaluations: Record<SignedInRole, string> & { personInA: string };
    /** The published course's quiz lesson, its first question, and an attempt per signed-in role (personInA's is foreign to all). */
    quiz: {
      lessonKey: string;
      question: string;
      attempts: Record<SignedInRole, string>;
      foreignAttempt: string;
      /** The author's question import preview. */
      importPreview: string;
    };
  };
  identifiers: Record<SignedInRole, string>;
  /** A fresh agent signed in as `role` (anonymous: a fresh agent with no session). */
  agent(role: MatrixRole): Promise<Agent>;
  close(): Promise<void>;
}

const ROLE_OF: Record<SignedInRole, 'learner' | 'author' | 'curator' | 'hr' | 'admin'> = {
  learner: 'learner',
  author: 'author',
  curator: 'curator',
  hrOpd: 'hr',
  hrBkpsdm: 'hr',
  admin: 'admin',
};

/** The CSRF token an agent holds: from a page with a form (every layout has the language form). */
export async function tokenOf(agent: Agent, page = '/login'): Promise<string> {
  const res = await agent.get(page);
  return csrfTokenFrom(res.text);
}

async function uploadPreview(agent: Agent, name: string, opdCode: string): Promise<string> {
  const token = await tokenOf(agent, '/admin/users/import');
  const file = csvOf([
    [
      `1990010120150310${name.length % 10}1`,
      `Calon ${name}`,
      '',
      'PNS',
      'III/a',
      'Analis',
      'Bidang Uji',
      opdCode,
    ],
  ]);
  const res = await agent
    .post('/admin/users/import')
    .field('_csrf', token)
    .attach('file', file, `${name}.csv`);
  if (res.status !== 303) throw new Error(`import preview upload failed for ${name}: ${res.status}`);
  return String(res.headers.location).split('/').pop()!;
}

/** A certificate issued as a completion issues it, with its PDF stored. */
async function worldCertificate(personId: string, courseId: string): Promise<{ id: string; code: string }> {
  const cert = await issueForTest(personId, courseId);
  return { id: String(cert._id), code: cert.code };
}

export interface WorldCourse {
  id: string;
  moduleKey: string;
  lessonKey: string;
  fileId: string;
}

async function worldCourse(author: Actor, code: string, now: Date): Promise<WorldCourse> {
  const id = await importCoursePackageDirectory(author, COURSE_PACKAGE, now, code);
  const course = (await Course.findById(id).lean())!;
  const file = course.modules.flatMap((m) => m.lessons).find((l) => l.file)!.file!;
  return {
    id,
    moduleKey: course.modules[0].key,
    lessonKey: course.modules[0].lessons[0].key,
    fileId: String(file.id),
  };
}

export async function createWorld(overrides: TestAppOverrides = {}): Promise<World> {
  // The suites walk every route as every role from one address: the verification limit per IP
  // would answer 429 before the route is seen (its own test checks the limit).
  const t = await createTestApp({ ...overrides, env: { VERIFY_MAX_PER_MINUTE: '10000', ...overrides.env } });
  const opdA = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
  const opdB = await createOpd({ code: 'DISDIK', name: 'Dinas Pendidikan' });
  const bkpsdm = await createOpd({
    code: 'BKPSDM',
    name: 'Badan Kepegawaian dan Pengembangan Sumber Daya Manusia',
    cityWideHr: true,
  });
  const university = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  const opdOf: Record<SignedInRole, { _id: unknown } | undefined> = {
    learner: opdA,
    author: undefined,
    curator: bkpsdm,
    hrOpd: opdA,
    hrBkpsdm: bkpsdm,
    admin: bkpsdm,
  };
  const accounts = {} as Record<SignedInRole, string>;
  const identifiers = {} as Record<SignedInRole, string>;
  for (const role of SIGNED_IN_ROLES) {
    const user = await createUser({
      roles: [ROLE_OF[role]],
      opd: opdOf[role] as never,
      institution: role === 'author' ? university : undefined,
      name: `Akun ${role}`,
      email: `${role.toLowerCase()}@uji.pemkomedan.go.id`,
    });
    accounts[role] = String(user._id);
    identifiers[role] = user.email!;
  }
  const personInA = await createUser({ opd: opdA, name: 'Siti Rahmah Lubis, S.E.' });
  const otherUniversity = await createUniversity({ code: 'UNIMED', name: 'Universitas Negeri Medan' });
  const otherAuthor = await createUser({
    roles: ['author'],
    institution: otherUniversity,
    name: 'Penulis Lain',
  });
  const [authorUser, curatorUser] = await Promise.all([
    User.findById(accounts.author).lean(),
    User.findById(accounts.curator).lean(),
  ]);
  const now = new Date();
  const courses = {
    published: await worldCourse(actorOf(authorUser!), 'DUNIA-TERBIT', now),
    inReview: await worldCourse(actorOf(authorUser!), 'DUNIA-TINJAU', now),
    foreignDraft: await worldCourse(actorOf(otherAuthor), 'DUNIA-ASING', now),
  };
  const quizKey = new Types.ObjectId().toHexString();
  await Course.updateOne(
    { _id: courses.published.id },
    { $push: { 'modules.0.lessons': { key: quizKey, title: 'Kuis', kind: 'quiz', minutes: 10, body: '' } } },
  );
  await submitCourse(actorOf(authorUser!), courses.published.id, now);
  await approveCourse(actorOf(curatorUser!), courses.published.id, '', now);
  const category = await categoryAtPath(courses.published.id, ['Bawaan']);
  const questionIds: string[] = [];
  for (const q of questionsOfEveryType())
    questionIds.push(
      await addQuestion(actorOf(authorUser!), new Types.ObjectId(courses.published.id), category, q),
    );
  await saveQuizSettings(actorOf(authorUser!), courses.published.id, quizKey, {
    ...DEFAULT_SETTINGS,
    slots: questionIds.map((entry) => ({ entry, category: null, count: 1, includeSubcategories: false })),
  });
  const importPreview = await previewImport(
    actorOf(authorUser!),
    courses.published.id,
    Buffer.from('::Uji::Kota Medan ada di Sumatera Utara.{T}\n'),
    'uji.gift',
    now,
  );
  const attempts = {} as Record<SignedInRole, string>;
  for (const role of SIGNED_IN_ROLES) {
    const user = (await User.findById(accounts[role]).lean())!;
    attempts[role] = await startAttempt(actorOf(user), courses.published.id, quizKey, now);
  }
  await submitCourse(actorOf(authorUser!), courses.inReview.id, now);
  const personInB = await createUser({ opd: opdB, name: 'Budi Santoso Siregar, S.Pd.' });
  const foreignAttempt = await startAttempt(actorOf(personInA), courses.published.id, quizKey, now);
  const recipient = {
    personId: String(personInA._id),
    email: personInA.email!,
    name: personInA.name,
    language: 'id' as const,
  };
  const mailId = await mail.enqueue(
    t.config,
    recipient,
    'completed',
    { course: 'Literasi Digital' },
    { now: t.clock() },
  );

  const assignment = async (person: { _id: unknown; opd?: unknown }) =>
    String(
      (
        await Enrolment.create({
          person: person._id,
          opd: person.opd,
          course: courses.published.id,
          version: 1,
          courseTitle: 'Dunia Terbit',
          courseCode: 'DUNIA-TERBIT',
          jp: 2,
          source: 'assigned',
          enrolledAt: now,
          assignedAt: now,
          dueAt: new Date(now.getTime() + 30 * 86_400_000),
        })
      )._id,
    );
  const assignments = { inA: await assignment(personInA), inB: await assignment(personInB) };
  const certificates = {
    learner: await worldCertificate(accounts.learner, courses.published.id),
    inA: await worldCertificate(String(personInA._id), courses.published.id),
    inB: await worldCertificate(String(personInB._id), courses.published.id),
  };

  const agent = async (role: MatrixRole): Promise<Agent> => {
    const a = request.agent(t.app);
    if (role === 'anonymous') return a;
    const res = await signIn(a, identifiers[role], DEFAULT_PASSWORD);
    if (res.status !== 302) throw new Error(`sign-in as ${role} failed with ${res.status}`);
    return a;
  };
  const unitOf = async (opd: { _id: unknown }, name: string, code: string) => {
    const unit = await ServiceUnit.create({
      opd: opd._id,
      name,
      code,
      monthlyVolume: 100,
      elements: defaultElements(),
    });
    const feedback = await Feedback.create({
      unit: unit._id,
      opd: opd._id,
      kind: 'pengaduan',
      text: `Pengaduan untuk ${name}`,
      receivedAt: now,
    });
    return { id: String(unit._id), code, feedback: String(feedback._id) };
  };
  const units = {
    a: await unitOf(opdA, 'Loket KTP-el', 'unitadua'),
    b: await unitOf(opdB, 'Loket Sekolah', 'unitbdua'),
  };
  const holiday = String(
    (await Holiday.create({ date: '2026-12-25', name: 'Hari Raya Natal', kind: 'libur_nasional' }))._id,
  );
  const invite = async (personId: string, enrolmentId: string) => {
    await inviteToCourseEvaluation({
      enrolmentId,
      personId,
      courseId: courses.published.id,
      completedAt: now,
    });
    return String((await CourseEvaluation.findOne({ enrolment: enrolmentId }).lean())!._id);
  };
  const evaluations = {
    personInA: await invite(String(personInA._id), 'world-personInA'),
  } as World['ids']['evaluations'];
  for (const role of SIGNED_IN_ROLES) evaluations[role] = await invite(accounts[role], `world-${role}`);

  const previews: Partial<Record<SignedInRole, string>> = {};
  for (const role of ['hrOpd', 'hrBkpsdm', 'admin'] as const)
    previews[role] = await uploadPreview(await agent(role), role, 'DISDUKCAPIL');

  return {
    t,
    ids: {
      opdA: String(opdA._id),
      opdB: String(opdB._id),
      bkpsdm: String(bkpsdm._id),
      university: String(university._id),
      personInA: String(personInA._id),
      personInB: String(personInB._id),
      accounts,
      previews,
      courses,
      mail: mailId!,
      assignments,
      certificates,
      units,
      holiday,
      evaluations,
      quiz: { lessonKey: quizKey, question: questionIds[0], attempts, foreignAttempt, importPreview },
    },
    identifiers,
    agent,
    close: () => t.close(),
  };
}

/**
 * How to fill each route's id parameters: `own` is an object the role may use (when there is one),
 * `foreign` an object that exists but is outside the role's reach. Every parameterised route must
 * match a rule here, so a new one fails the suite until its ids are described.
 */
/** One id for every parameter, or a value per parameter name (`{ id, key }`). */
type Ids = string | Record<string, string>;

interface IdRule {
  prefix: string;
  own(w: World, role: MatrixRole): Ids;
  foreign?(w: World, role: MatrixRole): Ids | undefined;
}

/** A course's ids for routes with a second key: the module, the lesson or the file. */
const courseIds = (c: WorldCourse, second?: 'moduleKey' | 'lessonKey' | 'fileId'): Ids =>
  second ? { id: c.id, key: c[second], fileId: c[second] } : c.id;
/** For authors, a course they do not write is foreign; for everyone else, one they may not see. */
const authorForeign = (second?: 'moduleKey' | 'lessonKey') => (w: World) =>
  courseIds(w.ids.courses.foreignDraft, second);
const learnerForeign = (second?: 'lessonKey' | 'fileId') => (w: World, role: MatrixRole) =>
  courseIds(
    role === 'author' || role === 'curator' ? w.ids.courses.foreignDraft : w.ids.courses.inReview,
    second,
  );

const ID_RULES: IdRule[] = [
  {
    prefix: '/admin/users/import/:id',
    own: (w, role) => w.ids.previews[role as SignedInRole] ?? w.ids.previews.hrOpd!,
    // A preview belongs to whoever uploaded it: another administrator's is foreign to everyone.
    foreign: (w, role) => (role === 'hrOpd' ? w.ids.previews.admin : w.ids.previews.hrOpd),
  },
  {
    prefix: '/admin/users/:id',
    own: (w) => w.ids.personInA,
    foreign: (w, role) => (role === 'hrOpd' ? w.ids.personInB : undefined),
  },
  // Institutions are shared reference data: every curator and admin may reach every one.
  // A person's learning record: HR of OPD A reach their OPD's people only; BKPSDM HR and admins everyone.
  {
    prefix: '/pemantauan/pegawai/:id',
    own: (w) => w.ids.personInA,
    foreign: (w, role) => (role === 'hrOpd' ? w.ids.personInB : undefined),
  },
  { prefix: '/admin/institutions/:id', own: (w) => w.ids.opdB },
  // A course report: the course's authors and the curators; another author's course (or a course never
  // published) answers 404.
  {
    prefix: '/laporan-kursus/:id',
    own: (w) => w.ids.courses.published.id,
    foreign: (w) => w.ids.courses.foreignDraft.id,
  },
  // An admin's view of a person's second factor: admins reach every person.
  { prefix: '/admin/mfa/:id', own: (w) => w.ids.personInA },
  // Authors reach the courses they write (here: one in review, so edits answer 409 and change nothing).
  {
    prefix: '/penulisan/:id/modul/:key',
    own: (w) => courseIds(w.ids.courses.inReview, 'moduleKey'),
    foreign: authorForeign('moduleKey'),
  },
  {
    prefix: '/penulisan/:id/pelajaran/:key',
    own: (w) => courseIds(w.ids.courses.inReview, 'lessonKey'),
    foreign: authorForeign('lessonKey'),
  },
  {
    prefix: '/penulisan/:id/pratinjau/:key',
    own: (w) => courseIds(w.ids.courses.inReview, 'lessonKey'),
    foreign: authorForeign('lessonKey'),
  },
  { prefix: '/penulisan/:id', own: (w) => w.ids.courses.inReview.id, foreign: authorForeign() },
  // Curators reach every submitted or published course, never a draft nobody submitted.
  {
    prefix: '/kurasi/:id/pratinjau/:key',
    own: (w) => courseIds(w.ids.courses.inReview, 'lessonKey'),
    foreign: authorForeign('lessonKey'),
  },
  { prefix: '/kurasi/:id', own: (w) => w.ids.courses.inReview.id, foreign: authorForeign() },
  // Everyone studies the published course; a course never published is foreign (to its author: another's draft).
  {
    prefix: '/kursus/:id/pelajaran/:key',
    own: (w) => courseIds(w.ids.courses.published, 'lessonKey'),
    foreign: learnerForeign('lessonKey'),
  },
  {
    prefix: '/kursus/:id/berkas/:fileId',
    own: (w) => courseIds(w.ids.courses.published, 'fileId'),
    foreign: learnerForeign('fileId'),
  },
  { prefix: '/kursus/:id', own: (w) => w.ids.courses.published.id, foreign: learnerForeign() },
  // Question banks follow the course: its authors only (a foreign course's bank answers 404).
  {
    prefix: '/bank-soal/:id/soal/:entry',
    own: (w) => ({ id: w.ids.courses.published.id, entry: w.ids.quiz.question }),
    foreign: (w) => ({ id: w.ids.courses.foreignDraft.id, entry: w.ids.quiz.question }),
  },
  {
    prefix: '/bank-soal/:id/kuis/:key',
    own: (w) => ({ id: w.ids.courses.published.id, key: w.ids.quiz.lessonKey }),
    foreign: (w) => ({ id: w.ids.courses.foreignDraft.id, key: w.ids.quiz.lessonKey }),
  },
  {
    prefix: '/bank-soal/:id/penilaian/:attemptId/:slot',
    own: (w) => ({ id: w.ids.courses.published.id, attemptId: w.ids.quiz.foreignAttempt, slot: '8' }),
    foreign: (w) => ({ id: w.ids.courses.foreignDraft.id, attemptId: w.ids.quiz.foreignAttempt, slot: '8' }),
  },
  {
    prefix: '/bank-soal/:id/impor/:previewId',
    own: (w) => ({ id: w.ids.courses.published.id, previewId: w.ids.quiz.importPreview }),
    foreign: (w) => ({ id: w.ids.courses.foreignDraft.id, previewId: w.ids.quiz.importPreview }),
  },
  { prefix: '/bank-soal/:id', own: (w) => w.ids.courses.published.id, foreign: authorForeign() },
  // Quizzes: whoever may study the published course takes its quiz; an attempt is its taker's alone.
  {
    prefix: '/kuis/:courseId/:lessonKey/percobaan/:attemptId',
    own: (w, role) => ({
      courseId: w.ids.courses.published.id,
      lessonKey: w.ids.quiz.lessonKey,
      attemptId: w.ids.quiz.attempts[role as SignedInRole] ?? w.ids.quiz.foreignAttempt,
    }),
    foreign: (w) => ({
      courseId: w.ids.courses.published.id,
      lessonKey: w.ids.quiz.lessonKey,
      attemptId: w.ids.quiz.foreignAttempt,
    }),
  },
  {
    prefix: '/kuis/:courseId/:lessonKey',
    own: (w) => ({ courseId: w.ids.courses.published.id, lessonKey: w.ids.quiz.lessonKey }),
    foreign: (w, role) => {
      const c = role === 'author' || role === 'curator' ? w.ids.courses.foreignDraft : w.ids.courses.inReview;
      return { courseId: c.id, lessonKey: c.lessonKey };
    },
  },
  // The outbox is the admins' alone, and they read every mail.
  { prefix: '/admin/outbox/:id', own: (w) => w.ids.mail },
  // Inviting a person follows the people pages' scope: OPD B's person is out of an OPD HR's reach.
  {
    prefix: '/admin/undangan/orang/:id',
    own: (w) => w.ids.personInA,
    foreign: (w, role) => (role === 'hrOpd' ? w.ids.personInB : undefined),
  },
  // The people of an import: the uploader's own preview only.
  {
    prefix: '/admin/undangan/impor/:id',
    own: (w, role) => w.ids.previews[role as SignedInRole] ?? w.ids.previews.hrOpd!,
    foreign: (w, role) => (role === 'hrOpd' ? w.ids.previews.admin : w.ids.previews.hrOpd),
  },
  // An assignment follows the people pages' scope: one of OPD B's people is out of an OPD HR's reach.
  {
    prefix: '/penugasan/:id',
    own: (w) => w.ids.assignments.inA,
    foreign: (w, role) => (role === 'hrOpd' ? w.ids.assignments.inB : undefined),
  },
  // Certificates: a learner's own; HR reach their people's (OPD B's is foreign to an OPD's HR);
  // curators and admins reach every one (to revoke and reissue); authors reach no one's. The Open
  // Badge export under the same prefix is the holder's alone.
  {
    prefix: '/sertifikat/:id',
    own: (w, role) => (role === 'learner' ? w.ids.certificates.learner.id : w.ids.certificates.inA.id),
    foreign: (w, role) =>
      role === 'hrOpd'
        ? w.ids.certificates.inB.id
        : role === 'hrBkpsdm' || role === 'admin' || role === 'curator'
          ? undefined
          : w.ids.certificates.inA.id,
  },
  {
    prefix: '/admin/sertifikat/:id',
    own: (w) => w.ids.certificates.inA.id,
    foreign: (w, role) => (role === 'hrOpd' ? w.ids.certificates.inB.id : undefined),
  },
  // The public code of a certificate: anyone may look it up.
  { prefix: '/verifikasi/:code', own: (w) => w.ids.certificates.inA.code },
  // The public keys of the Open Badges VC-JWT: anyone may fetch a key this installation signs with,
  // by its thumbprint (the last segment of the tokens' kid); an unknown thumbprint answers 404.
  { prefix: '/openbadges/kunci/:kid', own: () => jwtSigningKey(certificateRuntime().settings).thumbprint },
  // Service units follow the people scope: OPD B's unit (and its suggestions) is out of an OPD HR's reach.
  {
    prefix: '/unit-layanan/:id/masukan/:fid',
    own: (w) => ({ id: w.ids.units.a.id, fid: w.ids.units.a.feedback }),
    foreign: (w, role) =>
      role === 'hrOpd' ? { id: w.ids.units.b.id, fid: w.ids.units.b.feedback } : undefined,
  },
  {
    prefix: '/unit-layanan/:id',
    own: (w) => w.ids.units.a.id,
    foreign: (w, role) => (role === 'hrOpd' ? w.ids.units.b.id : undefined),
  },
  // The holiday calendar is the admins' alone, and they keep every entry.
  { prefix: '/admin/hari-libur/:id', own: (w) => w.ids.holiday },
  // The public survey of a unit, by its code: everyone, signed in or not, may answer it.
  { prefix: '/ikm/:unit', own: (w) => w.ids.units.a.code },
  // A course evaluation is its invited person's alone: anyone else's answers 404.
  {
    prefix: '/evaluasi/:id',
    own: (w, role) => (role === 'anonymous' ? w.ids.evaluations.personInA : w.ids.evaluations[role]),
    foreign: (w) => w.ids.evaluations.personInA,
  },
  // A link's token is no object id: every visitor gets the same "unknown link" page for a made-up one.
  { prefix: '/atur-sandi/:token', own: () => 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
];

function ruleFor(path: string): IdRule | undefined {
  return ID_RULES.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`));
}

export function hasIdRule(route: Pick<RouteEntry, 'path'>): boolean {
  return routeParams(route.path).length === 0 || ruleFor(route.path) !== undefined;
}

/** The failure message for routes whose ids nobody described. */
export function missingIdRules(routes: RouteEntry[]): string[] {
  return routes
    .filter((r) => !hasIdRule(r))
    .map(
      (r) =>
        `${r.method} ${r.path}: has an id parameter but no id rule; describe its ids (own, foreign) in ID_RULES of test/security/support/world.ts`,
    );
}

function fill(path: string, ids: Ids): string {
  return path.replace(/:([A-Za-z_$][\w$]*)/g, (_m, name: string) =>
    typeof ids === 'string' ? ids : ids[name],
  );
}

/** The route's path with its ids filled for the role, or undefined when no rule covers it. */
export function concretePath(
  w: World,
  route: Pick<RouteEntry, 'path'>,
  role: MatrixRole,
  which: 'own' | 'foreign' | 'missing' = 'own',
): string | undefined {
  if (routeParams(route.path).length === 0) return route.path;
  if (which === 'missing') return fill(route.path, MISSING_ID);
  const rule = ruleFor(route.path);
  if (!rule) return undefined;
  const id = which === 'own' ? rule.own(w, role) : rule.foreign?.(w, role);
  return id === undefined ? undefined : fill(route.path, id);
}
