// Demo data: realistic, valid and idempotent (seeding twice changes nothing).
import { createTestApp, type TestApp } from '../support/app';
import { completeDemoActivity, seedDemoData, DEMO_PASSWORDS } from '../../src/cli/seed-data';
import { formatSeedReport } from '../../src/cli/seed';
import { User } from '../../src/users/user.model';
import { Institution } from '../../src/institutions/institution.model';
import { isValidNip } from '../../src/users/nip';
import { isValidGolongan, type EmployeeType } from '../../src/users/ranks';
import { signedInAgent } from '../support/auth';
import { Attempt } from '../../src/quizzes/attempt.model';
import { Question } from '../../src/quizzes/question.model';
import { courseLearningGain } from '../../src/quizzes';
import { courseIdByCode } from '../../src/courses';
import { Enrolment, JpCredit } from '../../src/learning/enrolment.model';
import { Certificate } from '../../src/certificates/certificate.model';
import { CourseEvaluation } from '../../src/evaluation/course-evaluation.model';
import { wibDay } from '../../src/core/wib';
import { parse as parseCsv } from 'csv-parse/sync';

let t: TestApp;
// The demo's year of learning ends on the latest 1 December (WIB) before today, so the year it fills
// is a whole year whatever the day the test runs (early in a year, the year so far holds little JP).
const today = new Date();
const decemberThisYear = new Date(`${wibDay(today).slice(0, 4)}-11-30T17:00:00Z`);
const learningEnds =
  decemberThisYear.getTime() <= today.getTime()
    ? decemberThisYear
    : new Date(`${Number(wibDay(today).slice(0, 4)) - 1}-11-30T17:00:00Z`);
const demoYear = Number(wibDay(learningEnds).slice(0, 4));

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t.close();
});

describe('seeding the demo data', () => {
  it('creates OPDs, universities, one account per role and 200 learners', async () => {
    const report = await seedDemoData({ now: learningEnds });
    expect(report.institutions).toEqual({ created: 22, existing: 0 });
    expect(report.people).toEqual({ created: 207, existing: 0 });
    expect(await Institution.countDocuments({ kind: 'opd' })).toBe(17);
    expect(await Institution.countDocuments({ kind: 'university' })).toBe(5);
    for (const role of ['admin', 'curator', 'hr', 'author'] as const)
      expect(await User.countDocuments({ roles: role })).toBeGreaterThan(0);
    const people = await User.find({}).select('nip employeeType golongan opd roles').lean();
    for (const p of people.filter((x) => x.nip)) {
      expect(isValidNip(p.nip!)).toBe(true);
      expect(isValidGolongan(p.employeeType as EmployeeType, p.golongan)).toBe(true);
    }
    expect(formatSeedReport(report)).toContain(DEMO_PASSWORDS.admin);
    // Service units of the demo OPDs with a year of survey answers, so IKM results show at once.
    expect(report.survey.units).toBe(9);
    expect(report.survey.responses).toBeGreaterThan(1200);
    expect(report.quizzes).toEqual(['ADUAN-01', 'KOMPEL-01', 'LITDIG-01']);
    expect(report.attempts).toEqual([]); // taken later, with the completions (completeDemoActivity)
    expect(report.courses.created).toEqual([
      'ADUAN-01',
      'DATA-01',
      'ETIKA-01',
      'INTEG-01',
      'KINERJA-01',
      'KOMPEL-01',
      'LITDIG-01',
      'NASKAH-01',
      'PIMPIN-01',
    ]);
    expect(report.evaluations.holidays).toBe(10);
  }, 180_000);

  it('completes the finished demo courses through the completion path, spread over the past year', async () => {
    const now = new Date();
    // As `npm start` does once the server answers: the completions, then the evaluations' answers.
    const { attempts, completed, evaluations } = await completeDemoActivity(t.config, now);
    expect(attempts).toEqual(['ADUAN-01', 'KOMPEL-01', 'LITDIG-01']);
    expect(completed).toBeGreaterThan(400);
    const done = await Enrolment.find({ status: 'completed' }).select('completedAt opd').lean();
    // Every completion has its JP on the ledger and its certificate, as a live one.
    expect(await JpCredit.countDocuments()).toBe(done.length);
    expect(await Certificate.countDocuments()).toBe(done.length);
    const months = new Set(done.map((e) => wibDay(e.completedAt!).slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(10);
    expect(done.every((e) => e.completedAt!.getTime() <= now.getTime())).toBe(true);
    // Some OPDs ahead, some behind: completions per enrolment differ widely between OPDs.
    const rate = new Map<string, [number, number]>();
    for (const e of await Enrolment.find({}).select('opd status').lean()) {
      const r = rate.get(String(e.opd)) ?? [0, 0];
      rate.set(String(e.opd), [r[0] + (e.status === 'completed' ? 1 : 0), r[1] + 1]);
    }
    const rates = [...rate.values()].filter(([, n]) => n >= 10).map(([c, n]) => c / n);
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(0.3);
    // Every demo completion is invited to evaluate its course (by the completion hook); most answered.
    expect(await CourseEvaluation.countDocuments()).toBe(done.length);
    expect(evaluations.answered).toBeGreaterThan(done.length / 2);
    expect(await completeDemoActivity(t.config, now)).toEqual({
      attempts: [],
      completed: 0,
      evaluations: { invited: 0, answered: 0 },
    });
  }, 420_000); // ~600 completions, each rendering its certificate: 2 min on a busy 2-core machine

  it('shows a city whose ASN fill every JP band, some past 20 JP, with OPDs ahead and behind', async () => {
    const hr = await signedInAgent(t.app, 'hr.bkpsdm@binaasn.example', DEMO_PASSWORDS.hr);
    const page = await hr.get(`/pemantauan?year=${demoYear}`);
    expect(page.status).toBe(200);
    const band = (name: string) => {
      const from = page.text.indexOf(`data-band="${name}">`) + `data-band="${name}">`.length;
      return Number(page.text.slice(from, page.text.indexOf('<', from)));
    };
    const people = Number(/data-figure="people">(\d+)</.exec(page.text)![1]);
    const bands = ['0', '1-9', '10-19', '20+'].map(band);
    expect(bands.reduce((a, b) => a + b, 0)).toBe(people);
    // Every band holds at least a twentieth of the city, and at least one in ten ASN reached 20 JP.
    for (const count of bands) expect(count).toBeGreaterThanOrEqual(people / 20);
    expect(bands[3]).toBeGreaterThanOrEqual(people / 10);
    // The same from the JP ledger: the people past 20 JP in that year.
    const totals = await JpCredit.aggregate<{ jp: number }>([
      { $match: { year: demoYear } },
      { $group: { _id: '$person', jp: { $sum: '$jp' } } },
    ]);
    expect(totals.filter((p) => p.jp >= 20).length).toBe(bands[3]);
    // The OPDs ranked by attainment: the leaders well ahead of the OPDs with nobody at 20 JP yet.
    const ranking = await hr.get(`/pemantauan/ekspor.csv?tabel=opd&year=${demoYear}`);
    const [header, ...rows] = parseCsv(ranking.text.replace(/^\uFEFF/, '')) as string[][];
    const rates = rows.map((r) => Number(r[header.indexOf('Capaian 20 JP')] || 0));
    expect(rows).toHaveLength(17);
    expect(Math.max(...rates)).toBeGreaterThanOrEqual(30);
    expect(rates.filter((r) => r === 0).length).toBeGreaterThan(0);
  });

  it('gives every demo course enough anonymous evaluation answers for its aggregate, the demo learner one to fill in', async () => {
    const curator = await signedInAgent(t.app, 'kurator@binaasn.example', DEMO_PASSWORDS.curator);
    // The WIB year holding most answers (the demo's completions span the last ten months).
    const years = new Map<string, number>();
    for (const e of await CourseEvaluation.find({ status: 'answered' }).select('answeredAt').lean()) {
      const year = wibDay(e.answeredAt!).slice(0, 4);
      years.set(year, (years.get(year) ?? 0) + 1);
    }
    const year = [...years].sort((a, b) => b[1] - a[1])[0][0];
    const page = await curator.get(`/evaluasi-kursus?periode=${year}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Rata-rata');
    for (const code of ['LITDIG-01', 'KOMPEL-01', 'ADUAN-01']) {
      const course = (await courseIdByCode(code))!.id;
      const answers = await CourseEvaluation.countDocuments({ course, status: 'answered' });
      expect([code, answers >= 5]).toEqual([code, true]);
    }
    expect(page.text).not.toContain('data-testid="hidden"');
    // No learner who answered is named (the curator's own name is in the page header).
    const names = (await User.find({ roles: 'learner' }).select('name roles').lean())
      .filter((u) => u.roles.length === 1)
      .map((u) => u.name);
    for (const name of names) expect(page.text).not.toContain(name);
    const learner = await signedInAgent(t.app, 'asn@binaasn.example', DEMO_PASSWORDS.learner);
    expect((await learner.get('/evaluasi')).text).toMatch(/Komunikasi|Pelayanan|Literasi/);
    expect(await CourseEvaluation.countDocuments({ status: 'pending' })).toBeGreaterThan(0);
  });

  it('gives each demo course a question bank, quizzes and graded attempts of 24 learners', async () => {
    // Every demo bank is as full as the issue asks: 25 questions per course.
    for (const code of ['ADUAN-01', 'KOMPEL-01', 'LITDIG-01']) {
      const course = (await courseIdByCode(code))!.id;
      expect([code, await Question.countDocuments({ course })]).toEqual([code, 25]);
    }
    // The ordering questions GIFT cannot hold come from the banks' Moodle XML files.
    for (const code of ['KOMPEL-01', 'LITDIG-01']) {
      const course = (await courseIdByCode(code))!.id;
      expect([code, await Question.countDocuments({ course, type: 'ordering' })]).toEqual([code, 1]);
    }
    const aduan = (await courseIdByCode('ADUAN-01'))!.id;
    expect(await Attempt.countDocuments({ course: aduan })).toBe(72);
    expect(await Attempt.countDocuments({ course: aduan, state: 'inProgress' })).toBe(0);
    expect(await Attempt.countDocuments({ course: aduan, gradings: 1 })).toBe(72);
    const gain = await courseLearningGain(aduan);
    expect(gain.people).toBe(24);
    expect(gain.gain).toBeGreaterThan(0);
  });

  it('changes nothing when run again', async () => {
    const usersBefore = await User.find({}).sort({ _id: 1 }).lean();
    const institutionsBefore = await Institution.find({}).sort({ _id: 1 }).lean();
    const enrolmentsBefore = await Enrolment.countDocuments();
    const report = await seedDemoData({ now: learningEnds });
    expect(report.institutions).toEqual({ created: 0, existing: 22 });
    expect(report.courses.created).toEqual([]);
    expect(report.enrolments).toBe(0);
    expect(await Enrolment.countDocuments()).toBe(enrolmentsBefore);
    expect(report.people).toEqual({ created: 0, existing: 207 });
    expect(report.survey).toEqual({ units: 0, responses: 0 });
    expect(report.evaluations).toEqual({ invited: 0, answered: 0, holidays: 0 });
    expect(report.quizzes).toEqual([]);
    expect(await User.find({}).sort({ _id: 1 }).lean()).toEqual(usersBefore);
    expect(await Institution.find({}).sort({ _id: 1 }).lean()).toEqual(institutionsBefore);
  });

  it('gives demo accounts that sign in, HR of Disdukcapil seeing only Disdukcapil', async () => {
    const hr = await signedInAgent(t.app, 'hr.disdukcapil@binaasn.example', DEMO_PASSWORDS.hr);
    const home = await hr.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Dinas Kependudukan dan Pencatatan Sipil');
    expect(home.text).not.toContain('Dinas Kesehatan');
    const units = await hr.get('/unit-layanan');
    expect(units.text).toContain('Loket Pelayanan KTP-el dan Kartu Keluarga');
    expect(units.text).not.toContain('Puskesmas');
    const unitId = /href="\/unit-layanan\/([0-9a-f]{24})"/.exec(units.text)![1];
    const results = await hr.get(`/unit-layanan/${unitId}?periode=${new Date().getFullYear()}`);
    expect(results.text).toMatch(/data-testid="grade">[ABC] \(/);
    // The demo units have their staff: the impact view shows the share trained, not a request for staff.
    const impact = await hr.get(`/unit-layanan/${unitId}/dampak`);
    expect(impact.text).not.toContain('data-testid="no-staff"');
    expect(impact.text).toMatch(/<td>\d+\.\d %<\/td>/);
    const learner = await signedInAgent(t.app, 'asn@binaasn.example', DEMO_PASSWORDS.learner);
    expect((await learner.get('/')).text).toContain('Profil saya');
  });
});
