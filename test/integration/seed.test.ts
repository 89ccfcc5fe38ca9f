// Demo data: realistic, valid and idempotent (seeding twice changes nothing).
import { createTestApp, type TestApp } from '../support/app';
import { seedDemoData, DEMO_PASSWORDS } from '../../src/cli/seed-data';
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

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t.close();
});

describe('seeding the demo data', () => {
  it('creates OPDs, universities, one account per role and 200 learners', async () => {
    const report = await seedDemoData();
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
  }, 180_000);

  it('gives each demo course a question bank, quizzes and graded attempts of 24 learners', async () => {
    const aduan = (await courseIdByCode('ADUAN-01'))!.id;
    expect(await Question.countDocuments({ course: aduan })).toBe(25);
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
    const report = await seedDemoData();
    expect(report.institutions).toEqual({ created: 0, existing: 22 });
    expect(report.people).toEqual({ created: 0, existing: 207 });
    expect(report.survey).toEqual({ units: 0, responses: 0 });
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
    const learner = await signedInAgent(t.app, 'asn@binaasn.example', DEMO_PASSWORDS.learner);
    expect((await learner.get('/')).text).toContain('Profil saya');
  });
});
