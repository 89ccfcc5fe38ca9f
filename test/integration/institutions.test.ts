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
  await createOpd({ code: 'BKPSDM', name: 'Badan Kepegawaian dan Pengembangan SDM', cityWideHr: true });
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

describe('the city-wide HR scope', () => {
  let bkpsdm: InstanceType<typeof Institution>;
  let dukcapil: Awaited<ReturnType<typeof createOpd>>;
  let hrBkpsdm: Agent;
  let hrDukcapil: Agent;
  let admin: Agent;
  /** How many people an HR agent's CSV export holds (its scope). */
  const scopeOf = async (agent: Agent) =>
    (await agent.get('/admin/users/export.csv')).text.trim().split('\r\n').length - 1;

  beforeAll(async () => {
    bkpsdm = (await Institution.findOne({ code: 'BKPSDM' }))!; // made city-wide by the file's set-up
    dukcapil = await createOpd({ code: 'DUKCAPIL', name: 'Disdukcapil' });
    await createUser({ roles: ['hr'], email: 'hr.bkd@uji.go.id', opd: bkpsdm });
    await createUser({ roles: ['hr'], email: 'hr.dukcapil@uji.go.id', opd: dukcapil });
    await createUser({ roles: ['admin'], email: 'admin.kota@uji.go.id' });
    for (const opd of [bkpsdm, dukcapil, dukcapil]) await createUser({ opd });
    hrBkpsdm = await signedInAgent(t.app, 'hr.bkd@uji.go.id', DEFAULT_PASSWORD);
    hrDukcapil = await signedInAgent(t.app, 'hr.dukcapil@uji.go.id', DEFAULT_PASSWORD);
    admin = await signedInAgent(t.app, 'admin.kota@uji.go.id', DEFAULT_PASSWORD);
  });

  it("follows the admin-set flag, not the code: BKPSDM's code given to another OPD changes no one's scope", async () => {
    const everyone = await scopeOf(hrBkpsdm);
    expect(everyone).toBeGreaterThan(3);
    expect(await scopeOf(hrDukcapil)).toBe(3); // the OPD's two learners and its HR
    const rename = (id: unknown, code: string, name: string) =>
      post(curator, `/admin/institutions/${id}`, { code, name, kind: 'opd' });
    expect((await rename(bkpsdm._id, 'BKPSDM-LAMA', bkpsdm.name)).status).toBe(302);
    expect((await rename(dukcapil._id, 'BKPSDM', 'Disdukcapil')).status).toBe(302);
    expect(await scopeOf(hrDukcapil)).toBe(3);
    expect(await scopeOf(hrBkpsdm)).toBe(everyone);
    await rename(dukcapil._id, 'DUKCAPIL', 'Disdukcapil');
    await rename(bkpsdm._id, 'BKPSDM', bkpsdm.name);
  });

  it("cannot be set by a curator, through the form or the admin's route", async () => {
    const viaForm = await post(curator, `/admin/institutions/${dukcapil._id}`, {
      code: 'DUKCAPIL',
      name: 'Disdukcapil',
      kind: 'opd',
      cityWideHr: 'true',
    });
    expect(viaForm.status).toBe(422);
    const viaRoute = await post(curator, `/admin/institutions/${dukcapil._id}/city-wide`, {
      cityWideHr: 'true',
    });
    expect(viaRoute.status).toBe(403);
    expect((await Institution.findById(dukcapil._id).lean())!.cityWideHr).toBe(false);
    const page = await curator.get(`/admin/institutions/${bkpsdm._id}/edit`);
    expect(page.text).toContain('Hanya admin yang dapat mengubah cakupan ini.');
    expect(page.text).not.toContain('/city-wide"');
  });

  it('is granted and revoked by an admin, audited, and applies to live sessions on the next request', async () => {
    const grant = await post(admin, `/admin/institutions/${dukcapil._id}/city-wide`, { cityWideHr: 'true' });
    expect(grant.status).toBe(302);
    expect(await scopeOf(hrDukcapil)).toBe(await scopeOf(hrBkpsdm));
    const revoke = await post(admin, `/admin/institutions/${dukcapil._id}/city-wide`, {
      cityWideHr: 'false',
    });
    expect(revoke.status).toBe(302);
    expect(await scopeOf(hrDukcapil)).toBe(3);
    const entries = await AuditEntry.find({ targetId: dukcapil._id, action: /^institution\.cityWideHr/ })
      .sort({ _id: 1 })
      .lean();
    expect(entries.map((e) => [e.action, e.before, e.after])).toEqual([
      ['institution.cityWideHr.grant', { cityWideHr: false }, { cityWideHr: true }],
      ['institution.cityWideHr.revoke', { cityWideHr: true }, { cityWideHr: false }],
    ]);
  });

  it('is read fresh on every request: a change made by another app instance applies at once', async () => {
    const collection = t.db.client.db(t.db.dbName).collection('institutions');
    await collection.updateOne({ _id: bkpsdm._id }, { $set: { cityWideHr: false } }); // not through this process's model
    expect(await scopeOf(hrBkpsdm)).toBe(2); // its own learner and its HR
    await collection.updateOne({ _id: bkpsdm._id }, { $set: { cityWideHr: true } });
    expect(await scopeOf(hrBkpsdm)).toBeGreaterThan(3);
  });

  it('keeps the flagged OPD an OPD, and is only for OPDs', async () => {
    const toUniversity = await post(admin, `/admin/institutions/${bkpsdm._id}`, {
      code: 'BKPSDM',
      name: bkpsdm.name,
      kind: 'university',
    });
    expect(toUniversity.status).toBe(422);
    expect(toUniversity.text).toContain('harus tetap berjenis OPD');
    const usu = await Institution.findOne({ kind: 'university' });
    expect(
      (await post(admin, `/admin/institutions/${usu!._id}/city-wide`, { cityWideHr: 'true' })).status,
    ).toBe(409);
  });
});
