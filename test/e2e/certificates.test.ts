// Certificates in a real browser at 360 px: a learner opens "Sertifikat saya" and downloads their
// certificate; the verification address printed under its QR code, opened without signing in, says
// it is valid; HR of the OPD lists the certificates and downloads them all as a ZIP. Every page on
// the way passes axe, fits the phone, and has no console error or CSP violation.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUniversity, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { issueForTest, publishedTestCourse } from '../support/certificates';
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
let number = '';
let code = '';
const PHONE = { width: 360, height: 740 };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-sertifikat-'));

beforeAll(async () => {
  testApp = await createTestApp();
  rig = await startBrowserRig(testApp.app);
  ({ base, browser } = rig);
  testApp.config.baseUrl = base; // the QR code and the printed address use BASE_URL: here, the rig's
  const opd = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
  const usu = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  const courseId = await publishedTestCourse(usu);
  const learner = await createUser({ opd, email: 'ani@surel.go.id', name: "Ani Nur'aini Harahap, S.E." });
  const other = await createUser({ opd, email: 'bayu@surel.go.id', name: 'Bayu Simatupang' });
  await createUser({ roles: ['hr'], opd, email: 'hr@surel.go.id' });
  const cert = await issueForTest(learner._id, courseId);
  await issueForTest(other._id, courseId);
  ({ number, code } = cert);
}, 90_000);

afterAll(async () => {
  await rig?.close();
  await testApp?.close();
});

async function signIn(watched: WatchedPage, identifier: string): Promise<void> {
  await signInThroughForm(watched.page, base, identifier, DEFAULT_PASSWORD);
  if (watched.page.url().includes('/privasi'))
    await Promise.all([watched.page.waitForNavigation(), watched.page.click('main button[type=submit]')]);
}

async function download(page: Page, selector: string, name: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const target = path.join(dir, name);
  await file.saveAs(target);
  return target;
}

describe('certificates on a phone', () => {
  it('a learner downloads theirs, its QR address says valid, and HR downloads all as a ZIP', async () => {
    const failures: string[] = [];
    const learnerContext = await browser.newContext({ viewport: PHONE, acceptDownloads: true });
    const learner = await openWatchedPage(learnerContext);
    let verifyUrl = '';
    try {
      await signIn(learner, 'ani@surel.go.id');
      expect(await learner.page.getAttribute('nav a[href="/sertifikat"]', 'href')).toBe('/sertifikat');
      await learner.page.goto(`${base}/sertifikat`);
      expect(await learner.page.textContent('main')).toContain(number);
      failures.push(...(await pageChecks(learner)));
      const pdf = await download(learner.page, 'main a[href$="/unduh"]', 'sertifikat.pdf');
      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      expect(text).toContain("Ani Nur'aini Harahap, S.E.");
      verifyUrl = /http:\/\/127\.0\.0\.1:\d+\/verifikasi\/[A-Z2-7]{20}/.exec(text)![0];
      expect(verifyUrl).toBe(`${base}/verifikasi/${code}`);
    } finally {
      await learnerContext.close();
    }

    const visitorContext = await browser.newContext({ viewport: PHONE });
    const visitor = await openWatchedPage(visitorContext);
    try {
      await visitor.page.goto(verifyUrl);
      expect(await visitor.page.textContent('h2#verify-status')).toContain('SAH');
      expect(await visitor.page.textContent('main')).toContain("Ani Nur'aini Harahap, S.E.");
      failures.push(...(await pageChecks(visitor)));
      await visitor.page.goto(`${base}/verifikasi`);
      failures.push(...(await pageChecks(visitor)));
    } finally {
      await visitorContext.close();
    }

    const hrContext = await browser.newContext({ viewport: PHONE, acceptDownloads: true });
    const hr = await openWatchedPage(hrContext);
    try {
      await signIn(hr, 'hr@surel.go.id');
      await hr.page.goto(`${base}/admin/sertifikat`);
      expect(await hr.page.textContent('main')).toContain('Bayu Simatupang');
      failures.push(...(await pageChecks(hr)));
      const zip = fs.readFileSync(
        await download(hr.page, 'main a[href^="/admin/sertifikat/unduh.zip"]', 'semua.zip'),
      );
      expect(zip.subarray(0, 2).toString()).toBe('PK');
      expect(zip.includes(Buffer.from('manifest.csv'))).toBe(true);
    } finally {
      await hrContext.close();
    }
    expect(failures).toEqual([]);
  }, 180_000);
});
