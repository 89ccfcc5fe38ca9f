// The people, import, institution and audit pages in a real browser (Debian Chromium): each page an
// admin and an HR user reach through them passes axe (no serious/critical finding), fits a 360 px
// phone, and has no console error or CSP violation — including the forms shown again with errors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createOpd, createUser } from '../support/factories';
import { pageChecks } from './support/browser';
import { DESKTOP, follow, useJourney } from './support/journey';
import { csvOf } from '../fixtures/people-files';
import { User } from '../../src/users/user.model';

let csvPath: string;

const journey = useJourney(async () => {
  const disdukcapil = await createOpd({
    code: 'DISDUKCAPIL',
    name: 'Dinas Kependudukan dan Pencatatan Sipil',
  });
  await createOpd({ code: 'BKPSDM', name: 'Badan Kepegawaian dan Pengembangan SDM', cityWideHr: true });
  await createUser({ roles: ['admin'], email: 'admin@browser.go.id' });
  await createUser({ roles: ['hr', 'learner'], email: 'hr@browser.go.id', opd: disdukcapil });
  await createUser({
    name: 'Budi <script>alert(1)</script> Siregar',
    opd: disdukcapil,
    email: 'budi@browser.go.id',
  });
  csvPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-')), 'pegawai.csv');
  fs.writeFileSync(
    csvPath,
    csvOf([
      [
        '199001012015031001',
        'Rina Sembiring, A.Md.',
        '',
        'PNS',
        'II/c',
        'Pengelola Data',
        'Sekretariat',
        'DISDUKCAPIL',
      ],
      ['199013012015031001', '"><img src=x onerror=alert(1)>', '', 'PNS', 'III/a', '', '', 'DISDUKCAPIL'],
    ]),
  );
});

const submit = (page: Page, selector = 'main form.card button[type=submit]') => follow(page, selector);

describe('people administration in a browser', () => {
  it('an admin works through every page; each passes the checks', async () => {
    const failures: string[] = [];
    await journey.inContext({ viewport: DESKTOP }, async (watched) => {
      const { page } = watched;
      await journey.signIn(watched, 'admin@browser.go.id');
      await page.goto(`${journey.base}/admin/users`);
      failures.push(...(await pageChecks(watched)));
      await page.goto(`${journey.base}/admin/users/new`);
      failures.push(...(await pageChecks(watched)));
      await page.fill('#field-nip', '19901301 201503 1 001');
      await page.fill('#field-name', 'Ahmad Fauzi');
      await page.selectOption('#field-golongan', 'III/a');
      await submit(page);
      expect(await page.textContent('#field-nip-error')).toBe(
        'Delapan digit pertama NIP harus tanggal lahir yang benar (TTTTBBHH).',
      );
      failures.push(...(await pageChecks(watched)));
      await page.fill('#field-nip', '19900505 201503 1 001');
      await submit(page);
      expect(await page.textContent('h1')).toBe('Pegawai ditambahkan');
      failures.push(...(await pageChecks(watched)));
      await follow(page, 'main a.button');
      failures.push(...(await pageChecks(watched)));
      const budi = await User.findOne({ email: 'budi@browser.go.id' }).lean();
      await page.goto(`${journey.base}/admin/users/${budi!._id}`);
      expect(await page.textContent('h1')).toBe('Budi <script>alert(1)</script> Siregar');
      failures.push(...(await pageChecks(watched)));
      await page.goto(`${journey.base}/admin/users/${budi!._id}/edit`);
      failures.push(...(await pageChecks(watched)));
      await page.goto(`${journey.base}/admin/institutions/new`);
      failures.push(...(await pageChecks(watched)));
      await page.goto(`${journey.base}/admin/audit?action=user`);
      failures.push(...(await pageChecks(watched)));
    });
    expect(failures).toEqual([]);
  }, 120_000);

  it('an HR user imports a file: upload, preview with problems, confirm', async () => {
    const failures: string[] = [];
    await journey.inContext({ viewport: DESKTOP }, async (watched) => {
      const { page } = watched;
      await journey.signIn(watched, 'hr@browser.go.id');
      await page.goto(`${journey.base}/admin/users/import`);
      failures.push(...(await pageChecks(watched)));
      await page.setInputFiles('#field-file', csvPath);
      await submit(page, 'main form[enctype="multipart/form-data"] button[type=submit]');
      expect(page.url()).toMatch(/\/admin\/users\/import\/[0-9a-f]{24}$/);
      expect(await page.textContent('main')).toContain('Ditolak: 1');
      failures.push(...(await pageChecks(watched)));
      await submit(page);
      expect(await page.textContent('main')).toContain(
        'Impor selesai: 1 dibuat, 0 diperbarui, 0 tidak berubah, 1 ditolak.',
      );
      failures.push(...(await pageChecks(watched)));
      await page.goto(`${journey.base}/`);
      failures.push(...(await pageChecks(watched)));
    });
    expect(failures).toEqual([]);
    expect(await User.countDocuments({ nip: '199001012015031001' })).toBe(1);
  }, 120_000);
});
