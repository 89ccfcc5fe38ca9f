// Taking a quiz: attempts timed by the server, answers saved by form post and autosave, forged
// posts refused, other people's attempts invisible, limits and overrides, one grading per attempt,
// the review as the policy allows, and nothing of the answer key in any response before that.
import mongoose, { Types } from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';
import { createUniversity, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfTokenFrom, signedInAgent, type Agent } from '../support/auth';
import { actorOf, publishedQuizCourse, questionsOfEveryType, quizWith } from '../support/quizzes';
import { Attempt } from '../../src/quizzes/attempt.model';
import { Quiz } from '../../src/quizzes/quiz.model';
import { Question } from '../../src/quizzes/question.model';
import { updateQuestion } from '../../src/quizzes/bank.service';
import { AuditEntry } from '../../src/audit/audit.model';
import { saveOverride, saveQuizSettings } from '../../src/quizzes/quiz-settings.service';
import {
  onAttemptGraded,
  quizResults,
  learningGain,
  courseLearningGain,
  courseResults,
  type GradedAttempt,
} from '../../src/quizzes';
import { resultsOf } from '../../src/monitoring/monitoring.sources';
import type { Actor } from '../../src/core/actor';
import { DEFAULT_SETTINGS } from '../support/quizzes';
import { whenWatchedCachesLive } from '../../src/db/watched-cache';

let t: TestApp;
let author: Actor;
let learnerA: Agent;
let learnerB: Agent;
let learnerAId: string;
let course: { courseId: string; lessonKey: string; pretestKey: string };
const graded: GradedAttempt[] = [];

/** Strings only the answer key, the feedback or the grader's notes hold. */
const SECRETS = [
  'FEEDBACK-BENAR',
  'FEEDBACK-SALAH',
  'PENALTI-RAHASIA',
  'TF-SALAH-RAHASIA',
  'TF-BENAR-RAHASIA',
  'KUNCI-SINGKAT',
  '987654',
  'RUBRIK-RAHASIA',
  'UMUM-RAHASIA',
  'fraction',
  'choiceId',
  'feedback',
  'correct',
];

beforeAll(async () => {
  t = await createTestApp();
  const usu = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  const authorUser = await createUser({ roles: ['author'], institution: usu, email: 'penulis@usu.ac.id' });
  const curatorUser = await createUser({ roles: ['curator'], email: 'kurator@uji.go.id' });
  const a = await createUser({ email: 'asn.a@uji.go.id' });
  await createUser({ email: 'asn.b@uji.go.id' });
  learnerAId = String(a._id);
  author = actorOf(authorUser);
  course = await publishedQuizCourse(author, actorOf(curatorUser), 'KUIS-01', t.clock());
  await quizWith(author, course, questionsOfEveryType());
  learnerA = await signedInAgent(t.app, 'asn.a@uji.go.id', DEFAULT_PASSWORD);
  learnerB = await signedInAgent(t.app, 'asn.b@uji.go.id', DEFAULT_PASSWORD);
  onAttemptGraded(async (g) => {
    graded.push(g);
  });
}, 60_000);
afterAll(async () => t.close());

const quizUrl = () => `/kuis/${course.courseId}/${course.lessonKey}`;

async function start(agent: Agent): Promise<string> {
  const page = await agent.get(quizUrl());
  expect(page.status).toBe(200);
  const res = await agent
    .post(`${quizUrl()}/mulai`)
    .type('form')
    .send({ _csrf: csrfTokenFrom(page.text) });
  expect(res.status).toBe(303);
  return String(res.headers.location);
}

async function post(agent: Agent, url: string, fields: Record<string, string | string[]>, from?: string) {
  const page = await agent.get(from ?? url);
  return agent
    .post(url)
    .type('form')
    .send({ _csrf: csrfTokenFrom(page.text), ...fields });
}

const attemptOf = async (url: string) => (await Attempt.findById(url.split('/').pop()).lean())!;

describe('an open attempt', () => {
  let url: string;
  beforeAll(async () => {
    url = await start(learnerA);
  });

  it('shows every type of question without any correctness data in the HTML', async () => {
    const res = await learnerA.get(url);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    for (const secret of SECRETS) expect(res.text).not.toContain(secret);
    for (const text of ['SP4N-LAPOR!', 'Surat kaleng', 'Mencatat aduan', 'Pengecoh', 'Tindak lanjut'])
      expect(res.text).toContain(text);
  });

  it('keeps answers posted by the form and shows them again after a reload', async () => {
    const attempt = await attemptOf(url);
    const single = attempt.items[0];
    const res = await post(learnerA, url, {
      slots: '1,4,5',
      q1: single.order[0],
      q4: 'jawaban saya',
      q5: '12,5 hari',
      flag4: 'on',
    });
    expect(res.status).toBe(303);
    const after = await attemptOf(url);
    expect(after.items[0].response).toEqual({ choice: single.order[0] });
    expect(after.items[3].response).toEqual({ text: 'jawaban saya' });
    expect(after.items[3].flagged).toBe(true);
    expect(after.items[4].response).toEqual({ text: '12,5 hari' });
    const page = await learnerA.get(url);
    expect(page.text).toContain('value="jawaban saya"');
    // eslint-disable-next-line security/detect-non-literal-regexp -- an option id the test read from the database
    expect(page.text).toMatch(new RegExp(`value="${single.order[0]}" checked`));
  });

  it('answers an autosave with JSON that holds no correctness data', async () => {
    const attempt = await attemptOf(url);
    const page = await learnerA.get(url);
    const res = await learnerA
      .post(`${url}/simpan`)
      .type('form')
      .send({
        _csrf: csrfTokenFrom(page.text),
        slots: '2',
        q2: [attempt.items[1].order[0], attempt.items[1].order[1]],
      });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ saved: true, state: 'inProgress', secondsLeft: null });
    for (const secret of SECRETS) expect(res.text).not.toContain(secret);
    expect((await attemptOf(url)).items[1].response).toEqual({ choices: attempt.items[1].order.slice(0, 2) });
  });

  it('rejects a forged post: a question not in the attempt, or an option not in the question', async () => {
    const before = await attemptOf(url);
    expect((await post(learnerA, url, { slots: '99', q99: 'x' })).status).toBe(400);
    expect((await post(learnerA, url, { slots: '1', q1: 'ffffffffffff' })).status).toBe(400);
    expect((await post(learnerA, url, { slots: '1', q3: 'true' })).status).toBe(400);
    expect((await post(learnerA, url, { slots: '6', q6_aaaaaaaaaaa1: 'ffffffffffff' })).status).toBe(400);
    expect(
      (await post(learnerA, url, { slots: '1', q1: before.items[0].order[1], role: 'admin' })).status,
    ).toBe(400);
    expect((await attemptOf(url)).items.map((i) => i.response)).toEqual(before.items.map((i) => i.response));
  });

  it("answers another learner's attempt exactly like a missing one", async () => {
    const missing = url.replace(/[0-9a-f]{24}$/, '5f0000000000000000000bad');
    const foreign = await learnerB.get(url);
    const none = await learnerB.get(missing);
    expect(foreign.status).toBe(404);
    expect(foreign.text.replace(/[0-9a-f-]{36}/g, '')).toBe(none.text.replace(/[0-9a-f-]{36}/g, ''));
    const page = await learnerB.get(quizUrl());
    const save = await learnerB
      .post(`${url}/simpan`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), slots: '4', q4: 'bukan milik saya' });
    expect(save.status).toBe(404);
    expect((await learnerB.get(`${url}/tinjau`)).status).toBe(404);
  });

  it('resumes the same attempt when started again', async () => {
    expect(await start(learnerA)).toBe(url);
  });

  it('keeps an essay outside its word limits, says the limit, and holds the submit back', async () => {
    const saved = await post(learnerA, url, { slots: '8', q8: 'terlalu pendek' });
    expect(saved.status).toBe(303);
    const next = await learnerA.get(String(saved.headers.location));
    expect(next.text).toContain('Jawaban soal 8 berisi 2 kata; panjangnya harus 5–200 kata.');
    expect((await attemptOf(url)).items[7].response).toEqual({ text: 'terlalu pendek' });
    const autosaved = await learnerA
      .post(`${url}/simpan`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(next.text), slots: '8', q8: 'masih terlalu pendek' });
    expect(autosaved.body).toMatchObject({
      saved: true,
      messages: [
        'Jawaban soal 8 berisi 3 kata; panjangnya harus 5–200 kata. Jawaban tetap tersimpan; perbaiki sebelum mengirim.',
      ],
    });
    expect((await attemptOf(url)).items[7].response).toEqual({ text: 'masih terlalu pendek' });
    const summary = await learnerA.get(`${url}/ringkasan`);
    expect(summary.text).toContain('3 kata, di luar batas 5–200 kata');
    const submit = await learnerA
      .post(`${url}/kirim`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(summary.text) });
    expect(submit.headers.location).toBe(`${url}/ringkasan`);
    const after = await attemptOf(url);
    expect(after.state).toBe('inProgress');
    expect(after.gradings).toBe(0);
    expect(after.items[7].response).toEqual({ text: 'masih terlalu pendek' });
    expect((await learnerA.get(`${url}/ringkasan`)).text).toContain('panjangnya harus 5–200 kata');
    await post(learnerA, url, { slots: '8', q8: '' });
  });

  it('lists the unanswered questions on the summary, grades once however often it is submitted', async () => {
    const summary = await learnerA.get(`${url}/ringkasan`);
    expect(summary.text).toContain('belum dijawab');
    for (const secret of SECRETS) expect(summary.text).not.toContain(secret);
    const token = csrfTokenFrom(summary.text);
    const [first, second] = await Promise.all([
      learnerA.post(`${url}/kirim`).type('form').send({ _csrf: token }),
      learnerA.post(`${url}/kirim`).type('form').send({ _csrf: token }),
    ]);
    expect([first.status, second.status]).toEqual([303, 303]);
    const done = await attemptOf(url);
    expect(done.gradings).toBe(1);
    expect(done.state).toBe('graded'); // the essay was left blank: nothing waits for a grader
  });
});

describe('the attempt page and the autosave, from memory', () => {
  let url: string;
  beforeAll(async () => {
    await Attempt.deleteMany({});
    url = await start(learnerA);
    await learnerA.get(url); // starts the caches' streams
    await whenWatchedCachesLive();
    await learnerA.get(url); // fills them
    await autosave({ slots: '4', q4: 'pemanasan' }); // and the question types the autosave reads
  });

  /** The commands each request sends to the database, by collection and method. */
  async function counted<T>(request: () => Promise<T>): Promise<[T, string[]]> {
    const commands: string[] = [];
    mongoose.set('debug', (collection: string, method: string) => commands.push(`${collection}.${method}`));
    try {
      return [await request(), commands];
    } finally {
      mongoose.set('debug', false);
    }
  }

  const autosave = async (fields: Record<string, string>) => {
    const token = csrfTokenFrom((await learnerA.get(quizUrl())).text);
    return counted(() =>
      learnerA
        .post(`${url}/simpan`)
        .type('form')
        .send({ _csrf: token, ...fields }),
    );
  };

  it('reads only the attempt for its page, and saves an answer with one write', async () => {
    const [page, reads] = await counted(() => learnerA.get(url));
    expect(page.status).toBe(200);
    expect(reads).toEqual(['attempts.findOne']);
    const [saved, writes] = await autosave({ slots: '4', q4: 'satu tulis saja' });
    expect(saved.body).toEqual({ saved: true, state: 'inProgress', secondsLeft: null });
    expect(writes).toEqual(['attempts.updateOne']);
    expect((await attemptOf(url)).items[3].response).toEqual({ text: 'satu tulis saja' });
    expect((await learnerA.get(`${url}?halaman=4`)).text).toContain('value="satu tulis saja"');
  });

  it('shows a question version as stored now, even when another app instance changed it', async () => {
    const questionId = (await attemptOf(url)).items[0].question;
    const { text } = (await Question.findById(questionId).lean())!;
    // Written straight to the collection, as another instance would: the change stream tells this one.
    const setText = async (next: string) => {
      await Question.collection.updateOne({ _id: questionId }, { $set: { text: next } });
      let page = await learnerA.get(url);
      for (let i = 0; i < 50 && !page.text.includes(next); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        page = await learnerA.get(url);
      }
      return page.text;
    };
    expect(await setText('Teks yang diubah oleh instans lain')).toContain(
      'Teks yang diubah oleh instans lain',
    );
    expect(await setText(text)).not.toContain('Teks yang diubah oleh instans lain');
  });

  it('saves nothing once the attempt was finished elsewhere, and answers 404 once it is gone', async () => {
    const id = new Types.ObjectId(url.split('/').pop());
    await Attempt.collection.updateOne({ _id: id }, { $set: { state: 'graded' } });
    const [late] = await autosave({ slots: '4', q4: 'setelah selesai' });
    expect(late.body).toEqual({ saved: false, state: 'graded', secondsLeft: null });
    expect((await attemptOf(url)).items[3].response).toEqual({ text: 'satu tulis saja' });
    await Attempt.collection.deleteOne({ _id: id });
    const page = await learnerA.get(quizUrl());
    const gone = await learnerA
      .post(`${url}/simpan`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), slots: '4', q4: 'tidak ada lagi' });
    expect(gone.status).toBe(404);
  });
});

describe('a timed attempt', () => {
  let url: string;
  beforeAll(async () => {
    await Attempt.deleteMany({});
    await Quiz.updateOne(
      { course: course.courseId, lessonKey: course.lessonKey },
      { $set: { timeLimitMinutes: 10, graceSeconds: 60 } },
    );
    url = await start(learnerA);
  });

  it('shows the time left as the server counts it', async () => {
    t.clock.advance(60_000);
    const res = await learnerA.get(url);
    expect(res.text).toContain('data-seconds-left="540"');
  });

  it('accepts an answer up to 2 s after the deadline and ignores a later one', async () => {
    const attempt = await attemptOf(url);
    const page = await learnerA.get(url);
    const token = csrfTokenFrom(page.text);
    t.clock.advance(9 * 60_000 + 2000); // deadline + 2 s
    const onTime = await learnerA
      .post(`${url}/simpan`)
      .type('form')
      .send({ _csrf: token, slots: '1', q1: attempt.items[0].order[0] });
    expect(onTime.body.saved).toBe(true);
    t.clock.advance(1);
    const late = await learnerA
      .post(`${url}/simpan`)
      .type('form')
      .send({ _csrf: token, slots: '4', q4: 'terlambat' });
    expect(late.body).toMatchObject({ saved: false, secondsLeft: 0 });
    const stored = await attemptOf(url);
    expect(stored.items[0].response).toEqual({ choice: attempt.items[0].order[0] });
    expect(stored.items[3].response).toBeNull();
  });

  it('takes the final submit within the grace period as the person’s', async () => {
    const page = await learnerA.get(`${url}/ringkasan`);
    t.clock.advance(50_000);
    await learnerA
      .post(`${url}/kirim`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) });
    const done = await attemptOf(url);
    expect(done.closedByServer).toBe(false);
    expect(done.gradings).toBe(1);
  });

  it('closes and grades an attempt past its grace on the next request, even if the person never returns', async () => {
    await Attempt.deleteMany({});
    const again = await start(learnerA);
    t.clock.advance(10 * 60_000 + 61_000);
    await learnerB.get(quizUrl()); // someone else's request closes only their own
    expect((await attemptOf(again)).state).toBe('inProgress');
    const { closeOverdueAttempts } = await import('../../src/quizzes');
    expect(await closeOverdueAttempts(t.clock())).toBe(1);
    expect(await closeOverdueAttempts(t.clock())).toBe(0);
    const closed = await attemptOf(again);
    expect(closed).toMatchObject({ closedByServer: true, gradings: 1 });
    expect(closed.submittedAt!.getTime()).toBe(closed.deadline!.getTime());
  });
});

describe('attempt limits and overrides', () => {
  beforeAll(async () => {
    await Attempt.deleteMany({});
    await Quiz.updateOne(
      { course: course.courseId, lessonKey: course.lessonKey },
      { $set: { timeLimitMinutes: 0, attemptsAllowed: 1 } },
    );
  });

  it('refuses a second attempt, then allows one after an extra-attempt override', async () => {
    const url = await start(learnerA);
    const page = await learnerA.get(`${url}/ringkasan`);
    await learnerA
      .post(`${url}/kirim`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) });
    const startPage = await learnerA.get(quizUrl());
    expect(startPage.text).toContain('Anda sudah memakai semua percobaan');
    const refused = await learnerA
      .post(`${quizUrl()}/mulai`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(startPage.text) });
    expect(refused.status).toBe(409);
    await saveOverride(author, course.courseId, course.lessonKey, {
      person: learnerAId,
      extraMinutes: 15,
      extraAttempts: 1,
      openAt: null,
      closeAt: null,
    });
    const second = await start(learnerA);
    expect(second).not.toBe(url);
    expect((await attemptOf(second)).number).toBe(2);
  });

  it('gives extra time from an override', async () => {
    await Attempt.deleteMany({});
    await Quiz.updateOne(
      { course: course.courseId, lessonKey: course.lessonKey },
      { $set: { timeLimitMinutes: 10 } },
    );
    const url = await start(learnerA);
    const a = await attemptOf(url);
    expect(a.deadline!.getTime() - a.startedAt.getTime()).toBe(25 * 60_000);
  });

  it('opens the quiz earlier and closes it later for one person with an override of the dates', async () => {
    await Attempt.deleteMany({});
    const now = t.clock().getTime();
    await Quiz.updateOne(
      { course: course.courseId, lessonKey: course.lessonKey },
      {
        $set: {
          timeLimitMinutes: 0,
          openAt: new Date(now + 86_400_000),
          closeAt: new Date(now + 2 * 86_400_000),
        },
      },
    );
    const page = await learnerB.get(quizUrl());
    const refused = await learnerB
      .post(`${quizUrl()}/mulai`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) });
    expect(refused.status).toBe(409);
    await saveOverride(author, course.courseId, course.lessonKey, {
      person: learnerAId,
      extraMinutes: 0,
      extraAttempts: 0,
      openAt: new Date(now - 3_600_000),
      closeAt: new Date(now + 3_600_000),
    });
    const url = await start(learnerA);
    expect((await attemptOf(url)).deadline!.getTime()).toBe(now + 3_600_000);
    await Quiz.updateOne(
      { course: course.courseId, lessonKey: course.lessonKey },
      { $set: { openAt: null, closeAt: null, overrides: [] } },
    );
  });
});

describe('the review and the results', () => {
  let url: string;
  beforeAll(async () => {
    await Attempt.deleteMany({});
    graded.length = 0;
    await Quiz.updateOne(
      { course: course.courseId, lessonKey: course.lessonKey },
      {
        $set: {
          timeLimitMinutes: 0,
          attemptsAllowed: 0,
          overrides: [],
          closeAt: new Date(t.clock().getTime() + 20 * 60_000),
        },
      },
    );
    url = await start(learnerA);
    const a = await attemptOf(url);
    const q1Right = a.items[0].order[0];
    await post(learnerA, url, {
      slots: '1,3,8',
      q1: q1Right,
      q3: 'false',
      q8: 'Saya mendengarkan, meminta maaf, lalu mencatat aduan warga dengan teliti.',
    });
    const page = await learnerA.get(`${url}/ringkasan`);
    await learnerA
      .post(`${url}/kirim`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) });
  });

  it('waits for the essay before telling the learning feature', async () => {
    expect((await attemptOf(url)).state).toBe('submitted');
    expect(graded).toHaveLength(0);
  });

  it('shows marks, correctness and feedback right after, but not the right answer', async () => {
    const res = await learnerA.get(`${url}/tinjau`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('TF-BENAR-RAHASIA');
    expect(res.text).not.toContain('Jawaban yang benar');
    expect(res.text).not.toContain('KUNCI-SINGKAT');
    expect(res.text).not.toContain('RUBRIK-RAHASIA');
  });

  it('shows only the marks later while the quiz is open', async () => {
    t.clock.advance(3 * 60_000);
    const res = await learnerA.get(`${url}/tinjau`);
    expect(res.text).not.toContain('TF-BENAR-RAHASIA');
    expect(res.text).not.toContain('Jawaban yang benar');
    expect(res.text).toContain('dari 1 poin');
  });

  it('shows the right answers once the quiz has closed', async () => {
    t.clock.advance(18 * 60_000);
    const res = await learnerA.get(`${url}/tinjau`);
    expect(res.text).toContain('Jawaban yang benar');
    expect(res.text).toContain('KUNCI-SINGKAT*');
    expect(res.text).not.toContain('RUBRIK-RAHASIA');
  });

  it('reports no result until the essay is graded', async () => {
    expect(await quizResults(learnerAId, course.courseId, t.clock())).toEqual([]);
  });

  it('lists the attempts in "Data saya" with the answers in words and nothing of the key', async () => {
    const page = await learnerA.get('/data-saya');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Percobaan kuis saya');
    expect(page.text).toContain('Menunggu penilaian esai');
    const download = await learnerA.get('/data-saya/unduh');
    const mine = (JSON.parse(download.text) as { sections: { attempts: Array<Record<string, unknown>> } })
      .sections.attempts;
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ number: 1, state: 'submitted', scorePercent: null, passed: null });
    const answers = mine[0].answers as Array<{ question: string; answer: string | null }>;
    expect(answers).toHaveLength(8);
    expect(answers[2]).toMatchObject({
      question: 'Kode OTP boleh dibagikan kepada petugas.',
      answer: 'false',
    });
    expect(answers[7].answer).toContain('Saya mendengarkan');
    expect(answers[1].answer).toBeNull();
    const bytes = JSON.stringify(mine);
    for (const secret of SECRETS) expect(bytes).not.toContain(secret);
    const others = await learnerB.get('/data-saya/unduh');
    expect((JSON.parse(others.text) as { sections: { attempts: unknown[] } }).sections.attempts).toEqual([]);
  });
});

describe('learning gain', () => {
  it('is post − pre per person and Hake’s g per course', async () => {
    await Attempt.deleteMany({});
    const q = (await Quiz.findOne({ course: course.courseId, lessonKey: course.lessonKey }).lean())!;
    await saveQuizSettings(author, course.courseId, course.pretestKey, {
      ...DEFAULT_SETTINGS,
      kind: 'pretest',
      slots: q.slots
        .slice(0, 2)
        .map((s) => ({ entry: String(s.entry), category: null, count: 1, includeSubcategories: false })),
    });
    const pre = (await Quiz.findOne({ course: course.courseId, lessonKey: course.pretestKey }).lean())!;
    await Quiz.updateOne({ _id: q._id }, { $set: { kind: 'posttest', closeAt: null } });
    const base = {
      course: course.courseId,
      person: learnerAId,
      courseVersion: 1,
      startedAt: t.clock(),
      state: 'graded',
      passMark: 70,
      gradings: 1,
      number: 1,
    };
    await Attempt.create([
      { ...base, quiz: pre._id, lessonKey: course.pretestKey, scorePercent: 40 },
      { ...base, quiz: q._id, lessonKey: course.lessonKey, scorePercent: 85 },
    ]);
    expect(await learningGain(learnerAId, course.courseId)).toEqual({
      pre: 40,
      post: 85,
      gain: 45,
      normalisedGain: 0.75,
    });
    expect(await courseLearningGain(course.courseId)).toEqual({
      pre: 40,
      post: 85,
      gain: 45,
      normalisedGain: 0.75,
      people: 1,
    });
    const results = await quizResults(learnerAId, course.courseId, t.clock());
    expect(results).toEqual(
      expect.arrayContaining([
        {
          lessonKey: course.pretestKey,
          bestScorePercent: 40,
          passed: false,
          attempts: 1,
          countsForCompletion: false,
        },
        {
          lessonKey: course.lessonKey,
          bestScorePercent: 85,
          passed: true,
          attempts: 1,
          countsForCompletion: true,
        },
      ]),
    );
    // Reports get the final score (the counting quizzes: the post-test here), the pass and both tests.
    expect(await courseResults(course.courseId)).toEqual([
      { personId: learnerAId, scorePercent: 85, passed: true, pre: 40, post: 85 },
    ]);
    // The seam joined in connectFeatures: monitoring's learning record and course report read these.
    const period = { from: new Date(0), to: new Date('2100-01-01T00:00:00Z') };
    expect(await resultsOf([learnerAId], [course.courseId], period)).toEqual([
      {
        personId: learnerAId,
        courseId: course.courseId,
        scorePercent: 85,
        passed: true,
        prePercent: 40,
        postPercent: 85,
        gainPoints: 45,
      },
    ]);
    // Several courses in one call (a learning record spans them): rows only where there are grades.
    const quizless = String(new Types.ObjectId());
    expect(
      await resultsOf([learnerAId, String(new Types.ObjectId())], [quizless, course.courseId, 'x'], period),
    ).toEqual([
      expect.objectContaining({ personId: learnerAId, courseId: course.courseId, scorePercent: 85 }),
    ]);
  });
});

describe('regrading after a question is corrected', () => {
  let url: string;
  let authorAgent: Agent;
  beforeAll(async () => {
    await Attempt.deleteMany({});
    await Quiz.updateOne(
      { course: course.courseId, lessonKey: course.lessonKey },
      { $set: { timeLimitMinutes: 0, attemptsAllowed: 0, openAt: null, closeAt: null, overrides: [] } },
    );
    authorAgent = await signedInAgent(t.app, 'penulis@usu.ac.id', DEFAULT_PASSWORD);
    url = await start(learnerA);
    const a = await attemptOf(url);
    const single = (await Question.findById(a.items[0].question).lean())!;
    const wrong = (single.data as { options: Array<{ id: string; text: string }> }).options.find(
      (o) => o.text === 'Surat kaleng',
    )!;
    await post(learnerA, url, { slots: '1,3', q1: wrong.id, q3: 'false' });
    const summary = await learnerA.get(`${url}/ringkasan`);
    await learnerA
      .post(`${url}/kirim`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(summary.text) });
    graded.length = 0;
  });

  it('lists old and new marks in a dry run, then applies them once and tells learning', async () => {
    const before = await attemptOf(url);
    expect(before.state).toBe('graded');
    const single = (await Question.findById(before.items[0].question).lean())!;
    // The key was wrong: "Surat kaleng" is marked right in the corrected version (a used question: version 2).
    const options = (single.data as { options: Array<{ text: string; fraction: number }> }).options.map(
      (o) => ({
        ...o,
        fraction: o.text === 'Surat kaleng' ? 1 : 0,
      }),
    );
    const { entry, version, type, name, idnumber, text, points, generalFeedback, hints, shuffleOptions } =
      single;
    const input = {
      type,
      name,
      idnumber,
      text,
      points,
      generalFeedback,
      hints,
      shuffleOptions,
      data: { options },
    };
    expect(
      await updateQuestion(author, course.courseId, String(entry), String(single.category), input as never),
    ).toBe(version + 1);

    const page = `/bank-soal/${course.courseId}/kuis/${course.lessonKey}/penilaian-ulang`;
    const dry = await authorAgent.get(page);
    expect(dry.status).toBe(200);
    const oldPercent = before.scorePercent!;
    expect(dry.text).toContain(`${oldPercent} %`);
    expect(dry.text).toContain('Nilai ulang 1 percobaan');
    expect((await attemptOf(url)).scorePercent).toBe(oldPercent);
    expect((await learnerA.get(page)).status).toBe(403);

    const applied = await authorAgent
      .post(page)
      .type('form')
      .send({ _csrf: csrfTokenFrom(dry.text) });
    expect(applied.status).toBe(303);
    const after = await attemptOf(url);
    expect(after.items[0].fraction).toBe(1);
    expect(String(after.items[0].question)).not.toBe(String(before.items[0].question));
    expect(after.scorePercent).toBeGreaterThan(oldPercent);
    expect(after.gradings).toBe(1);
    expect(graded).toEqual([
      expect.objectContaining({ personId: learnerAId, scorePercent: after.scorePercent }),
    ]);
    expect(await AuditEntry.exists({ action: 'quiz.regrade' })).toBeTruthy();
    const again = await authorAgent.get(page);
    expect(again.text).toContain('Tidak ada percobaan yang memakai versi soal lama.');
  });
});
