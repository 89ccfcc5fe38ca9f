// The satisfaction survey in a real browser at 360 px: a citizen opens a unit's short link (the
// QR code's target), answers the nine elements and a suggestion, and sees the thank-you page; the
// OPD's HR then sees the answer counted, the grade, and the suggestion, and puts a clerk on the unit's
// staff; an admin adds a holiday to the due-date calendar. Every page on the way
// passes axe, fits the phone, and has no console error or CSP violation.
import { createOpd, createUser } from '../support/factories';
import { pageChecks } from './support/browser';
import { follow as submit, PHONE, useJourney } from './support/journey';
import { ServiceUnit } from '../../src/evaluation/service-unit.model';
import { defaultElements } from '../../src/evaluation/survey-template';

let unitId: string;
const CODE = 'ktpmedan';

// The unit page prints the survey's short link under BASE_URL: here, the rig's.
const journey = useJourney({ linksToRig: true }, async () => {
  const opd = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
  await createUser({ roles: ['hr'], email: 'hr@surel.go.id', opd });
  await createUser({ roles: ['admin'], email: 'admin@surel.go.id' });
  await createUser({ opd, name: 'Rina Petugas Loket', unitKerja: 'Bidang Pelayanan Pendaftaran Penduduk' });
  const unit = await ServiceUnit.create({
    opd: opd._id,
    name: 'Loket Pelayanan KTP-el',
    code: CODE,
    monthlyVolume: 3000,
    elements: defaultElements(),
  });
  unitId = String(unit._id);
});

describe('the satisfaction survey on a phone', () => {
  it('a citizen answers from the short link; HR sees the answer counted and the grade', async () => {
    const failures: string[] = [];
    await journey.inContext({ viewport: PHONE }, async (citizen) => {
      await citizen.page.goto(`${journey.base}/ikm/${CODE}`);
      expect(await citizen.page.textContent('h1')).toBe('Survei Kepuasan Masyarakat');
      failures.push(...(await pageChecks(citizen)));
      // A forgotten element: the form comes back with the message next to it and the answers kept.
      for (let n = 1; n <= 8; n++)
        await citizen.page.click(`label.scale-option:has(input[name=u${n}][value="4"])`);
      await submit(citizen.page, 'button.survey-submit');
      expect(await citizen.page.textContent('#err-u9')).toBe('Pilih salah satu jawaban.');
      expect(await citizen.page.isChecked('input[name=u1][value="4"]')).toBe(true);
      failures.push(...(await pageChecks(citizen)));
      await citizen.page.click('label.scale-option:has(input[name=u9][value="3"])');
      await citizen.page.selectOption('#field-feedbackKind', 'saran');
      await citizen.page.fill('#field-feedback', 'Mohon tambah kursi untuk lansia.');
      await submit(citizen.page, 'button.survey-submit');
      expect(citizen.page.url()).toBe(`${journey.base}/ikm/${CODE}/terima-kasih`);
      expect(await citizen.page.textContent('h1')).toBe('Terima kasih');
      failures.push(...(await pageChecks(citizen)));
    });

    await journey.inContext({ viewport: PHONE }, async (hr) => {
      await journey.signIn(hr, 'hr@surel.go.id');
      await hr.page.goto(`${journey.base}/unit-layanan`);
      failures.push(...(await pageChecks(hr)));
      await submit(hr.page, 'main table a[href$="' + unitId + '"]');
      expect(await hr.page.textContent('[data-testid=respondents]')).toBe('1');
      // (8 × 4 + 3) / 9 = 3.889 → 97.22: A
      expect(await hr.page.textContent('[data-testid=grade]')).toBe('A (Sangat Baik)');
      expect(await hr.page.textContent('main')).toContain(`${journey.base}/ikm/${CODE}`);
      failures.push(...(await pageChecks(hr)));
      await hr.page.goto(`${journey.base}/unit-layanan/${unitId}/masukan`);
      expect(await hr.page.textContent('main')).toContain('Mohon tambah kursi untuk lansia.');
      failures.push(...(await pageChecks(hr)));
      // The unit's staff: HR ticks the counter clerk; the impact view counts her.
      await hr.page.goto(`${journey.base}/unit-layanan/${unitId}/staf`);
      failures.push(...(await pageChecks(hr)));
      await hr.page.getByLabel(/Rina Petugas Loket/).check();
      await submit(hr.page, 'main form[action$="/staf"] button[type=submit]');
      expect(hr.page.url()).toContain('/dampak');
      expect(await hr.page.textContent('[data-testid=staff-count]')).toBe('Pegawai unit ini: 1 orang.');
      for (const path of ['dampak', 'instrumen', 'ubah'])
        await hr.page
          .goto(`${journey.base}/unit-layanan/${unitId}/${path}`)
          .then(async () => failures.push(...(await pageChecks(hr))));
      await hr.page.goto(`${journey.base}/unit-layanan/peringkat`);
      failures.push(...(await pageChecks(hr)));
      await hr.page.goto(`${journey.base}/`);
      failures.push(...(await pageChecks(hr)));
    });

    // The admin keeps the holidays that the complaints' due dates skip.
    await journey.inContext({ viewport: PHONE }, async (admin) => {
      await journey.signIn(admin, 'admin@surel.go.id');
      await admin.page.goto(`${journey.base}/admin/hari-libur?tahun=2026`);
      failures.push(...(await pageChecks(admin)));
      await admin.page.fill('#field-date', '2026-12-24');
      await admin.page.fill('#field-name', 'Cuti bersama Hari Raya Natal');
      await admin.page.selectOption('#field-kind', 'cuti_bersama');
      await submit(admin.page, 'main form[action="/admin/hari-libur"] button[type=submit]');
      expect(await admin.page.textContent('main')).toContain('Cuti bersama Hari Raya Natal');
      failures.push(...(await pageChecks(admin)));
    });
    expect(failures).toEqual([]);
  }, 120_000);
});
