import { demoLearners, composeNip } from '../../src/cli/seed-people';
import { DEMO_OPDS, DEMO_PASSWORDS, DEMO_STAFF } from '../../src/cli/seed-data';
import { checkPasswordPolicy } from '../../src/users/passwords';
import { parseNip } from '../../src/users/nip';
import { isValidGolongan } from '../../src/users/ranks';

describe('demo learners', () => {
  const learners = demoLearners(DEMO_OPDS, 200);

  it('are the same people every time (seeded)', () => {
    expect(demoLearners(DEMO_OPDS, 200)).toEqual(learners);
    expect(learners).toHaveLength(200);
  });

  it('have unique, valid NIPs whose TMT comes at 19 or later and whose sex digit matches', () => {
    expect(new Set(learners.map((l) => l.nip)).size).toBe(200);
    for (const learner of learners) {
      const parts = parseNip(learner.nip);
      expect(parts).not.toBeNull();
      expect(parts!.tmtYear - parts!.birthDate.getUTCFullYear()).toBeGreaterThanOrEqual(19);
      expect(parts!.tmtYear).toBeLessThanOrEqual(2024);
    }
  });

  it('hold a golongan valid for their employee type, higher for longer service', () => {
    for (const learner of learners)
      expect(isValidGolongan(learner.employeeType, learner.golongan)).toBe(true);
    const pppk = learners.filter((l) => l.employeeType === 'pppk');
    expect(pppk.length).toBeGreaterThan(5);
    const veterans = learners.filter((l) => l.employeeType === 'pns' && Number(l.nip.slice(8, 12)) <= 2000);
    expect(veterans.every((l) => !l.golongan.startsWith('II/a'))).toBe(true);
  });

  it('are spread over every demo OPD, with jabatan and unit kerja of that OPD', () => {
    expect(new Set(learners.map((l) => l.opdCode)).size).toBe(DEMO_OPDS.length);
    for (const learner of learners) {
      const opd = DEMO_OPDS.find((o) => o.code === learner.opdCode)!;
      expect(opd.jabatan).toContain(learner.jabatan);
      expect(opd.units).toContain(learner.unitKerja);
    }
  });

  it('composes NIPs digit by digit', () => {
    expect(composeNip({ year: 1990, month: 1, day: 2 }, { year: 2015, month: 3 }, 2, 7)).toBe(
      '199001022015032007',
    );
  });
});

describe('demo accounts', () => {
  it('have passwords that meet the default policy and are not personal', () => {
    const policy = { minLength: 12, requireClasses: true };
    for (const staff of DEMO_STAFF)
      expect(checkPasswordPolicy(DEMO_PASSWORDS[staff.key], policy, staff)).toEqual([]);
    for (const learner of demoLearners(DEMO_OPDS, 200))
      expect(checkPasswordPolicy(DEMO_PASSWORDS.learner, policy, learner)).toEqual([]);
  });

  it('include the required OPDs and a curator and HR of BKPSDM and an HR of Disdukcapil', () => {
    const codes = DEMO_OPDS.map((o) => o.code);
    expect(codes).toEqual(
      expect.arrayContaining(['BKPSDM', 'DISDUKCAPIL', 'DISKOMINFO', 'DPMPTSP', 'KEC-MEDAN-KOTA']),
    );
    expect(codes.length).toBeGreaterThanOrEqual(10);
    expect(DEMO_STAFF.filter((s) => s.roles.includes('hr')).map((s) => s.opdCode)).toEqual([
      'BKPSDM',
      'DISDUKCAPIL',
    ]);
    expect(DEMO_STAFF.filter((s) => s.roles.includes('author')).map((s) => s.institutionCode)).toEqual([
      'USU',
      'UNIMED',
      'UINSU',
    ]);
    for (const staff of DEMO_STAFF.filter((s) => s.nip)) expect(parseNip(staff.nip!)).not.toBeNull();
  });
});
