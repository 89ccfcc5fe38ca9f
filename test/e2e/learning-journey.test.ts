// A learner's journey in a real browser (Debian Chromium) on a 360 px phone: search the catalog,
// enrol, study every lesson of a short course while the progress bar moves, complete it, and see
// the JP on "Pembelajaran saya" and the notification (with its unread count in the folded menu).
// The course is studied in order: its second lesson shows as locked until the first is done.
// Every page passes axe, fits 360 px, and has no console error or CSP violation.
import type { Page } from 'playwright-core';
import { createOpd, createUser } from '../support/factories';
import { publishCourse } from '../support/learning';
import { pageChecks } from './support/browser';
import { follow, PHONE, useJourney } from './support/journey';

const journey = useJourney(async () => {
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
});

async function progressValue(page: Page): Promise<number> {
  return Number(
    await page.getAttribute(
      'main progress#course-progress, main progress[aria-labelledby="course-progress"]',
      'value',
    ),
  );
}

describe('a learner studies a course on a phone', () => {
  it('searches, enrols, studies every lesson, completes the course and sees the JP and the notification', async () => {
    const failures: string[] = [];
    await journey.inContext({ viewport: PHONE }, async (watched) => {
      const { page } = watched;
      await journey.signIn(watched, 'asn.belajar@browser.go.id');

      // The folded menu leads to the catalog; search it.
      await page.click('summary.nav-toggle');
      await follow(page, 'nav a[href="/kursus"]');
      failures.push(...(await pageChecks(watched)));
      await page.fill('#catalog-q', 'santun');
      await follow(page, 'form[role=search] button[type=submit]');
      expect(await page.textContent('main')).toContain('Etika Pelayanan Publik Singkat');
      expect(await page.textContent('main')).not.toContain('Kursus Lain tentang Arsip');
      failures.push(...(await pageChecks(watched)));

      await follow(page, 'main .course-card a');
      failures.push(...(await pageChecks(watched)));
      await follow(page, 'main form[action$="/ikuti"] button');
      expect(await page.textContent('main')).toContain('Anda terdaftar di kursus ini');
      // Studied in order: the second lesson waits for the first, and says so.
      expect(await page.textContent('main')).toContain('Terkunci: selesaikan dulu «Mengapa etika penting».');
      expect(await page.locator('main .lesson-list a').count()).toBe(1);
      failures.push(...(await pageChecks(watched)));

      await follow(page, 'main a.button[href*="/pelajaran/"]');
      expect(await progressValue(page)).toBe(0);
      failures.push(...(await pageChecks(watched)));
      await follow(page, 'main form[data-mark-done] button');
      // On to the second lesson, with the bar at half.
      expect(await page.textContent('main h1')).toContain('Standar pelayanan');
      expect(await progressValue(page)).toBe(50);
      failures.push(...(await pageChecks(watched)));
      await follow(page, 'main form[data-mark-done] button');

      // Complete: the course page says so at once, with the JP.
      expect(await page.textContent('main')).toContain('Selamat! Anda menyelesaikan kursus ini; 2 JP');
      expect(await progressValue(page)).toBe(100);
      failures.push(...(await pageChecks(watched)));

      await page.click('summary.nav-toggle');
      expect(await page.textContent('summary.nav-toggle')).toContain('1');
      await follow(page, 'nav a[href="/pembelajaran"]');
      expect(await page.textContent('main')).toContain('2 dari 20 JP');
      expect(await page.getAttribute('main progress[aria-labelledby="jp-progress"]', 'value')).toBe('10');
      failures.push(...(await pageChecks(watched)));

      await page.click('summary.nav-toggle');
      await follow(page, 'nav a[href="/notifikasi"]');
      expect(await page.textContent('main')).toContain(
        'Anda menyelesaikan "Etika Pelayanan Publik Singkat": 2 JP dicatat.',
      );
      failures.push(...(await pageChecks(watched)));
      await follow(page, 'main form[action="/notifikasi/baca"] button');
      expect(await page.textContent('summary.nav-toggle')).not.toMatch(/\d/);
      failures.push(...(await pageChecks(watched)));
    });
    expect(failures).toEqual([]);
  }, 120_000);
});
