// Invitations and "lupa kata sandi" in a real browser at 360 px, without a mail server (the admin
// outbox): HR imports three people and invites them; one opens the invitation read from the outbox,
// sets a password and signs in; another asks for a link on the forgotten-password page and does the
// same. Every page on the way passes axe, fits the phone, and has no console error or CSP violation.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOpd, createUser } from '../support/factories';
import { pageChecks, type WatchedPage } from './support/browser';
import { follow as submit, PHONE, useJourney } from './support/journey';
import { csvOf } from '../fixtures/people-files';
import { Mail } from '../../src/mail/mail.model';

let csvPath: string;

const ANI_PASSWORD = 'Durian#Medan2026';
const BAYU_PASSWORD = 'Bolu#Meranti2026';

// Mails link to BASE_URL: here, the address the rig listens on.
const journey = useJourney({ linksToRig: true }, async () => {
  const opd = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
  await createUser({ roles: ['admin'], email: 'admin@surel.go.id' });
  await createUser({ roles: ['hr', 'learner'], email: 'hr@surel.go.id', opd });
  csvPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-')), 'pegawai-baru.csv');
  fs.writeFileSync(
    csvPath,
    csvOf([
      [
        '199001012015031001',
        'Ani Harahap, S.E.',
        'ani@surel.go.id',
        'PNS',
        'III/a',
        'Analis',
        'Sekretariat',
        'DISDUKCAPIL',
      ],
      [
        '199202022016032002',
        'Bayu Simatupang',
        'bayu@surel.go.id',
        'PNS',
        'II/c',
        'Pengelola Data',
        '',
        'DISDUKCAPIL',
      ],
      [
        '199303032017031003',
        'Citra Nainggolan, A.Md.',
        'citra@surel.go.id',
        'PNS',
        'II/c',
        '',
        '',
        'DISDUKCAPIL',
      ],
    ]),
  );
});

async function setPassword(watched: WatchedPage, password: string, failures: string[]): Promise<void> {
  const { page } = watched;
  failures.push(...(await pageChecks(watched)));
  await page.fill('#field-password', password);
  await page.fill('#field-confirmPassword', password);
  await submit(page, 'main form button[type=submit]');
  expect(await page.textContent('h1')).toBe('Kata sandi tersimpan');
  failures.push(...(await pageChecks(watched)));
}

describe('mail in a browser on a phone', () => {
  it('HR imports three people and invites them; one accepts from the outbox, another uses "lupa kata sandi"', async () => {
    const failures: string[] = [];
    await journey.inContext({ viewport: PHONE }, async (hr) => {
      await journey.signIn(hr, 'hr@surel.go.id');
      await hr.page.goto(`${journey.base}/admin/users/import`);
      await hr.page.setInputFiles('#field-file', csvPath);
      await submit(hr.page, 'main form[enctype="multipart/form-data"] button[type=submit]');
      await submit(hr.page, 'main form.card button[type=submit]');
      expect(await hr.page.textContent('main')).toContain('Impor selesai: 3 dibuat');
      failures.push(...(await pageChecks(hr)));
      await submit(hr.page, 'main form[action^="/admin/undangan/impor/"] button[type=submit]');
      expect(hr.page.url()).toBe(`${journey.base}/admin/undangan`);
      expect(await hr.page.textContent('main')).toContain('3 undangan dikirim.');
      expect(await hr.page.textContent('main')).toContain('Citra Nainggolan, A.Md.');
      failures.push(...(await pageChecks(hr)));
    });

    // The admin reads Ani's invitation in the outbox and hands its link over.
    let link = '';
    await journey.inContext({ viewport: PHONE }, async (admin) => {
      await journey.signIn(admin, 'admin@surel.go.id');
      await admin.page.goto(`${journey.base}/admin/outbox`);
      expect(await admin.page.textContent('main')).toContain('ani@surel.go.id');
      failures.push(...(await pageChecks(admin)));
      const ani = await Mail.findOne({ to: 'ani@surel.go.id' }).lean();
      await admin.page.goto(`${journey.base}/admin/outbox/${ani!._id}`);
      failures.push(...(await pageChecks(admin)));
      link = (await admin.page.getAttribute('main ul.mail-links a', 'href'))!;
      expect(link).toMatch(/\/atur-sandi\/[A-Za-z0-9_-]{43}$/);
    });

    await journey.inContext({ viewport: PHONE }, async (ani) => {
      await ani.page.goto(link);
      expect(await ani.page.textContent('h1')).toBe('Selamat datang di BinaASN');
      await setPassword(ani, ANI_PASSWORD, failures);
      await journey.signIn(ani, '19900101 201503 1 001', ANI_PASSWORD);
      expect(ani.page.url()).toBe(`${journey.base}/`);
      await ani.page.goto(`${journey.base}/akun/notifikasi`);
      failures.push(...(await pageChecks(ani)));
      await ani.page.goto(link);
      expect(await ani.page.textContent('h1')).toBe('Tautan sudah dipakai');
      failures.push(...(await pageChecks(ani)));
    });

    await journey.inContext({ viewport: PHONE }, async (bayu) => {
      await bayu.page.goto(`${journey.base}/login`);
      await submit(bayu.page, 'main a[href="/lupa-sandi"]');
      failures.push(...(await pageChecks(bayu)));
      await bayu.page.fill('#field-identifier', 'bayu@surel.go.id');
      await submit(bayu.page, 'main form button[type=submit]');
      expect(await bayu.page.textContent('main')).toContain(
        'tautan untuk mengatur ulang kata sandi sudah dikirim',
      );
      failures.push(...(await pageChecks(bayu)));
      let reset = null;
      for (let i = 0; i < 50 && !reset; i++) {
        reset = await Mail.findOne({ to: 'bayu@surel.go.id', kind: 'passwordReset' }).lean();
        if (!reset) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const resetLink = /http:\/\/\S+\/atur-sandi\/\S+/.exec(reset!.text!)![0];
      await bayu.page.goto(resetLink);
      expect(await bayu.page.textContent('h1')).toBe('Atur ulang kata sandi');
      await setPassword(bayu, BAYU_PASSWORD, failures);
      await journey.signIn(bayu, 'bayu@surel.go.id', BAYU_PASSWORD);
      expect(bayu.page.url()).toBe(`${journey.base}/`);
    });
    expect(failures).toEqual([]);
  }, 180_000);
});
