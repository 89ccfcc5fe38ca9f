// A quiz in a real browser (Debian Chromium) on a 360 px phone: a learner starts a timed quiz, an
// answer is saved in the background (autosave), a reload finds it kept, a question is flagged, the
// summary lists what is unanswered, the submit goes from the summary, and the review shows what
// the policy allows right after (marks, correctness, feedback) but not the right answers. Every
// page passes axe, fits 360 px, and has no console error or CSP violation. Then the author, on the
// same phone: the import page's template downloads, a per-person override on the quiz settings page
// (listed in its table), and a regrade after a question is corrected (dry run, then applied).
import fs from 'node:fs/promises';
import { Question } from '../../src/quizzes/question.model';
import { updateQuestion } from '../../src/quizzes/bank.service';
import type { Actor } from '../../src/core/actor';
import { createUniversity, createUser } from '../support/factories';
import { actorOf, publishedQuizCourse, questionsOfEveryType, quizWith } from '../support/quizzes';
import { pageChecks } from './support/browser';
import { follow, PHONE, useJourney } from './support/journey';

let quizUrl: string;
let bankUrl: string;
let settingsUrl: string;
let authorActor: Actor;
let courseId: string;
const LEARNER_NAME = 'Rahmadani Siregar, S.Sos.';
const journey = useJourney(async (testApp) => {
  const usu = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  const author = await createUser({ roles: ['author'], institution: usu, email: 'penulis@browser.ac.id' });
  const curator = await createUser({ roles: ['curator'], email: 'kurator@browser.go.id' });
  await createUser({ roles: ['learner'], email: 'asn@browser.go.id', name: LEARNER_NAME });
  const course = await publishedQuizCourse(actorOf(author), actorOf(curator), 'KUIS-HP', testApp.clock());
  await quizWith(actorOf(author), course, questionsOfEveryType(), {
    timeLimitMinutes: 15,
    questionsPerPage: 4,
  });
  quizUrl = `/kuis/${course.courseId}/${course.lessonKey}`;
  bankUrl = `/bank-soal/${course.courseId}`;
  settingsUrl = `${bankUrl}/kuis/${course.lessonKey}`;
  authorActor = actorOf(author);
  courseId = course.courseId;
});

describe('taking a timed quiz on a phone', () => {
  it('keeps answers through a reload, flags, submits from the summary and shows the review as allowed', async () => {
    const failures: string[] = [];
    await journey.inContext({ viewport: PHONE }, async (watched) => {
      const { page } = watched;
      await journey.signIn(watched, 'asn@browser.go.id');
      await page.goto(`${journey.base}${quizUrl}`);
      failures.push(...(await pageChecks(watched)));
      await follow(page, 'main form button[type=submit]');
      expect(page.url()).toMatch(/\/percobaan\/[0-9a-f]{24}$/);
      expect(await page.textContent('#timer')).toContain('Sisa waktu');
      failures.push(...(await pageChecks(watched)));

      // Question 1 (single choice): the autosave stores it without leaving the page.
      const saved = page.waitForResponse((r) => r.url().endsWith('/simpan') && r.status() === 200);
      await page.check('input[name=q1] >> nth=0');
      const reply = await (await saved).json();
      expect(reply).toMatchObject({ saved: true, state: 'inProgress' });
      expect(JSON.stringify(reply)).not.toMatch(/fraction|feedback|correct/);
      const chosen = await page.getAttribute('input[name=q1] >> nth=0', 'value');
      await page.reload();
      expect(await page.isChecked(`input[name=q1][value="${chosen}"]`)).toBe(true);

      // Question 3 (true/false) answered and flagged, then on to the second page by the form.
      await page.check('input[name=q3][value=false]');
      await page.check('input[name=flag3]');
      await follow(page, 'main button[name=nav][value="2"]');
      expect(page.url()).toContain('halaman=2');
      expect(await page.getAttribute('.quiz-nav-item >> nth=2', 'aria-label')).toContain('ditandai');
      failures.push(...(await pageChecks(watched)));

      await follow(page, 'main button[name=nav][value=ringkasan]');
      expect(page.url()).toMatch(/\/ringkasan$/);
      expect(await page.textContent('main')).toContain('6 soal belum dijawab');
      failures.push(...(await pageChecks(watched)));

      await follow(page, 'main form.card button[type=submit]');
      expect(page.url()).toMatch(/\/tinjau$/);
      const review = (await page.textContent('main'))!;
      expect(review).toContain('Nilai');
      expect(review).toContain('TF-BENAR-RAHASIA'); // feedback is allowed right after
      expect(review).not.toContain('Jawaban yang benar');
      expect(review).not.toContain('KUNCI-SINGKAT');
      failures.push(...(await pageChecks(watched)));
    });
    expect(failures).toEqual([]);
  }, 90_000);

  it('lets the author download the import templates, give a learner more time and regrade after a correction', async () => {
    const failures: string[] = [];
    await journey.inContext({ viewport: PHONE, acceptDownloads: true }, async (watched) => {
      const { page } = watched;
      await journey.signIn(watched, 'penulis@browser.ac.id');

      // The import page offers both templates; each downloads with the columns the importer reads.
      await page.goto(`${journey.base}${bankUrl}/impor`);
      failures.push(...(await pageChecks(watched)));
      for (const kind of ['csv', 'xlsx']) {
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.click(`main a[href$="/templat-soal.${kind}"]`),
        ]);
        expect(download.suggestedFilename()).toBe(`templat-soal.${kind}`);
        const bytes = await fs.readFile((await download.path())!);
        if (kind === 'csv') expect(bytes.toString('utf8')).toMatch(/jenis.*jawaban_1/);
        else expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK'); // an XLSX is a ZIP
      }

      // A per-person override: 10 more minutes and one more attempt, then listed in the table.
      await page.goto(`${journey.base}${settingsUrl}`);
      failures.push(...(await pageChecks(watched)));
      await page.fill('#override-person', 'asn@browser.go.id');
      await page.fill('#override-extraMinutes', '10');
      await page.fill('#override-extraAttempts', '1');
      await follow(page, '#pengecualian form:has(#override-person) button[type=submit]');
      expect(page.url()).toContain(settingsUrl);
      const row = page.locator('#pengecualian table tbody tr', { hasText: LEARNER_NAME });
      expect(await row.count()).toBe(1);
      expect(await row.locator('td').nth(1).textContent()).toContain('10');
      failures.push(...(await pageChecks(watched)));

      // The true/false statement is corrected (a used question gets a new version): the dry run
      // lists the learner's attempt without changing it, then applying regrades it once.
      const tf = (await Question.findOne({ course: courseId, type: 'truefalse' }).lean())!;
      await updateQuestion(authorActor, courseId, String(tf.entry), String(tf.category), {
        type: 'truefalse',
        name: tf.name,
        idnumber: tf.idnumber,
        text: 'Kode OTP boleh dibagikan kepada petugas yang menelepon atas nama bank.',
        points: tf.points,
        generalFeedback: tf.generalFeedback,
        hints: tf.hints,
        shuffleOptions: tf.shuffleOptions,
        data: tf.data,
      } as never);
      await page.goto(`${journey.base}${settingsUrl}/penilaian-ulang`);
      const dry = (await page.textContent('main'))!;
      expect(dry).toContain(LEARNER_NAME);
      expect(dry).toContain('Nilai ulang 1 percobaan');
      failures.push(...(await pageChecks(watched)));
      await follow(page, 'main form.card button[type=submit]');
      expect(page.url()).toMatch(/\/penilaian-ulang$/);
      const applied = (await page.textContent('body'))!;
      expect(applied).toContain('1 percobaan dinilai ulang.');
      expect(applied).toContain('Tidak ada percobaan yang memakai versi soal lama.');
      failures.push(...(await pageChecks(watched)));
    });
    expect(failures).toEqual([]);
  }, 90_000);
});
