// Institution pages: curators and admins list, create, edit and (de)activate OPDs and universities.
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfToken, signedInAgent, type Agent } from '../support/auth';
import { Institution } from '../../src/institutions/institution.model';
import { AuditEntry } from '../../src/audit/audit.model';

let t: TestApp;
let curator: Agent;

beforeAll(async () => {
  t = await createTestApp();
  await createOpd({ code: 'BKPSDM', name: 'Badan Kepegawaian dan Pengembangan SDM' });
  await createUser({ roles: ['curator'], email: 'kurator@uji.go.id' });
  curator = await signedInAgent(t.app, 'kurator@uji.go.id', DEFAULT_PASSWORD);
});

afterAll(async () => {
  await t.close();
});

async function post(agent: Agent, action: string, fields: Record<string, string>) {
  const token = await csrfToken(agent, '/admin/institutions/new');
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: token, ...fields });
}

describe('managing institutions', () => {
  it('creates an OPD with an upper-case code and audits it', async () => {
    const res = await post(curator, '/admin/institutions', {
      code: 'diskominfo',
      name: 'Dinas Komunikasi dan Informatika',
      kind: 'opd',
    });
    expect(res.status).toBe(302);
    const saved = await Institution.findOne({ code: 'DISKOMINFO' })
      .select('code name kind active -_id')
      .lean();
    expect(saved).toEqual({
      code: 'DISKOMINFO',
      name: 'Dinas Komunikasi dan Informatika',
      kind: 'opd',
      active: true,
    });
    expect(
      await AuditEntry.countDocuments({
        action: 'institution.create',
        targetLabel: 'Dinas Komunikasi dan Informatika',
      }),
    ).toBe(1);
    const list = await curator.get('/admin/institutions?kind=opd');
    expect(list.text).toContain('Dinas Komunikasi dan Informatika');
  });

  it('answers a code already in use with 409 and a message next to the code', async () => {
    const res = await post(curator, '/admin/institutions', { code: 'BKPSDM', name: 'Duplikat', kind: 'opd' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Kode ini sudah dipakai instansi lain.');
    expect(res.text).toContain('value="Duplikat"');
    expect(await Institution.countDocuments({ name: 'Duplikat' })).toBe(0);
  });

  it('shows validation messages (422) and refuses unknown fields', async () => {
    const res = await post(curator, '/admin/institutions', { code: 'a b', name: 'X', kind: 'opd' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Kode hanya boleh berisi huruf, angka, - atau _ (2–40 karakter).');
    expect(res.text).toContain('Nama wajib diisi (minimal 3 huruf).');
    const extra = await post(curator, '/admin/institutions', {
      code: 'USU',
      name: 'Universitas Sumatera Utara',
      kind: 'university',
      active: 'false',
    });
    expect(extra.status).toBe(422);
  });

  it('edits and deactivates an institution', async () => {
    const usu = await Institution.create({ code: 'USU', name: 'Universitas Sumatera', kind: 'university' });
    const edit = await post(curator, `/admin/institutions/${usu._id}`, {
      code: 'USU',
      name: 'Universitas Sumatera Utara',
      kind: 'university',
    });
    expect(edit.status).toBe(302);
    const off = await post(curator, `/admin/institutions/${usu._id}/active`, { active: 'false' });
    expect(off.status).toBe(302);
    expect(await Institution.findById(usu._id).select('name active -_id').lean()).toEqual({
      name: 'Universitas Sumatera Utara',
      active: false,
    });
    const entry = await AuditEntry.findOne({ action: 'institution.deactivate' }).lean();
    expect(entry).toMatchObject({ before: { active: true }, after: { active: false } });
  });

  it('escapes hostile names', async () => {
    await Institution.create({ code: 'XSS', name: '<script>alert(1)</script>', kind: 'opd' });
    const list = await curator.get('/admin/institutions');
    expect(list.text).not.toContain('<script>alert(1)</script>');
    expect(list.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('is closed to learners and HR (403) and answers unknown ids with 404', async () => {
    await createUser({ roles: ['hr'], email: 'hr@uji.go.id' });
    const hr = await signedInAgent(t.app, 'hr@uji.go.id', DEFAULT_PASSWORD);
    expect((await hr.get('/admin/institutions')).status).toBe(403);
    expect((await curator.get('/admin/institutions/65a000000000000000000000/edit')).status).toBe(404);
    expect((await curator.get('/admin/institutions/nope/edit')).status).toBe(404);
  });
});
