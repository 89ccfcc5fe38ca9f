// A quiz in a real browser (Debian Chromium) on a 360 px phone: a learner starts a timed quiz, an
// answer is saved in the background (autosave), a reload finds it kept, a question is flagged, the
// summary lists what is unanswered, the submit goes from the summary, and the review shows what
// the policy allows right after (marks, correctness, feedback) but not the right answers. Every
// page passes axe, fits 360 px, and has no console error or CSP violation.
import { createUniversity, createUser } from '../support/factories';
import { actorOf, publishedQuizCourse, questionsOfEveryType, quizWith } from '../support/quizzes';
import { pageChecks } from './support/browser';
import { follow, PHONE, useJourney } from './support/journey';

let quizUrl: string;
const journey = useJourney(async (testApp) => {
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
});
