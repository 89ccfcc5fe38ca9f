// The authors' side of quizzes: the question bank through its forms (every type, nested categories,
// versions when a used question is edited), quiz settings, the essay queue (the learning feature is
// told once the last essay is graded) and item analysis; someone else's course answers 404.
import fs from 'node:fs';
import path from 'node:path';
import { trusted } from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';
import { createUniversity, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfTokenFrom, signedInAgent, type Agent } from '../support/auth';
import { actorOf, publishedQuizCourse, questionsOfEveryType, quizWith } from '../support/quizzes';
import { Question, QuestionCategory } from '../../src/quizzes/question.model';
import { Quiz } from '../../src/quizzes/quiz.model';
import { Attempt } from '../../src/quizzes/attempt.model';
import { onAttemptGraded, type GradedAttempt } from '../../src/quizzes';
import { analyse } from '../../src/quizzes/statistics.service';
import type { Actor } from '../../src/core/actor';
import { collectBytes } from '../support/download';

let t: TestApp;
let author: Actor;
let authorAgent: Agent;
let otherAuthor: Agent;
let learner: Agent;
let course: { courseId: string; lessonKey: string; pretestKey: string };
const graded: GradedAttempt[] = [];

beforeAll(async () => {
  t = await createTestApp();
  const usu = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  const unimed = await createUniversity({ code: 'UNIMED', name: 'Universitas Negeri Medan' });
  const authorUser = await createUser({ roles: ['author'], institution: usu, email: 'penulis@usu.ac.id' });
  await createUser({ roles: ['author'], institution: unimed, email: 'penulis@unimed.ac.id' });
  const curatorUser = await createUser({ roles: ['curator'], email: 'kurator@uji.go.id' });
  await createUser({ email: 'asn@uji.go.id' });
  author = actorOf(authorUser);
  course = await publishedQuizCourse(author, actorOf(curatorUser), 'BANK-01', t.clock());
  authorAgent = await signedInAgent(t.app, 'penulis@usu.ac.id', DEFAULT_PASSWORD);
  otherAuthor = await signedInAgent(t.app, 'penulis@unimed.ac.id', DEFAULT_PASSWORD);
  learner = await signedInAgent(t.app, 'asn@uji.go.id', DEFAULT_PASSWORD);
  onAttemptGraded(async (g) => {
    graded.push(g);
  });
}, 60_000);
afterAll(async () => t.close());

const bank = () => `/bank-soal/${course.courseId}`;

async function postFrom(
  agent: Agent,
  page: string,
  action: string,
  fields: Record<string, string | string[]>,
) {
  const res = await agent.get(page);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfTokenFrom(res.text), ...fields });
}

describe('the question bank', () => {
  let category: string;

  it('makes nested categories (the default one with the first)', async () => {
    await authorAgent.get(bank());
    expect(await QuestionCategory.countDocuments({ course: course.courseId })).toBe(0);
    expect((await postFrom(authorAgent, bank(), `${bank()}/kategori`, { name: 'Lain-lain' })).status).toBe(
      303,
    );
    const top = (await QuestionCategory.findOne({ course: course.courseId, name: 'Bawaan' }).lean())!;
    expect(top.parent).toBeNull();
    const res = await postFrom(authorAgent, bank(), `${bank()}/kategori`, {
      name: 'Modul 1',
      parent: String(top._id),
      idnumber: 'M1',
    });
    expect(res.status).toBe(303);
    const child = (await QuestionCategory.findOne({ name: 'Modul 1' }).lean())!;
    expect(String(child.parent)).toBe(String(top._id));
    category = String(child._id);
    const page = await authorAgent.get(`${bank()}?kategori=${category}`);
    expect(page.text).toContain('Bawaan / Modul 1');
  });

  it('creates a question of each type through the form', async () => {
    const forms: Record<string, Record<string, string>> = {
      single: {
        a1Text: 'SP4N-LAPOR!',
        a1Fraction: '100',
        a2Text: 'Surat kaleng',
        a2Fraction: '0',
        a2Feedback: 'Tidak resmi',
      },
      multiple: {
        a1Text: 'Panjang',
        a1Fraction: '50',
        a2Text: 'Unik',
        a2Fraction: '50',
        a3Text: 'Tanggal lahir',
        a3Fraction: '-100',
      },
      truefalse: { correct: 'false', feedbackTrue: 'Keliru', feedbackFalse: 'Tepat' },
      shortanswer: { a1Text: 'LAPOR*', a1Fraction: '100', accentSensitive: 'on' },
      numerical: {
        a1Value: '14',
        a1Tolerance: '0,5',
        a1Fraction: '100',
        u1Unit: 'hari',
        u1Multiplier: '1',
        u2Unit: 'jam',
        u2Multiplier: '24',
      },
      matching: {
        a1Text: 'Registrasi',
        a1Answer: 'Mencatat',
        a2Text: 'Verifikasi',
        a2Answer: 'Memeriksa',
        a3Answer: 'Pengecoh',
      },
      ordering: { a1Text: 'Terima', a2Text: 'Verifikasi', a3Text: 'Tindak lanjut' },
      essay: { minWords: '10', maxWords: '300', graderInfo: 'Empati, solusi' },
    };
    for (const [type, fields] of Object.entries(forms)) {
      const res = await postFrom(authorAgent, `${bank()}/soal/baru?jenis=${type}`, `${bank()}/soal`, {
        type,
        category,
        name: `Soal ${type}`,
        text: `Teks ${type}`,
        points: '2',
        ...fields,
      });
      expect([type, res.status]).toEqual([type, 303]);
    }
    const stored = await Question.find({ category }).lean();
    expect(stored.map((q) => q.type).sort()).toEqual(Object.keys(forms).sort());
    const numerical = stored.find((q) => q.type === 'numerical')!;
    expect(numerical.data).toMatchObject({
      answers: [{ value: 14, tolerance: 0.5, fraction: 1 }],
      units: [
        { unit: 'hari', multiplier: 1 },
        { unit: 'jam', multiplier: 24 },
      ],
    });
    const multiple = stored.find((q) => q.type === 'multiple')!;
    expect(
      (multiple.data as { options: Array<{ fraction: number }> }).options.map((o) => o.fraction),
    ).toEqual([0.5, 0.5, -1]);
    const matching = stored.find((q) => q.type === 'matching')!;
    expect((matching.data as { choices: unknown[] }).choices).toHaveLength(3);
  });

  it('shows the form again with a message and keeps what was typed when a rule is broken', async () => {
    const res = await postFrom(authorAgent, `${bank()}/soal/baru?jenis=multiple`, `${bank()}/soal`, {
      type: 'multiple',
      category,
      name: 'Salah jumlah',
      text: 'Teks',
      points: '1',
      a1Text: 'Satu',
      a1Fraction: '50',
      a2Text: 'Dua',
      a2Fraction: '20',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Jumlah nilai pilihan yang benar harus tepat 100%');
    expect(res.text).toContain('value="Dua"');
    expect(await Question.countDocuments({ name: 'Salah jumlah' })).toBe(0);
  });

  it('edits an unused question in place and a used one as a new version', async () => {
    const q = (await Question.findOne({ type: 'single', category }).lean())!;
    const base = {
      type: 'single',
      category,
      name: 'Soal single',
      points: '2',
      a1Text: 'SP4N-LAPOR!',
      a1Fraction: '100',
      a2Text: 'Surat kaleng',
      a2Fraction: '0',
    };
    const edit = `${bank()}/soal/${q.entry}`;
    expect((await postFrom(authorAgent, edit, edit, { ...base, text: 'Teks diperbaiki' })).status).toBe(303);
    expect(await Question.countDocuments({ entry: q.entry })).toBe(1);
    await Attempt.create({
      quiz: q._id,
      course: course.courseId,
      courseVersion: 1,
      lessonKey: course.lessonKey,
      person: q._id,
      number: 1,
      startedAt: new Date(),
      passMark: 70,
      items: [{ question: q._id, entry: q.entry, points: 2 }],
    });
    expect((await postFrom(authorAgent, edit, edit, { ...base, text: 'Teks versi dua' })).status).toBe(303);
    const versions = await Question.find({ entry: q.entry }).sort({ version: 1 }).lean();
    expect(versions.map((v) => [v.version, v.isLatest, v.text])).toEqual([
      [1, false, 'Teks diperbaiki'],
      [2, true, 'Teks versi dua'],
    ]);
    await Attempt.deleteMany({});
  });

  it("answers another author's request for this bank exactly like a missing course", async () => {
    const foreign = await otherAuthor.get(bank());
    const missing = await otherAuthor.get('/bank-soal/5f0000000000000000000bad');
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    const q = (await Question.findOne({ category }).lean())!;
    expect((await otherAuthor.get(`${bank()}/soal/${q.entry}`)).status).toBe(404);
    expect((await learner.get(bank())).status).toBe(403);
  });
});

describe('quiz settings', () => {
  it('saves fixed questions, a random draw, dates in WIB and the review policy', async () => {
    const entries = (
      await Question.find({
        course: course.courseId,
        isLatest: true,
        type: trusted({ $in: ['single', 'truefalse'] }),
      }).lean()
    ).map((q) => String(q.entry));
    const top = (await QuestionCategory.findOne({ course: course.courseId, parent: null }).lean())!;
    const page = `${bank()}/kuis/${course.lessonKey}`;
    const res = await postFrom(authorAgent, page, page, {
      kind: 'posttest',
      entries,
      drawCategory: String(top._id),
      drawCount: '3',
      shuffleQuestions: 'on',
      timeLimitMinutes: '20',
      graceSeconds: '60',
      openDay: '2026-12-01',
      openTime: '08:00',
      closeDay: '2026-12-31',
      closeTime: '17:00',
      attemptsAllowed: '2',
      gradingMethod: 'average',
      passMark: '75',
      questionsPerPage: '2',
      reviewImmediately: ['marks', 'feedback'],
      reviewOpen: 'marks',
      reviewClosed: ['marks', 'correctness', 'rightAnswer'],
    });
    expect(res.status).toBe(303);
    const quiz = (await Quiz.findOne({ course: course.courseId, lessonKey: course.lessonKey }).lean())!;
    expect(quiz).toMatchObject({
      kind: 'posttest',
      timeLimitMinutes: 20,
      attemptsAllowed: 2,
      gradingMethod: 'average',
      passMark: 75,
      questionsPerPage: 2,
      shuffleQuestions: true,
      shuffleOptions: false,
    });
    expect(quiz.openAt!.toISOString()).toBe('2026-12-01T01:00:00.000Z');
    expect(quiz.slots).toHaveLength(3);
    expect(quiz.slots[2]).toMatchObject({ count: 3, includeSubcategories: true });
    expect(quiz.review).toEqual({
      immediately: ['marks', 'feedback'],
      open: ['marks'],
      closed: ['marks', 'correctness', 'rightAnswer'],
    });
  });

  it('refuses a question of another course and a close before the open', async () => {
    const page = `${bank()}/kuis/${course.lessonKey}`;
    const base = {
      kind: 'ordinary',
      timeLimitMinutes: '0',
      graceSeconds: '60',
      attemptsAllowed: '0',
      gradingMethod: 'highest',
      questionsPerPage: '1',
    };
    expect(
      (await postFrom(authorAgent, page, page, { ...base, entries: '5f0000000000000000000bad' })).status,
    ).toBe(422);
    const late = await postFrom(authorAgent, page, page, {
      ...base,
      openDay: '2026-12-02',
      closeDay: '2026-12-01',
    });
    expect(late.status).toBe(422);
    expect(late.text).toContain('Waktu tutup harus setelah waktu buka');
  });

  it('keeps per-person overrides of the dates, time and attempts, lists them, and removes one', async () => {
    const page = `${bank()}/kuis/${course.lessonKey}`;
    const action = `${page}/pengecualian`;
    const wrong = await postFrom(authorAgent, page, action, {
      person: 'asn@uji.go.id',
      extraMinutes: '15',
      extraAttempts: '1',
      openDay: '2026-12-10',
      closeDay: '2026-12-09',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('Waktu tutup harus setelah waktu buka');
    expect(wrong.text).toContain('value="asn@uji.go.id"');
    expect(wrong.text).toContain('value="2026-12-10"');
    const saved = await postFrom(authorAgent, page, action, {
      person: 'asn@uji.go.id',
      extraMinutes: '15',
      extraAttempts: '1',
      openDay: '2026-11-20',
      openTime: '07:30',
      closeDay: '2027-01-15',
      closeTime: '16:00',
    });
    expect(saved.status).toBe(303);
    const quiz = (await Quiz.findOne({ course: course.courseId, lessonKey: course.lessonKey }).lean())!;
    expect(quiz.overrides).toHaveLength(1);
    expect(quiz.overrides[0]).toMatchObject({ extraMinutes: 15, extraAttempts: 1 });
    expect(quiz.overrides[0].openAt!.toISOString()).toBe('2026-11-20T00:30:00.000Z');
    expect(quiz.overrides[0].closeAt!.toISOString()).toBe('2027-01-15T09:00:00.000Z');
    const listed = await authorAgent.get(page);
    expect(listed.text).toContain('Hapus pengecualian');
    const unknown = await postFrom(authorAgent, page, action, {
      person: 'tidak.ada@uji.go.id',
      extraMinutes: '5',
      extraAttempts: '0',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('Tidak ada peserta dengan NIP atau email ini.');
    const removed = await postFrom(authorAgent, page, action, {
      person: String(quiz.overrides[0].person),
      extraMinutes: '0',
      extraAttempts: '0',
    });
    expect(removed.status).toBe(303);
    expect(
      (await Quiz.findOne({ course: course.courseId, lessonKey: course.lessonKey }).lean())!.overrides,
    ).toHaveLength(0);
  });
});

describe('grading essays', () => {
  it('lists essays waiting, takes marks with a comment, and tells the learning feature once', async () => {
    await Quiz.deleteMany({});
    const essayOnly = questionsOfEveryType().filter((q) => q.type === 'essay' || q.type === 'truefalse');
    await quizWith(author, course, essayOnly);
    const page = await learner.get(`/kuis/${course.courseId}/${course.lessonKey}`);
    const started = await learner
      .post(`/kuis/${course.courseId}/${course.lessonKey}/mulai`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) });
    const url = String(started.headers.location);
    const form = await learner.get(url);
    await learner
      .post(url)
      .type('form')
      .send({
        _csrf: csrfTokenFrom(form.text),
        slots: '1,2',
        q1: 'false',
        q2: 'Saya mendengarkan warga, mencatat keluhannya, lalu menjelaskan langkah berikutnya.',
      });
    await learner
      .post(`${url}/kirim`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text) });
    expect(graded).toHaveLength(0);
    const queue = await authorAgent.get(`${bank()}/penilaian`);
    expect(queue.text).toContain('Saya mendengarkan warga');
    expect(queue.text).not.toContain('asn@uji.go.id');
    const attemptId = url.split('/').pop();
    const tooMany = await postFrom(authorAgent, `${bank()}/penilaian`, `${bank()}/penilaian/${attemptId}/2`, {
      marks: '5',
      comment: '',
    });
    expect(tooMany.status).toBe(422);
    const ok = await postFrom(authorAgent, `${bank()}/penilaian`, `${bank()}/penilaian/${attemptId}/2`, {
      marks: '0,5',
      comment: 'Tambahkan solusi.',
    });
    expect(ok.status).toBe(303);
    const done = (await Attempt.findById(attemptId).lean())!;
    expect(done).toMatchObject({ state: 'graded', scorePercent: 75, passed: true });
    expect(done.items[1]).toMatchObject({ fraction: 0.5, comment: 'Tambahkan solusi.' });
    expect(graded).toEqual([
      expect.objectContaining({
        courseId: course.courseId,
        lessonKey: course.lessonKey,
        scorePercent: 75,
        passed: true,
      }),
    ]);
    const again = await postFrom(authorAgent, `${bank()}/penilaian`, `${bank()}/penilaian/${attemptId}/2`, {
      marks: '1',
      comment: '',
    });
    expect(again.status).toBe(303);
    expect(graded).toHaveLength(1);
  });
});

describe('item analysis', () => {
  it('computes facility, discrimination, mean, median, SD and Cronbach’s alpha', () => {
    const points = new Map([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    const rows = [
      [1, 1, 1],
      [1, 1, 0],
      [1, 0, 0],
      [0, 0, 0],
    ].map(
      (r) =>
        new Map([
          ['a', r[0]],
          ['b', r[1]],
          ['c', r[2]],
        ]),
    );
    const s = analyse({ rows, points });
    expect(s.attempts).toBe(4);
    expect(s.mean).toBe(50);
    expect(s.median).toBe(50);
    expect(s.standardDeviation).toBeCloseTo(43.03, 2);
    expect(s.cronbachAlpha).toBe(0.75);
    expect(s.questions.map((q) => q.facility)).toEqual([75, 50, 25]);
    expect(s.questions[0].discrimination).toBeGreaterThan(0);
  });

  it('shows the report to the course’s authors', async () => {
    const res = await authorAgent.get(`${bank()}/kuis/${course.lessonKey}/statistik`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Alfa Cronbach');
    expect(res.text).not.toContain('asn@uji.go.id');
  });
});

describe('importing and exporting questions', () => {
  const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'quizzes', name));
  async function upload(agent: Agent, bytes: Buffer, name: string) {
    const page = await agent.get(`${bank()}/impor`);
    return agent.post(`${bank()}/impor`).field('_csrf', csrfTokenFrom(page.text)).attach('file', bytes, name);
  }

  it('previews a Moodle XML file with what cannot be imported, and saves nothing before confirmation', async () => {
    const before = await Question.countDocuments({ course: course.courseId });
    const res = await upload(authorAgent, fixture('moodle-export.xml'), 'soal.xml');
    expect(res.status).toBe(303);
    const preview = await authorAgent.get(String(res.headers.location));
    expect(preview.text).toContain('8 soal akan dibuat, 3 tidak dapat diimpor');
    expect(preview.text).toContain('jenis soal multianswer tidak didukung');
    expect(preview.text).toContain('14 ± 0.5 — 100%');
    expect(await Question.countDocuments({ course: course.courseId })).toBe(before);
    const applied = await authorAgent
      .post(String(res.headers.location))
      .type('form')
      .send({ _csrf: csrfTokenFrom(preview.text) });
    expect(applied.status).toBe(303);
    expect(await Question.countDocuments({ course: course.courseId })).toBe(before + 8);
    const again = await authorAgent
      .post(String(res.headers.location))
      .type('form')
      .send({ _csrf: csrfTokenFrom(preview.text) });
    expect(again.status).toBe(409);
    expect(
      await QuestionCategory.exists({ course: course.courseId, name: 'Default for ADUAN-01' }),
    ).toBeTruthy();
  });

  it('refuses hostile XML whole and escapes names in the preview', async () => {
    const xxe = Buffer.from(
      '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>',
    );
    const refused = await upload(authorAgent, xxe, 'xxe.xml');
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('DOCTYPE');
    const hostile = Buffer.from(
      '::"><img src=x onerror=alert(1)>::Teks{=a ~b}\n\n::Keterangan::Hanya teks\n',
    );
    const res = await upload(authorAgent, hostile, '<svg onload=alert(1)>.gift');
    const preview = await authorAgent.get(String(res.headers.location));
    expect(preview.text).not.toContain('<img src=x');
    expect(preview.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(preview.text).not.toContain('<svg');
  });

  it('reads back its CSV and XLSX templates: one question of every type, with fractions, tolerances and feedback', async () => {
    const { readQuestionFile } = await import('../../src/quizzes/question-import.service');
    const csv = await authorAgent.get(`${bank()}/templat-soal.csv`).buffer(true);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-disposition']).toContain('templat-soal.csv');
    const xlsx = await authorAgent.get(`${bank()}/templat-soal.xlsx`).buffer(true).parse(collectBytes);
    expect(xlsx.status).toBe(200);
    expect((await otherAuthor.get(`${bank()}/templat-soal.xlsx`)).status).toBe(404);
    for (const [bytes, name, format] of [
      [Buffer.from(csv.text, 'utf8'), 'templat.csv', 'csv'],
      [xlsx.body as Buffer, 'templat.xlsx', 'xlsx'],
    ] as const) {
      const read = await readQuestionFile(bytes, name);
      expect(read.format).toBe(format);
      expect(read.result.problems).toEqual([]);
      const byType = new Map(read.result.questions.map((q) => [q.question.type, q]));
      expect([...byType.keys()].sort()).toEqual([
        'essay',
        'matching',
        'multiple',
        'numerical',
        'ordering',
        'shortanswer',
        'single',
        'truefalse',
      ]);
      expect(byType.get('single')!.categoryPath).toEqual(['Modul 1']);
      expect(byType.get('multiple')!.question.data).toMatchObject({
        options: [
          { text: 'Panjang', fraction: 0.5 },
          { text: 'Unik untuk tiap layanan', fraction: 0.5 },
          { text: 'Tanggal lahir', fraction: -0.5, feedback: 'Mudah ditebak.' },
        ],
      });
      expect(byType.get('truefalse')!.question.data).toMatchObject({ correct: false });
      expect(byType.get('numerical')!.question.data).toMatchObject({
        answers: [{ value: 2, tolerance: 0, fraction: 1 }],
        units: [
          { unit: 'hari', multiplier: 1 },
          { unit: 'jam', multiplier: 24 },
        ],
      });
      const matching = byType.get('matching')!.question.data as { stems: unknown[]; choices: unknown[] };
      expect([matching.stems.length, matching.choices.length]).toEqual([2, 3]);
      expect(byType.get('essay')!.question).toMatchObject({
        points: 5,
        data: { minWords: 50, maxWords: 150 },
      });
    }
  });

  it('previews a spreadsheet row by row, refusing formula cells and unknown types, and saves on confirmation', async () => {
    const header = 'jenis,nama,teks,poin,jawaban_1,nilai_1,jawaban_2,nilai_2';
    const sheet = [
      header,
      'pilihan_tunggal,Baik,Ibu kota Sumatera Utara?,1,Medan,100,Binjai,0',
      'pilihan_tunggal,"=HYPERLINK(""http://evil.example"")",Teks,1,a,100,b,0',
      'cloze,Tidak didukung,Teks,1,a,100,,',
      'numerik,Angka salah,Berapa?,1,dua,100,,',
      'pilihan_tunggal,Tanpa kunci,Teks,1,a,50,b,0',
    ].join('\n');
    const before = await Question.countDocuments({ course: course.courseId });
    const res = await upload(authorAgent, Buffer.from(sheet), 'soal.csv');
    expect(res.status).toBe(303);
    const preview = await authorAgent.get(String(res.headers.location));
    expect(preview.text).toContain('soal.csv (CSV): 1 soal akan dibuat, 4 tidak dapat diimpor');
    expect(preview.text).toContain('Baris 3');
    expect(preview.text).toContain('sel nama berisi rumus');
    expect(preview.text).toContain('jenis soal cloze tidak didukung');
    expect(preview.text).toContain('kolom jawaban_1 harus berisi angka');
    expect(preview.text).toContain('Baris 6');
    expect(preview.text).not.toContain('evil.example"');
    expect(await Question.countDocuments({ course: course.courseId })).toBe(before);
    const applied = await authorAgent
      .post(String(res.headers.location))
      .type('form')
      .send({ _csrf: csrfTokenFrom(preview.text) });
    expect(applied.status).toBe(303);
    expect(await Question.countDocuments({ course: course.courseId })).toBe(before + 1);
    const wrongSheet = await upload(authorAgent, Buffer.from('nama,email\nA,a@b.c\n'), 'orang.csv');
    expect(wrongSheet.status).toBe(422);
    expect(wrongSheet.text).toContain('tidak memiliki kolom templat soal');
  });

  it('runs from the command line: a dry run prints each question or why not, --apply creates them', async () => {
    const { importQuestions } = await import('../../src/cli/import-questions');
    const lines: string[] = [];
    const options = {
      as: 'penulis@usu.ac.id',
      course: 'BANK-01',
      file: 'soal.xml',
      bytes: fixture('moodle-export.xml'),
    };
    const before = await Question.countDocuments({ course: course.courseId });
    expect(await importQuestions({ ...options, apply: false }, (l) => lines.push(l))).toBe(0);
    const out = lines.join('\n');
    expect(out).toContain('soal.xml: Moodle XML');
    expect(out).toMatch(/#1 single "Kanal resmi" 2 pt, category .*Modul 1/);
    expect(out).toContain('100%  SP4N-LAPOR!');
    expect(out).toMatch(/#2 multiple "Ciri kata sandi"/);
    expect(out).toContain('-50%  Tanggal lahir  (feedback: Mudah ditebak.)');
    expect(out).toContain('Registrasi -> Mencatat aduan');
    expect(out).toContain('unit jam × 24');
    expect(out).toContain('14 ± 0.5');
    expect(out).toContain('right answer: false');
    expect(out).toMatch(/"Cloze": not imported: question type multianswer is not supported/);
    expect(out).toContain('Checked: 8 to create, 3 not importable.');
    expect(out).toContain('Nothing saved');
    expect(await Question.countDocuments({ course: course.courseId })).toBe(before);
    lines.length = 0;
    expect(await importQuestions({ ...options, apply: true }, (l) => lines.push(l))).toBe(8);
    expect(lines.at(-1)).toBe('Saved: 8 questions added to BANK-01.');
    expect(await Question.countDocuments({ course: course.courseId })).toBe(before + 8);
    await expect(
      importQuestions({ ...options, as: 'penulis@unimed.ac.id', apply: true }, () => undefined),
    ).rejects.toThrow();
    await expect(
      importQuestions({ ...options, course: 'TIDAK-ADA', apply: false }, () => undefined),
    ).rejects.toThrow('No course TIDAK-ADA.');
    expect(await Question.countDocuments({ course: course.courseId })).toBe(before + 8);
  });

  it('exports Moodle XML that reads back, to the course’s authors only', async () => {
    const res = await authorAgent.get(`${bank()}/ekspor.xml`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('attachment; filename="bank-soal-BANK-01.xml"');
    const { importMoodleXml } = await import('../../src/quizzes/formats/moodle-xml');
    const back = importMoodleXml(res.text);
    expect(back.problems).toEqual([]);
    expect(back.questions.length).toBe(
      await Question.countDocuments({ course: course.courseId, isLatest: true, hidden: false }),
    );
    expect((await otherAuthor.get(`${bank()}/ekspor.xml`)).status).toBe(404);
    expect((await learner.get(`${bank()}/ekspor.gift`)).status).toBe(403);
  });
});
