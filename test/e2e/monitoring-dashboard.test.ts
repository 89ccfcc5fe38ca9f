// HR follow their OPD's learning on a 360 px phone: open the dashboard with its charts, filter by a
// unit kerja, download a table as XLSX that opens with the page's numbers and the PDF report. Every page passes axe,
// fits 360 px, and has no console error or CSP violation (the charts are inline SVG without style).
// Then a curator opens the course report on the same phone and downloads its lessons table as XLSX.
import { execFileSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import fs from 'node:fs/promises';
import { createOpd, createUser } from '../support/factories';
import { publishCourse } from '../support/learning';
import { insertDemoEnrolments } from '../../src/learning';
import { pageChecks } from './support/browser';
import { follow, PHONE, useJourney } from './support/journey';

let courseId = '';
const journey = useJourney(async () => {
  const opd = await createOpd({ code: 'DISKOMINFO', name: 'Dinas Komunikasi dan Informatika' });
  await createUser({ roles: ['hr'], opd, email: 'hr.pantau@browser.go.id', unitKerja: 'Sekretariat' });
  await createUser({ roles: ['curator'], email: 'kurator.pantau@browser.go.id' });
  const course = await publishCourse({ title: 'Literasi Data', jp: 12 });
  courseId = course.id;
  const people = [];
  for (const unitKerja of ['Sekretariat', 'Bidang Aplikasi', 'Bidang Aplikasi'])
    people.push(await createUser({ opd, unitKerja }));
  const now = new Date();
  await insertDemoEnrolments(
    people.map((p, i) => ({
      person: String(p._id),
      opd: String(opd._id),
      course: course.id,
      lessonsDone: i === 0 ? 99 : 1,
      source: 'self',
      enrolledAt: new Date(now.getTime() - 5 * 86_400_000),
      ...(i === 0 ? { completedAt: new Date(now.getTime() - 86_400_000) } : {}),
    })),
  );
});

describe('HR follow their OPD on a phone', () => {
  it('opens the dashboard, filters by unit kerja and downloads a table as XLSX and the PDF report; a curator the course report', async () => {
    const failures: string[] = [];
    await journey.inContext({ viewport: PHONE, acceptDownloads: true }, async (watched) => {
      const { page } = watched;
      await journey.signIn(watched, 'hr.pantau@browser.go.id');
      await page.goto(`${journey.base}/pemantauan`);
      failures.push(...(await pageChecks(watched)));
      expect(await page.textContent('[data-figure="people"]')).toBe('4');
      expect(await page.locator('main svg[role="img"]').count()).toBe(2);

      await page.selectOption('#filter-unit', 'Bidang Aplikasi');
      await follow(page, 'main form[action="/pemantauan"] button[type=submit]');
      failures.push(...(await pageChecks(watched)));
      expect(await page.textContent('[data-figure="people"]')).toBe('2');
      expect(await page.textContent('[data-figure="enrolled"]')).toBe('2');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('a[href^="/pemantauan/ekspor.xlsx?tabel=unit"]'),
      ]);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await fs.readFile((await download.path())!)) as unknown as ExcelJS.Buffer);
      const rows = workbook.worksheets[0].getSheetValues().filter(Boolean) as unknown[][];
      expect(rows).toHaveLength(2);
      expect(rows[1].slice(1, 4)).toEqual(['Bidang Aplikasi', 2, 2]);

      // The printable report of the filtered view: a PDF for the head of the OPD, with the unit in it.
      const [report] = await Promise.all([page.waitForEvent('download'), page.click('a[data-report-pdf]')]);
      const pdf = await fs.readFile((await report.path())!);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const text = execFileSync('pdftotext', ['-layout', (await report.path())!, '-'], { encoding: 'utf8' });
      expect(text).toContain('Unit kerja: Bidang Aplikasi');
      expect(text).toMatch(/Pegawai: 2\b/);
    });
    // The course report: three enrolments, one completed; the other two stopped at the second lesson.
    await journey.inContext({ viewport: PHONE, acceptDownloads: true }, async (watched) => {
      const { page } = watched;
      await journey.signIn(watched, 'kurator.pantau@browser.go.id');
      await page.goto(`${journey.base}/laporan-kursus/${courseId}`);
      failures.push(...(await pageChecks(watched)));
      expect(await page.textContent('[data-figure="enrolled"]')).toBe('3');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('a[href$="/ekspor.xlsx?tabel=pelajaran"]'),
      ]);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await fs.readFile((await download.path())!)) as unknown as ExcelJS.Buffer);
      const rows = (workbook.worksheets[0].getSheetValues().filter(Boolean) as unknown[][]).slice(1);
      expect(rows.map((r) => r.slice(3, 5))).toEqual([
        [3, 0],
        [1, 2],
        [1, 0],
      ]);
    });
    expect(failures).toEqual([]);
  }, 120_000);
});
