// Certificates in a real browser at 360 px: a learner opens "Sertifikat saya" and downloads their
// certificate; the verification address printed under its QR code, opened without signing in, says
// it is valid; HR of the OPD lists the certificates and downloads them all as a ZIP. Then the learner
// downloads the Open Badges credential, a curator reissues a certificate through the form and the
// old one's verification page says it was replaced, and an admin uploads a university's logo. Every
// page on the way passes axe, fits the phone, and has no console error or CSP violation.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createOpd, createUniversity, createUser } from '../support/factories';
import { issueForTest, publishedTestCourse } from '../support/certificates';
import { png } from '../fixtures/images';
import { pageChecks } from './support/browser';
import { follow, PHONE, useJourney } from './support/journey';

let number = '';
let code = '';
let otherCode = '';
let otherNumber = '';
let usuId = '';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-sertifikat-'));

// The QR code and the printed address use BASE_URL: here, the rig's.
const journey = useJourney({ linksToRig: true, timeoutMs: 90_000 }, async () => {
  const opd = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
  const usu = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  usuId = String(usu._id);
  const courseId = await publishedTestCourse(usu);
  const learner = await createUser({ opd, email: 'ani@surel.go.id', name: "Ani Nur'aini Harahap, S.E." });
  const other = await createUser({ opd, email: 'bayu@surel.go.id', name: 'Bayu Simatupang' });
  await createUser({ roles: ['hr'], opd, email: 'hr@surel.go.id' });
  await createUser({ roles: ['curator'], email: 'kurator@surel.go.id' });
  await createUser({ roles: ['admin'], email: 'admin@surel.go.id' });
  const cert = await issueForTest(learner._id, courseId);
  ({ code: otherCode, number: otherNumber } = await issueForTest(other._id, courseId));
  ({ number, code } = cert);
});

async function download(page: Page, selector: string, name: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const target = path.join(dir, name);
  await file.saveAs(target);
  return target;
}

describe('certificates on a phone', () => {
  it('a learner downloads theirs, its QR address says valid, and HR downloads all as a ZIP', async () => {
    const failures: string[] = [];
    let verifyUrl = '';
    await journey.inContext({ viewport: PHONE, acceptDownloads: true }, async (learner) => {
      await journey.signIn(learner, 'ani@surel.go.id');
      expect(await learner.page.getAttribute('nav a[href="/sertifikat"]', 'href')).toBe('/sertifikat');
      await learner.page.goto(`${journey.base}/sertifikat`);
      expect(await learner.page.textContent('main')).toContain(number);
      failures.push(...(await pageChecks(learner)));
      const pdf = await download(learner.page, 'main a[href$="/unduh"]', 'sertifikat.pdf');
      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      expect(text).toContain("Ani Nur'aini Harahap, S.E.");
      verifyUrl = /http:\/\/127\.0\.0\.1:\d+\/verifikasi\/[A-Z2-7]{20}/.exec(text)![0];
      expect(verifyUrl).toBe(`${journey.base}/verifikasi/${code}`);
    });

    await journey.inContext({ viewport: PHONE }, async (visitor) => {
      await visitor.page.goto(verifyUrl);
      expect(await visitor.page.textContent('h2#verify-status')).toContain('SAH');
      expect(await visitor.page.textContent('main')).toContain("Ani Nur'aini Harahap, S.E.");
      failures.push(...(await pageChecks(visitor)));
      await visitor.page.goto(`${journey.base}/verifikasi`);
      failures.push(...(await pageChecks(visitor)));
    });

    await journey.inContext({ viewport: PHONE, acceptDownloads: true }, async (hr) => {
      await journey.signIn(hr, 'hr@surel.go.id');
      await hr.page.goto(`${journey.base}/admin/sertifikat`);
      expect(await hr.page.textContent('main')).toContain('Bayu Simatupang');
      failures.push(...(await pageChecks(hr)));
      const zip = fs.readFileSync(
        await download(hr.page, 'main a[href^="/admin/sertifikat/unduh.zip"]', 'semua.zip'),
      );
      expect(zip.subarray(0, 2).toString()).toBe('PK');
      expect(zip.includes(Buffer.from('manifest.csv'))).toBe(true);
    });
    expect(failures).toEqual([]);
  }, 180_000);
  it('the learner downloads the Open Badge, a curator reissues, and an admin uploads a logo', async () => {
    const failures: string[] = [];
    await journey.inContext({ viewport: PHONE, acceptDownloads: true }, async (learner) => {
      await journey.signIn(learner, 'ani@surel.go.id');
      await learner.page.goto(`${journey.base}/sertifikat`);
      const file = await download(learner.page, 'main a[href$="/openbadge.json"]', 'openbadge.json');
      const credential = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        type: string[];
        credentialSubject: { achievement: { name: string } };
        proof: { type: string };
      };
      expect(credential.type).toContain('OpenBadgeCredential');
      expect(credential.credentialSubject.achievement.name).toBe(
        (await learner.page.textContent('main li.card h2'))!.trim(),
      );
      expect(credential.proof.type).toBe('DataIntegrityProof');
      // The same credential as a VC-JWT (RS256), for wallets that want OB 3.0's JWT proof format.
      const jwt = fs.readFileSync(
        await download(learner.page, 'main a[href$="/openbadge.jwt"]', 'badge.jwt'),
        'utf8',
      );
      const [header, payload] = jwt
        .split('.')
        .slice(0, 2)
        .map(
          (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>,
        );
      expect(header.alg).toBe('RS256');
      expect(payload.jti).toBe((credential as unknown as { id: string }).id);
    });

    await journey.inContext({ viewport: PHONE }, async (curator) => {
      await journey.signIn(curator, 'kurator@surel.go.id');
      await curator.page.goto(`${journey.base}/admin/sertifikat`);
      const row = curator.page.locator('main tr', { hasText: 'Bayu Simatupang' });
      await row.locator('summary', { hasText: 'Terbitkan ulang' }).click();
      await row.locator('textarea[name=reason]').last().fill('Nama pada sertifikat salah ketik');
      await Promise.all([
        curator.page.waitForNavigation(),
        row.locator('button', { hasText: 'Terbitkan sertifikat pengganti' }).click(),
      ]);
      const replacement = /Sertifikat pengganti (\S+) telah diterbitkan/.exec(
        (await curator.page.textContent('main'))!,
      )?.[1];
      expect(replacement).toBeDefined();
      // The list shows the new certificate as replacing the old one.
      expect(await curator.page.textContent('main')).toContain(`menggantikan ${otherNumber}`);
      failures.push(...(await pageChecks(curator)));
      await curator.page.goto(`${journey.base}/verifikasi/${otherCode}`);
      const status = (await curator.page.textContent('h2#verify-status'))!;
      expect(status).toContain('DIGANTI');
      expect(status).toContain(replacement);
      failures.push(...(await pageChecks(curator)));
    });

    await journey.inContext({ viewport: PHONE }, async (admin) => {
      await journey.signIn(admin, 'admin@surel.go.id');
      await admin.page.goto(`${journey.base}/admin/institutions/${usuId}/edit`);
      expect(await admin.page.textContent('main')).toContain('Belum ada logo.');
      failures.push(...(await pageChecks(admin)));
      await admin.page.setInputFiles('#logo', {
        name: 'logo-usu.png',
        mimeType: 'image/png',
        buffer: png(120, 120),
      });
      await follow(admin.page, 'form[action$="/logo"] button[type=submit]');
      expect(await admin.page.textContent('main')).toContain('Logo telah disimpan');
      const logo = admin.page.locator('img.institution-logo');
      await logo.waitFor();
      expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(120);
      failures.push(...(await pageChecks(admin)));
    });
    expect(failures).toEqual([]);
  }, 180_000);
});
