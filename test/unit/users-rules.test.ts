import {
  peopleScope,
  seesEveryone,
  generateTemporaryPassword,
  permissionsFor,
} from '../../src/users/users.service';
import { personForm, listQuery, nipProblem } from '../../src/users/users.schemas';
import { formFields } from '../../src/web/validation';
import { parseInput } from '../../src/web/validation';
import { checkPasswordPolicy } from '../../src/users/passwords';
import type { Actor } from '../../src/core/actor';

const actor = (patch: Partial<Actor>): Actor => ({
  id: 'a'.repeat(24),
  name: 'X',
  roles: ['learner'],
  seesAllOpds: false,
  language: 'id',
  ...patch,
});
const OPD_A = '65a000000000000000000001';

describe('the people scope', () => {
  it('lets admins and BKPSDM HR see everyone', () => {
    expect(peopleScope(actor({ roles: ['admin'] }))).toEqual({});
    expect(peopleScope(actor({ roles: ['hr'], seesAllOpds: true, opdId: OPD_A }))).toEqual({});
    expect(seesEveryone(actor({ roles: ['hr'], seesAllOpds: false }))).toBe(false);
  });

  it('limits HR of an OPD to that OPD', () => {
    expect(peopleScope(actor({ roles: ['hr', 'learner'], opdId: OPD_A }))).toEqual({ opd: OPD_A });
  });

  it('gives everyone else nobody', () => {
    for (const roles of [['learner'], ['author'], ['curator'], ['hr']] as Actor['roles'][]) {
      const scope = peopleScope(actor({ roles }));
      expect(Object.keys(scope)).toEqual(['_id']);
    }
  });

  it('lets HR manage learners only, and only admins change roles', () => {
    const hr = actor({ roles: ['hr'], opdId: OPD_A });
    expect(permissionsFor(hr, { _id: 'x', roles: ['learner'] })).toEqual({
      canEdit: true,
      canChangeStatus: true,
      canResetPassword: true,
      canChangeRoles: false,
    });
    expect(permissionsFor(hr, { _id: 'x', roles: ['learner', 'admin'] }).canEdit).toBe(false);
    expect(permissionsFor(actor({ roles: ['admin'] }), { _id: 'a'.repeat(24), roles: ['admin'] })).toEqual({
      canEdit: true,
      canChangeStatus: false,
      canResetPassword: false,
      canChangeRoles: true,
    });
  });
});

describe('the person form', () => {
  const good = {
    nip: '19900101 201503 1 001',
    name: 'Budi Siregar',
    email: 'Budi@Example.go.id',
    employeeType: 'pns',
    golongan: 'III/a',
    jabatan: '',
    unitKerja: '',
    opd: '',
  };

  it('normalises what people type', () => {
    expect(parseInput(personForm, good)).toEqual({
      ok: true,
      data: {
        nip: '199001012015031001',
        name: 'Budi Siregar',
        email: 'budi@example.go.id',
        employeeType: 'pns',
        golongan: 'III/a',
        jabatan: undefined,
        unitKerja: undefined,
        opd: undefined,
        institution: undefined,
      },
    });
  });

  it('names the problem of each field', () => {
    const result = parseInput(personForm, {
      ...good,
      nip: '199013012015031001',
      email: 'x@',
      golongan: 'XVII',
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        nip: 'users.errors.nipBirthDate',
        email: 'users.errors.emailInvalid',
        golongan: 'users.errors.golonganInvalid',
      },
    });
  });

  it('rejects fields the form does not have (roles, status)', () => {
    const result = parseInput(personForm, { ...good, roles: 'admin' });
    expect(result.ok).toBe(false);
    expect(parseInput(personForm, formFields({ ...good, _csrf: 'token' })).ok).toBe(true);
  });

  it('lets Non-ASN staff go without a NIP when they have an email', () => {
    const author = { ...good, nip: '', employeeType: 'non_asn', golongan: '' };
    expect(parseInput(personForm, author)).toMatchObject({
      ok: true,
      data: { nip: undefined, email: 'budi@example.go.id' },
    });
    expect(parseInput(personForm, { ...author, email: '' })).toEqual({
      ok: false,
      errors: { email: 'users.errors.emailRequired' },
    });
    expect(parseInput(personForm, { ...good, nip: '' })).toEqual({
      ok: false,
      errors: { nip: 'users.errors.nipRequired' },
    });
  });

  it('explains NIP problems digit by digit', () => {
    expect(nipProblem('')).toBe('users.errors.nipRequired');
    expect(nipProblem('12345')).toBe('users.errors.nipDigits');
    expect(nipProblem('199001012015031001')).toBeUndefined();
  });

  it('ignores nonsense in list queries instead of failing', () => {
    expect(listQuery.parse({ q: 'budi', role: 'king', status: 'active', page: '-3' })).toEqual({
      q: 'budi',
      role: undefined,
      status: 'active',
      page: 1,
    });
    expect(() => listQuery.parse({ nip: { $gt: '' } })).toThrow();
  });
});

describe('temporary passwords', () => {
  it('meet the default policy', () => {
    for (let i = 0; i < 50; i++)
      expect(
        checkPasswordPolicy(generateTemporaryPassword(), { minLength: 12, requireClasses: true }),
      ).toEqual([]);
  });
});
