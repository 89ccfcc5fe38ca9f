// A learner's journey in a real browser (Debian Chromium) on a 360 px phone: search the catalog,
// enrol, study every lesson of a short course while the progress bar moves, complete it, and see
// the JP on "Pembelajaran saya" and the notification (with its unread count in the folded menu).
// The course is studied in order: its second lesson shows as locked until the first is done.
// Every page passes axe, fits 360 px, and has no console error or CSP violation.
import type { Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { publishCourse } from '../support/learning';
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

beforeAll(async () => {
  testApp = await createTestApp();
  const opd = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
  await createUser({ roles: ['learner'], opd, email: 'asn.belajar@browser.go.id' });
  await publishCourse({
    title: 'Etika Pelayanan Publik Singkat',
    objectives: ['Menerapkan standar pelayanan dengan santun'],
    jp: 2,
    studyInOrder: true,
    modules: [
      [
        {
          title: 'Mengapa etika penting',
          body: '## Etika\n\nPelayanan yang **santun** membangun kepercayaan.',
        },
      ],
      [{ title: 'Standar pelayanan', body: 'Kenali *maklumat pelayanan* di unit Anda.' }],
    ],
  });
  await publishCourse({ title: 'Kursus Lain tentang Arsip', jp: 1 });
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

async function progressValue(watched: WatchedPage): Promise<number> {
  return Number(
    await watched.page.getAttribute(
      'main progress#course-progress, main progress[aria-labelledby="course-progress"]',
      'value',
    ),
  );
}

describe('a learner studies a course on a phone', () => {
  it('searches, enrols, studies every lesson, completes the course and sees the JP and the notification', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const watched = await openWatchedPage(context);
    const { page } = watched;
    const failures: string[] = [];
    try {
      await signInThroughForm(page, base, 'asn.belajar@browser.go.id', DEFAULT_PASSWORD);
      if (page.url().includes('/privasi')) await click(watched, 'main button[type=submit]');

      // The folded menu leads to the catalog; search it.
      await page.click('summary.nav-toggle');
      await click(watched, 'nav a[href="/kursus"]');
      failures.push(...(await pageChecks(watched)));
      await page.fill('#catalog-q', 'santun');
      await click(watched, 'form[role=search] button[type=submit]');
      expect(await page.textContent('main')).toContain('Etika Pelayanan Publik Singkat');
      expect(await page.textContent('main')).not.toContain('Kursus Lain tentang Arsip');
      failures.push(...(await pageChecks(watched)));

      await click(watched, 'main .course-card a');
      failures.push(...(await pageChecks(watched)));
      await click(watched, 'main form[action$="/ikuti"] button');
      expect(await page.textContent('main')).toContain('Anda terdaftar di kursus ini');
      // Studied in order: the second lesson waits for the first, and says so.
      expect(await page.textContent('main')).toContain('Terkunci: selesaikan dulu «Mengapa etika penting».');
      expect(await page.locator('main .lesson-list a').count()).toBe(1);
      failures.push(...(await pageChecks(watched)));

      await click(watched, 'main a.button[href*="/pelajaran/"]');
      expect(await progressValue(watched)).toBe(0);
      failures.push(...(await pageChecks(watched)));
      await click(watched, 'main form[data-mark-done] button');
      // On to the second lesson, with the bar at half.
      expect(await page.textContent('main h1')).toContain('Standar pelayanan');
      expect(await progressValue(watched)).toBe(50);
      failures.push(...(await pageChecks(watched)));
      await click(watched, 'main form[data-mark-done] button');

      // Complete: the course page says so at once, with the JP.
      expect(await page.textContent('main')).toContain('Selamat! Anda menyelesaikan kursus ini; 2 JP');
      expect(await progressValue(watched)).toBe(100);
      failures.push(...(await pageChecks(watched)));

      await page.click('summary.nav-toggle');
      expect(await page.textContent('summary.nav-toggle')).toContain('1');
      await click(watched, 'nav a[href="/pembelajaran"]');
      expect(await page.textContent('main')).toContain('2 dari 20 JP');
      expect(await page.getAttribute('main progress[aria-labelledby="jp-progress"]', 'value')).toBe('10');
      failures.push(...(await pageChecks(watched)));

      await page.click('summary.nav-toggle');
      await click(watched, 'nav a[href="/notifikasi"]');
      expect(await page.textContent('main')).toContain(
        'Anda menyelesaikan "Etika Pelayanan Publik Singkat": 2 JP dicatat.',
      );
      failures.push(...(await pageChecks(watched)));
      await click(watched, 'main form[action="/notifikasi/baca"] button');
      expect(await page.textContent('summary.nav-toggle')).not.toMatch(/\d/);
      failures.push(...(await pageChecks(watched)));
    } finally {
      await context.close();
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
