// Course authoring in a real browser (Debian Chromium): an author on a 360 px phone creates a
// course for Disdukcapil with a module, a text lesson with an image and a PDF download, previews
// and submits it; a curator on a desktop sees the changes and publishes it; a Disdukcapil learner
// finds it and a Dinas Pendidikan learner does not. Every page passes axe, fits 360 px, and has no
// console error or CSP violation.
import path from 'node:path';
import { createOpd, createUniversity, createUser } from '../support/factories';
import { pageChecks } from './support/browser';
import { DESKTOP, follow, PHONE, useJourney } from './support/journey';

const PACKAGE = path.join(__dirname, '..', 'fixtures', 'course-packages', 'UJI-01', 'files');

const journey = useJourney(async () => {
  const disdukcapil = await createOpd({
    code: 'DISDUKCAPIL',
    name: 'Dinas Kependudukan dan Pencatatan Sipil',
  });
  const disdik = await createOpd({ code: 'DISDIK', name: 'Dinas Pendidikan' });
  const usu = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  await createUser({ roles: ['author'], institution: usu, email: 'penulis@browser.ac.id' });
  await createUser({ roles: ['curator'], email: 'kurator@browser.go.id' });
  await createUser({ roles: ['learner'], opd: disdukcapil, email: 'asn.capil@browser.go.id' });
  await createUser({ roles: ['learner'], opd: disdik, email: 'asn.disdik@browser.go.id' });
});

let courseUrl = '';

describe('writing, reviewing and studying a course in a browser', () => {
  it('an author on a phone writes a course and submits it', async () => {
    const failures: string[] = [];
    await journey.inContext({ viewport: PHONE }, async (watched) => {
      const { page } = watched;
      await journey.signIn(watched, 'penulis@browser.ac.id');
      await page.goto(`${journey.base}/penulisan`);
      failures.push(...(await pageChecks(watched)));
      await follow(page, 'main a.button[href="/penulisan/baru"]');
      await page.fill('#field-code', 'KTP-EL-01');
      await page.fill('#field-title', 'Pelayanan KTP Elektronik yang Ramah');
      await page.fill('#field-summary', 'Melayani perekaman dan pencetakan KTP-el dengan tepat dan ramah.');
      await page.fill(
        '#field-objectives',
        'Menjelaskan syarat perekaman KTP-el\nMenangani antrean dengan tertib',
      );
      await page.fill('#field-jp', '2');
      await page.check('input[name=audienceAll][value=opds]');
      await page.check('input[name=audienceOpds] >> nth=0');
      await follow(page, 'main form.card button[type=submit]');
      courseUrl = page.url().replace(journey.base, '');
      expect(courseUrl).toMatch(/^\/penulisan\/[0-9a-f]{24}$/);
      failures.push(...(await pageChecks(watched)));

      await page.fill('#new-module', 'Perekaman data');
      await follow(page, 'form.inline-fields:has(#new-module) button[type=submit]');
      await page.setInputFiles('#image-file', path.join(PACKAGE, 'gembok.svg'));
      await follow(page, 'form.inline-fields:has(#image-file) button[type=submit]');
      expect(await page.textContent('#gambar')).toContain('files/gembok.svg');
      failures.push(...(await pageChecks(watched)));

      await follow(page, 'a:has-text("Tambah pelajaran")');
      await page.fill('#field-title', 'Syarat dan alur perekaman');
      await page.fill(
        '#field-body',
        '## Alur\n\n1. Ambil nomor antrean\n2. Verifikasi KK\n\n![Gembok data](files/gembok.svg)\n\n> [!PENTING]\n> Data warga dijaga kerahasiaannya.',
      );
      await follow(page, 'button[name=intent][value=preview]');
      expect(await page.textContent('.preview')).toContain('Data warga dijaga kerahasiaannya.');
      expect(await page.locator('.preview img[alt="Gembok data"]').count()).toBe(1);
      failures.push(...(await pageChecks(watched)));
      await follow(page, 'button[name=intent][value=save]');

      await page.goto(`${journey.base}${courseUrl}`);
      await follow(page, 'a:has-text("Tambah pelajaran")');
      await page.fill('#field-title', 'Formulir F-1.01');
      await page.selectOption('#field-kind', 'file');
      await page.fill('#field-body', 'Unduh dan pelajari formulir biodata penduduk.');
      await follow(page, 'button[name=intent][value=save]');
      await page.setInputFiles('#lesson-file', path.join(PACKAGE, 'ringkasan.pdf'));
      await follow(page, '#berkas button[type=submit]');
      expect(await page.textContent('#berkas')).toContain('ringkasan.pdf');
      failures.push(...(await pageChecks(watched)));

      await page.goto(`${journey.base}${courseUrl}`);
      await follow(page, 'a:has-text("Pratinjau") >> nth=0');
      expect(await page.locator('main img[alt="Gembok data"]').count()).toBe(1);
      failures.push(...(await pageChecks(watched)));
      await page.goto(`${journey.base}${courseUrl}`);
      await follow(page, 'form[action$="/ajukan"] button');
      expect(await page.textContent('main')).toContain('Sedang ditinjau');
      failures.push(...(await pageChecks(watched)));
    });
    expect(failures).toEqual([]);
  }, 180_000);

  it('a curator on a desktop sees what changed and publishes it', async () => {
    const failures: string[] = [];
    await journey.inContext({ viewport: DESKTOP }, async (watched) => {
      const { page } = watched;
      await journey.signIn(watched, 'kurator@browser.go.id');
      await page.goto(`${journey.base}/kurasi`);
      failures.push(...(await pageChecks(watched)));
      await follow(page, 'a:has-text("Pelayanan KTP Elektronik yang Ramah")');
      const changes = await page.textContent('main');
      expect(changes).toContain('Syarat dan alur perekaman');
      expect(changes).toContain('Formulir F-1.01');
      failures.push(...(await pageChecks(watched)));
      await page.fill('#field-comment', 'Materi jelas dan sesuai standar pelayanan.');
      await follow(page, 'form[action$="/terbitkan"] button');
      expect(await page.textContent('main')).toContain('Kursus diterbitkan.');
      failures.push(...(await pageChecks(watched)));
    });
    expect(failures).toEqual([]);
  }, 120_000);

  it('a learner of the audience studies it; a learner outside it never sees it', async () => {
    const courseId = courseUrl.split('/').pop();
    const failures: string[] = [];
    for (const [email, sees] of [
      ['asn.capil@browser.go.id', true],
      ['asn.disdik@browser.go.id', false],
    ] as const) {
      await journey.inContext({ viewport: PHONE }, async (watched) => {
        const { page } = watched;
        await journey.signIn(watched, email);
        await page.goto(`${journey.base}/kursus`);
        expect((await page.textContent('main'))!.includes('Pelayanan KTP Elektronik yang Ramah')).toBe(sees);
        failures.push(...(await pageChecks(watched)));
        const response = await page.goto(`${journey.base}/kursus/${courseId}`);
        expect(response!.status()).toBe(sees ? 200 : 404);
        if (sees) {
          await follow(page, 'main form[action$="/ikuti"] button'); // the player needs an enrolment
          await follow(page, 'a:has-text("Syarat dan alur perekaman")');
          expect(await page.locator('main img[alt="Gembok data"]').count()).toBe(1);
          // The image is served to this learner (it loads: natural width above 0).
          await page.locator('main img[alt="Gembok data"]').scrollIntoViewIfNeeded();
          await page.waitForFunction(() => {
            const img = document.querySelector('main img[alt="Gembok data"]') as HTMLImageElement | null;
            return !!img && img.complete && img.naturalWidth > 0;
          });
          failures.push(...(await pageChecks(watched)));
        }
      });
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
