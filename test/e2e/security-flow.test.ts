// Browser test of the personal-data duties: an admin signs in with password and a TOTP code, sees
// the privacy notice once and downloads "Data saya"; an HR officer opens a learner's record; the
// learner's "Data saya" then lists that access. Every page visited passes pageChecks (axe, 360 px,
// console errors, CSP violations).
import fs from 'node:fs/promises';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { pageChecks, type WatchedPage } from './support/browser';
import { DESKTOP, follow, useJourney } from './support/journey';
import { generateTotpSecret, totpCode } from '../../src/mfa/totp';
import { User } from '../../src/users/user.model';

let learnerId: string;
const secrets: Record<string, string> = {};

/** Seeds an enrolled second factor, as if the person had scanned the QR code earlier. */
async function seedSecondFactor(user: { _id: unknown }, key: string): Promise<void> {
  secrets[key] = generateTotpSecret();
  await User.updateOne(
    { _id: user._id },
    { $set: { 'mfa.enabled': true, 'mfa.secret': secrets[key], 'mfa.recoveryCodeHashes': [] } },
  );
}

const journey = useJourney({ app: { env: { MFA_REQUIRED: 'true' } } }, async () => {
  const bkpsdm = await createOpd({
    code: 'BKPSDM',
    name: 'Badan Kepegawaian dan Pengembangan SDM',
    cityWideHr: true,
  });
  const dinkes = await createOpd({ code: 'DINKES', name: 'Dinas Kesehatan' });
  const admin = await createUser({
    roles: ['admin'],
    opd: bkpsdm,
    email: 'admin@e2e.pemkomedan.go.id',
    name: 'Admin Keamanan, S.T.',
    privacyAcknowledged: false,
  });
  const hr = await createUser({
    roles: ['hr', 'learner'],
    opd: dinkes,
    email: 'hr@e2e.pemkomedan.go.id',
    name: 'Petugas Kepegawaian Dinkes',
  });
  const learner = await createUser({
    roles: ['learner'],
    opd: dinkes,
    email: 'peserta@e2e.pemkomedan.go.id',
    name: 'Nurul Hidayah, S.Kep.',
  });
  learnerId = String(learner._id);
  await seedSecondFactor(admin, 'admin');
  await seedSecondFactor(hr, 'hr');
});

async function signInWithPassword(watched: WatchedPage, email: string): Promise<void> {
  const { page } = watched;
  await page.goto(`${journey.base}/login`);
  expect(await pageChecks(watched)).toEqual([]);
  await page.fill('input[name=identifier]', email);
  await page.fill('input[name=password]', DEFAULT_PASSWORD);
  await follow(page, 'main button[type=submit]');
}

/** The second step: a code computed from the seeded secret at the app's clock. */
async function enterCode(watched: WatchedPage, key: string): Promise<void> {
  const { page } = watched;
  expect(new URL(page.url()).pathname).toBe('/login/mfa');
  expect(await pageChecks(watched)).toEqual([]);
  journey.testApp.clock.advance(30_000); // a fresh time step: a code is never accepted twice
  await page.fill('input[name=code]', totpCode(secrets[key], journey.testApp.clock()));
  await follow(page, 'main button[type=submit]');
}

async function downloadMyData(
  watched: WatchedPage,
): Promise<{ fileName: string; data: Record<string, unknown> }> {
  const { page } = watched;
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('a[href="/data-saya/unduh"]'),
  ]);
  const file = await download.path();
  return { fileName: download.suggestedFilename(), data: JSON.parse(await fs.readFile(file, 'utf8')) };
}

const withContext = (run: (watched: WatchedPage) => Promise<void>) =>
  journey.inContext({ viewport: DESKTOP, acceptDownloads: true }, run);

describe('the personal-data duties in a browser', () => {
  it('an admin signs in with password and TOTP, confirms the privacy notice once, and downloads Data saya', async () => {
    await withContext(async (watched) => {
      const { page } = watched;
      await signInWithPassword(watched, 'admin@e2e.pemkomedan.go.id');
      await enterCode(watched, 'admin');

      // First sign-in: the privacy notice, with its confirmation.
      expect(new URL(page.url()).pathname).toBe('/privasi');
      await expect(page.locator('h1').textContent()).resolves.toBe('Pemberitahuan pelindungan data pribadi');
      expect(await pageChecks(watched)).toEqual([]);
      await Promise.all([page.waitForNavigation(), page.click('form[action="/privasi/setuju"] button')]);
      expect(new URL(page.url()).pathname).toBe('/');
      expect(await pageChecks(watched)).toEqual([]);

      // Shown once: later pages are not sent to it, and it no longer asks.
      await page.goto(`${journey.base}/privasi`);
      expect(await page.locator('form[action="/privasi/setuju"]').count()).toBe(0);
      expect(await pageChecks(watched)).toEqual([]);

      await page.goto(`${journey.base}/data-saya`);
      expect(new URL(page.url()).pathname).toBe('/data-saya');
      await expect(page.locator('main').textContent()).resolves.toContain('Admin Keamanan, S.T.');
      expect(await pageChecks(watched)).toEqual([]);
      const { fileName, data } = await downloadMyData(watched);
      expect(fileName).toMatch(/^data-saya-\d{4}-\d{2}-\d{2}\.json$/);
      expect(data).toMatchObject({
        format: 'binaasn.personal-data.v1',
        profile: { name: 'Admin Keamanan, S.T.', roles: ['admin'], secondFactorEnabled: true },
      });
      expect(JSON.stringify(data)).not.toContain(secrets.admin);

      await page.goto(`${journey.base}/admin/akses?akun=hr%40e2e.pemkomedan.go.id`);
      expect(await pageChecks(watched)).toEqual([]);
    });
  }, 120_000);

  it("an HR officer views a learner's record, and the learner's Data saya lists that access", async () => {
    await withContext(async (watched) => {
      const { page } = watched;
      await signInWithPassword(watched, 'hr@e2e.pemkomedan.go.id');
      await enterCode(watched, 'hr');
      expect(new URL(page.url()).pathname).toBe('/');
      const response = await page.goto(`${journey.base}/admin/users/${learnerId}`);
      expect(response?.status()).toBe(200);
      await expect(page.locator('h1').textContent()).resolves.toBe('Nurul Hidayah, S.Kep.');
      expect(await pageChecks(watched)).toEqual([]);
    });

    await withContext(async (watched) => {
      const { page } = watched;
      await signInWithPassword(watched, 'peserta@e2e.pemkomedan.go.id');
      expect(new URL(page.url()).pathname).toBe('/'); // no second factor asked of a learner
      await page.click('nav.site-nav a[href="/data-saya"]');
      await page.waitForURL(`${journey.base}/data-saya`);
      const row = page.locator('table[aria-labelledby="access-heading"] tbody tr');
      await expect(row.count()).resolves.toBe(1);
      await expect(row.first().textContent()).resolves.toMatch(
        /Petugas Kepegawaian Dinkes[\s\S]*Dilihat[\s\S]*Halaman data pegawai/,
      );
      expect(await pageChecks(watched)).toEqual([]);
      const { data } = await downloadMyData(watched);
      expect(data.accessLog).toEqual([
        { at: expect.any(String), by: 'Petugas Kepegawaian Dinkes', kind: 'view', what: 'users.detail' },
      ]);
    });

    // And the admin page answers whose data the HR officer read.
    await withContext(async (watched) => {
      const { page } = watched;
      await signInWithPassword(watched, 'admin@e2e.pemkomedan.go.id');
      await enterCode(watched, 'admin');
      await page.goto(`${journey.base}/admin/akses?akun=hr%40e2e.pemkomedan.go.id`);
      await expect(page.locator('main').textContent()).resolves.toContain('Nurul Hidayah, S.Kep.');
      expect(await pageChecks(watched)).toEqual([]);
    });
  }, 180_000);
});
