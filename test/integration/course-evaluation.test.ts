// Course evaluations (Kirkpatrick level 1): the invitation seam the learning feature calls at
// completion, answering once and only by the invited person, results hidden below five answers and
// never showing who answered, the curators' template, and the person's own answers in "Data saya".
import { createTestApp, type TestApp } from '../support/app';
import { createUniversity, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfToken, postForm, signedInAgent, type Agent } from '../support/auth';
import { injectedElements } from '../support/crawl';
import { HTML_PAYLOADS } from '../fixtures/hostile/payloads';
import { approveCourse, importCoursePackageDirectory, submitCourse } from '../../src/courses';
import { PACKAGE_DIR } from '../support/courses';
import { inviteToCourseEvaluation } from '../../src/evaluation';
import { CourseEvaluation } from '../../src/evaluation/course-evaluation.model';
import type { Actor } from '../../src/core/actor';

let t: TestApp;
let courseId: string;
let curator: Agent;
let learners: Array<{ id: string; name: string; email: string }>;
const actorOf = (user: { _id: unknown; name: string; roles: string[]; institution?: unknown }): Actor => ({
  id: String(user._id),
  name: user.name,
  roles: user.roles as Actor['roles'],
  institutionId: user.institution ? String(user.institution) : undefined,
  seesAllOpds: false,
  language: 'id',
});
const answers = (score: string) =>
  Object.fromEntries(['k1', 'k2', 'k3', 'k4', 'k5', 'k6'].map((k) => [k, score]));

async function evaluationOf(personId: string) {
  return String((await CourseEvaluation.findOne({ person: personId }).lean())!._id);
}

async function answerAs(learner: { id: string; email: string }, fields: Record<string, string>) {
  const agent = await signedInAgent(t.app, learner.email, DEFAULT_PASSWORD);
  const page = `/evaluasi/${await evaluationOf(learner.id)}`;
  return { agent, page, res: await postForm(agent, page, page, fields) };
}

beforeAll(async () => {
  t = await createTestApp();
  const usu = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  const author = await createUser({ roles: ['author'], institution: usu, email: 'penulis@uji.go.id' });
  const curatorUser = await createUser({ roles: ['curator'], email: 'kurator@uji.go.id' });
  courseId = await importCoursePackageDirectory(actorOf(author), PACKAGE_DIR, t.clock(), 'EVAL-UJI');
  await submitCourse(actorOf(author), courseId, t.clock());
  await approveCourse(actorOf(curatorUser), courseId, '', t.clock());
  learners = [];
  for (let i = 0; i < 6; i++) {
    const user = await createUser({ email: `peserta${i}@uji.go.id`, name: `Peserta Rahasia ${i}` });
    learners.push({ id: String(user._id), name: user.name, email: user.email! });
    await inviteToCourseEvaluation({
      enrolmentId: `enrolment-${i}`,
      personId: String(user._id),
      courseId,
      completedAt: t.clock(),
    });
  }
  curator = await signedInAgent(t.app, 'kurator@uji.go.id', DEFAULT_PASSWORD);
});

afterAll(async () => {
  await t.close();
});

describe('the invitation at completion', () => {
  it('records one pending evaluation per enrolment, with the course title and partner', async () => {
    await inviteToCourseEvaluation({
      enrolmentId: 'enrolment-0',
      personId: learners[0].id,
      courseId,
      completedAt: t.clock(),
    });
    const rows = await CourseEvaluation.find({ person: learners[0].id }).lean();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'pending', enrolment: 'enrolment-0' });
    expect(rows[0].courseTitle).not.toBe('');
    expect(rows[0].partner).not.toBeNull();
  });

  it('shows the person "Evaluasi kursus" in the menu and lists it to fill in', async () => {
    const agent = await signedInAgent(t.app, learners[0].email, DEFAULT_PASSWORD);
    expect((await agent.get('/')).text).toContain('href="/evaluasi"');
    const list = await agent.get('/evaluasi');
    expect(list.text).toContain('Belum diisi');
  });
});

describe('answering', () => {
  it('accepts the invited person once; a second post answers 409 and changes nothing', async () => {
    const { agent, page, res } = await answerAs(learners[0], { ...answers('5'), comment: HTML_PAYLOADS[0] });
    expect(res.status).toBe(303);
    const again = await postForm(agent, '/evaluasi', page, { ...answers('1'), comment: 'ganti' });
    expect(again.status).toBe(409);
    const saved = await CourseEvaluation.findOne({ person: learners[0].id }).lean();
    expect(saved!.answers.map((a) => a.score)).toEqual([5, 5, 5, 5, 5, 5]);
    expect(saved!.comment).toBe(HTML_PAYLOADS[0]);
  });

  it("answers 404 for someone else's evaluation, to read or to answer", async () => {
    const other = await signedInAgent(t.app, learners[1].email, DEFAULT_PASSWORD);
    const foreign = `/evaluasi/${await evaluationOf(learners[2].id)}`;
    expect((await other.get(foreign)).status).toBe(404);
    const token = await csrfToken(other, '/evaluasi');
    const res = await other
      .post(foreign)
      .type('form')
      .send({ _csrf: token, ...answers('1') });
    expect(res.status).toBe(404);
    expect((await CourseEvaluation.findOne({ person: learners[2].id }).lean())!.status).toBe('pending');
  });

  it('asks again for an unanswered item, keeping what was chosen', async () => {
    const { res } = await answerAs(learners[1], { k1: '4', comment: 'Bagus' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Pilih salah satu jawaban.');
    expect(res.text).toContain('Bagus');
  });
});

describe('results for curators and authors', () => {
  it('hides a course below five answers, then shows means without any name', async () => {
    for (const learner of learners.slice(1, 4)) await answerAs(learner, { ...answers('4'), comment: '' });
    const hidden = await curator.get('/evaluasi-kursus');
    expect(hidden.text).toContain('4 jawaban');
    expect(hidden.text).toContain('data-testid="hidden"');
    expect(hidden.text).not.toContain('Rata-rata keseluruhan');
    await answerAs(learners[4], { ...answers('3'), comment: 'Contoh kasus lebih banyak' });
    const shown = await curator.get('/evaluasi-kursus');
    expect(shown.text).toContain('5 jawaban');
    expect(shown.text).toContain('Rata-rata keseluruhan:</strong> 4.00');
    expect(shown.text).toContain('Contoh kasus lebih banyak');
    expect(injectedElements(shown.text)).toEqual([]);
    for (const learner of learners) {
      expect(shown.text).not.toContain(learner.name);
      expect(shown.text).not.toContain(learner.email);
    }
    const author = await signedInAgent(t.app, 'penulis@uji.go.id', DEFAULT_PASSWORD);
    expect((await author.get('/evaluasi-kursus')).text).toContain('5 jawaban');
  });

  it('lets curators edit the template and refuses learners', async () => {
    const res = await postForm(curator, '/evaluasi-kursus/instrumen', '/evaluasi-kursus/instrumen', {
      i0_key: 'k1',
      i0_text: 'Materi jelas.',
      i1_text: 'Pernyataan baru.',
      commentPrompt: 'Komentar Anda',
    });
    expect(res.status).toBe(303);
    const learner = await signedInAgent(t.app, learners[5].email, DEFAULT_PASSWORD);
    expect((await learner.get('/evaluasi-kursus/instrumen')).status).toBe(403);
    const form = await learner.get(`/evaluasi/${await evaluationOf(learners[5].id)}`);
    expect(form.text).toContain('Pernyataan baru.');
    expect(form.text).toContain('Komentar Anda');
  });
});

describe('"Data saya"', () => {
  it("holds the person's own answers", async () => {
    const agent = await signedInAgent(t.app, learners[0].email, DEFAULT_PASSWORD);
    const res = await agent.get('/data-saya/unduh');
    expect(res.status).toBe(200);
    const data = JSON.parse(res.text) as {
      sections: { evaluations: Array<{ status: string; answers: unknown[] }> };
    };
    expect(data.sections.evaluations).toHaveLength(1);
    expect(data.sections.evaluations[0]).toMatchObject({ status: 'answered' });
    expect(data.sections.evaluations[0].answers).toHaveLength(6);
  });
});
