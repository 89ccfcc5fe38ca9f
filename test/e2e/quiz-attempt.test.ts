// A quiz in a real browser (Debian Chromium) on a 360 px phone: a learner starts a timed quiz, an
// answer is saved in the background (autosave), a reload finds it kept, a question is flagged, the
// summary lists what is unanswered, the submit goes from the summary, and the review shows what
// the policy allows right after (marks, correctness, feedback) but not the right answers. Every
// page passes axe, fits 360 px, and has no console error or CSP violation.
import type { Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app';
import { createUniversity, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { actorOf, publishedQuizCourse, questionsOfEveryType, quizWith } from '../support/quizzes';
import {
  openWatchedPage,
  pageChecks,
  signInThroughForm,
  startBrowserRig,
  type BrowserRig,
  type WatchedPage,
} from './support/browser';

let testApp: TestApp;
let rig: BrowserRig;
let browser: Browser;
let base: string;
let quizUrl: string;

beforeAll(async () => {
  testApp = await createTestApp();
  const usu = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  const author = await createUser({ roles: ['author'], institution: usu, email: 'penulis@browser.ac.id' });
  const curator = await createUser({ roles: ['curator'], email: 'kurator@browser.go.id' });
  await createUser({ roles: ['learner'], email: 'asn@browser.go.id' });
  const course = await publishedQuizCourse(actorOf(author), actorOf(curator), 'KUIS-HP', testApp.clock());
  await quizWith(actorOf(author), course, questionsOfEveryType(), {
    timeLimitMinutes: 15,
    questionsPerPage: 4,
  });
  quizUrl = `/kuis/${course.courseId}/${course.lessonKey}`;
  rig = await startBrowserRig(testApp.app);
  ({ base, browser } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.close();
  await testApp?.close();
});

async function click(watched: WatchedPage, selector: string): Promise<void> {
  await Promise.all([watched.page.waitForNavigation(), watched.page.click(selector)]);
}

describe('taking a timed quiz on a phone', () => {
  it('keeps answers through a reload, flags, submits from the summary and shows the review as allowed', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const watched = await openWatchedPage(context);
    const { page } = watched;
    const failures: string[] = [];
    try {
      await signInThroughForm(page, base, 'asn@browser.go.id', DEFAULT_PASSWORD);
      if (page.url().includes('/privasi')) await click(watched, 'main button[type=submit]');
      await page.goto(`${base}${quizUrl}`);
      failures.push(...(await pageChecks(watched)));
      await click(watched, 'main form button[type=submit]');
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
      await click(watched, 'main button[name=nav][value="2"]');
      expect(page.url()).toContain('halaman=2');
      expect(await page.getAttribute('.quiz-nav-item >> nth=2', 'aria-label')).toContain('ditandai');
      failures.push(...(await pageChecks(watched)));

      await click(watched, 'main button[name=nav][value=ringkasan]');
      expect(page.url()).toMatch(/\/ringkasan$/);
      expect(await page.textContent('main')).toContain('6 soal belum dijawab');
      failures.push(...(await pageChecks(watched)));

      await click(watched, 'main form.card button[type=submit]');
      expect(page.url()).toMatch(/\/tinjau$/);
      const review = (await page.textContent('main'))!;
      expect(review).toContain('Nilai');
      expect(review).toContain('TF-BENAR-RAHASIA'); // feedback is allowed right after
      expect(review).not.toContain('Jawaban yang benar');
      expect(review).not.toContain('KUNCI-SINGKAT');
      failures.push(...(await pageChecks(watched)));
    } finally {
      await context.close();
    }
    expect(failures).toEqual([]);
  }, 90_000);
});
