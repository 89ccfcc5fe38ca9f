// People administration pages: the HR scope on every channel, roles, deactivation, password reset,
// validation messages in both languages, and escaping of hostile names.
import request from 'supertest';
import { Types, trusted } from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfToken, signedInAgent, type Agent } from '../support/auth';
import { User } from '../../src/users/user.model';
import { csvNip } from '../../src/web/spreadsheet-safety';
import { AuditEntry } from '../../src/audit/audit.model';
import { AccessLogEntry } from '../../src/personal-data/access-log.model';

const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';

let t: TestApp;
let opdA: Awaited<ReturnType<typeof createOpd>>;
let opdB: Awaited<ReturnType<typeof createOpd>>;
let admin: Awaited<ReturnType<typeof createUser>>;
let hrA: Awaited<ReturnType<typeof createUser>>;
let personA: Awaited<ReturnType<typeof createUser>>;
let personB: Awaited<ReturnType<typeof createUser>>;
let adminAgent: Agent;
let hrAgent: Agent;

beforeAll(async () => {
  t = await createTestApp();
  opdA = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
  opdB = await createOpd({ code: 'DINKES', name: 'Dinas Kesehatan' });
  await createOpd({ code: 'BKPSDM', name: 'Badan Kepegawaian dan Pengembangan SDM', cityWideHr: true });
  admin = await createUser({ roles: ['admin', 'learner'], email: 'admin@uji.go.id', opd: opdA });
  hrA = await createUser({ roles: ['hr', 'learner'], email: 'hr.a@uji.go.id', opd: opdA });
  personA = await createUser({ name: 'Siti Nurhaliza Lubis, S.E.', opd: opdA });
  personB = await createUser({ name: `Budi ${HOSTILE}`, opd: opdB, email: 'budi.b@uji.go.id' });
  adminAgent = await signedInAgent(t.app, 'admin@uji.go.id', DEFAULT_PASSWORD);
  hrAgent = await signedInAgent(t.app, 'hr.a@uji.go.id', DEFAULT_PASSWORD);
});

afterAll(async () => {
  await t.close();
});

/** The page without the parts that differ per request (request id, CSRF token). */
function stable(html: string): string {
  return html
    .replace(/<code>[^<]*<\/code>/g, '')
    .replace(/name="_csrf" value="[^"]*"/g, '')
    .replace(/name="returnTo" value="[^"]*"/g, '');
}

async function post(
  agent: Agent,
  formPage: string,
  action: string,
  fields: Record<string, string | string[]>,
) {
  const token = await csrfToken(agent, formPage);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: token, ...fields });
}

/** The new-person form's fields for a PNS of III/a, with only what a test is about filled in. */
const personForm = (nip: string, name: string, email = '') => ({
  nip,
  name,
  email,
  employeeType: 'pns',
  golongan: 'III/a',
  jabatan: '',
  unitKerja: '',
  opd: '',
});

describe('who reaches the people pages', () => {
  it('sends anonymous visitors to sign in and refuses learners with 403', async () => {
    const anonymous = await request(t.app).get('/admin/users');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toBe('/login?returnTo=%2Fadmin%2Fusers');
    const learner = await signedInAgent(t.app, personA.email!, DEFAULT_PASSWORD);
    for (const path of [
      '/admin/users',
      `/admin/users/${personA._id}`,
      '/admin/users/new',
      '/admin/users/import',
    ]) {
      const res = await learner.get(path);
      expect(res.status).toBe(403);
      expect(res.text).toContain('Akses ditolak');
    }
  });
});

describe('an HR user of one OPD', () => {
  it('lists only the people of their OPD, whatever the search or filter', async () => {
    const list = await hrAgent.get('/admin/users');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Siti Nurhaliza Lubis, S.E.');
    expect(list.text).toContain(String(hrA._id));
    expect(list.text).not.toContain(String(personB._id));
    expect(list.text).not.toContain('Budi &lt;script');
    const filtered = await hrAgent.get(`/admin/users?opd=${opdB._id}&q=Budi`);
    expect(filtered.text).not.toContain(String(personB._id));
    expect(filtered.text).toContain('0 orang ditemukan');
  });

  it('gets the same 404 for a person of another OPD as for an id that does not exist', async () => {
    const other = await hrAgent.get(`/admin/users/${personB._id}`);
    const missing = await hrAgent.get(`/admin/users/${new Types.ObjectId()}`);
    const malformed = await hrAgent.get('/admin/users/not-an-id');
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect(stable(other.text)).toBe(stable(missing.text));
    expect(stable(malformed.text)).toBe(stable(missing.text));
    expect((await hrAgent.get(`/admin/users/${personB._id}/edit`)).status).toBe(404);
  });

  it('cannot edit, deactivate or reset the password of a person of another OPD', async () => {
    const before = await User.findById(personB._id).lean();
    const edit = await post(hrAgent, '/admin/users/new', `/admin/users/${personB._id}`, {
      nip: before!.nip!,
      name: 'Renamed',
      employeeType: 'pns',
      golongan: 'III/a',
    });
    const status = await post(hrAgent, '/admin/users/new', `/admin/users/${personB._id}/status`, {
      status: 'inactive',
    });
    const reset = await post(hrAgent, '/admin/users/new', `/admin/users/${personB._id}/password`, {
      password: '',
    });
    expect([edit.status, status.status, reset.status]).toEqual([404, 404, 404]);
    const after = await User.findById(personB._id).lean();
    expect(after).toEqual(before);
  });

  it('adds people to their own OPD whatever the form says', async () => {
    const res = await post(hrAgent, '/admin/users/new', '/admin/users', {
      nip: '19910212 201803 2 004',
      name: 'Rina Sembiring, A.Md.',
      email: '',
      employeeType: 'pns',
      golongan: 'II/c',
      jabatan: 'Pengelola Data',
      unitKerja: '',
      opd: String(opdB._id),
    });
    expect(res.status).toBe(201);
    const saved = await User.findOne({ nip: '199102122018032004' }).lean();
    expect(String(saved!.opd)).toBe(String(opdA._id));
    expect(saved!.roles).toEqual(['learner']);
    expect(saved!.mustChangePassword).toBe(true);
  });

  it('may not grant roles', async () => {
    const res = await post(hrAgent, '/admin/users/new', `/admin/users/${personA._id}/roles`, {
      roles: ['learner', 'admin'],
    });
    expect(res.status).toBe(403);
    expect((await User.findById(personA._id).lean())!.roles).toEqual(['learner']);
  });
});

describe('the person form', () => {
  it('shows each problem next to its field, keeping what was typed (422)', async () => {
    const res = await post(adminAgent, '/admin/users/new', '/admin/users', {
      nip: '19901301 201503 1 001',
      name: 'Ahmad Fauzi',
      email: 'ahmad@',
      employeeType: 'pppk',
      golongan: 'III/a',
      jabatan: 'Analis',
      unitKerja: '',
      opd: '',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Delapan digit pertama NIP harus tanggal lahir yang benar (TTTTBBHH).');
    expect(res.text).toContain('Alamat email tidak valid.');
    expect(res.text).toContain('Golongan tidak sesuai dengan jenis pegawai.');
    expect(res.text).toContain('value="19901301 201503 1 001"');
    expect(res.text).toContain('value="Ahmad Fauzi"');
    expect(await User.countDocuments({ name: 'Ahmad Fauzi' })).toBe(0);
  });

  it('speaks English to a person who chose English', async () => {
    await createUser({ roles: ['admin'], email: 'admin.en@uji.go.id', language: 'en' });
    const agent = await signedInAgent(t.app, 'admin.en@uji.go.id', DEFAULT_PASSWORD);
    const res = await post(
      agent,
      '/admin/users/new',
      '/admin/users',
      personForm('199001012015033001', 'Ahmad Fauzi'),
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain('Digit 15 of the NIP must be 1 (male) or 2 (female).');
  });

  it('answers a NIP or email that is already registered with 409 and a field message', async () => {
    const res = await post(
      adminAgent,
      '/admin/users/new',
      '/admin/users',
      personForm(personA.nip!, 'Someone Else'),
    );
    expect(res.status).toBe(409);
    expect(res.text).toContain('NIP ini sudah terdaftar.');
    const email = await post(
      adminAgent,
      '/admin/users/new',
      '/admin/users',
      personForm('199202022019031001', 'Someone Else', 'BUDI.B@uji.go.id'),
    );
    expect(email.status).toBe(409);
    expect(email.text).toContain('Email ini sudah dipakai akun lain.');
  });

  it('refuses fields the form does not have, such as roles', async () => {
    const res = await post(adminAgent, '/admin/users/new', '/admin/users', {
      nip: '199303032019031001',
      name: 'Sneaky Admin',
      email: '',
      employeeType: 'pns',
      golongan: 'III/a',
      roles: 'admin',
    });
    expect(res.status).toBe(422);
    expect(await User.countDocuments({ nip: '199303032019031001' })).toBe(0);
  });

  it('edits a person and records the change in the audit log', async () => {
    const res = await post(adminAgent, `/admin/users/${personA._id}/edit`, `/admin/users/${personA._id}`, {
      nip: personA.nip!,
      name: 'Siti Nurhaliza Lubis, S.E., M.M.',
      email: personA.email!,
      employeeType: 'pns',
      golongan: 'III/b',
      jabatan: 'Analis',
      unitKerja: 'Bidang Uji',
      opd: String(opdA._id),
    });
    expect(res.status).toBe(302);
    const saved = await User.findById(personA._id).lean();
    expect(saved!.name).toBe('Siti Nurhaliza Lubis, S.E., M.M.');
    expect(saved!.golongan).toBe('III/b');
    const entry = await AuditEntry.findOne({ action: 'user.update', targetId: String(personA._id) }).lean();
    expect(entry!.before).toMatchObject({ name: 'Siti Nurhaliza Lubis, S.E.', golongan: 'III/a' });
    expect(entry!.after).toMatchObject({ name: 'Siti Nurhaliza Lubis, S.E., M.M.', golongan: 'III/b' });
  });
});

describe('roles, deactivation and password reset', () => {
  it('records every role change with before and after', async () => {
    const res = await post(adminAgent, `/admin/users/${personA._id}`, `/admin/users/${personA._id}/roles`, {
      roles: ['learner', 'author'],
    });
    expect(res.status).toBe(302);
    expect((await User.findById(personA._id).lean())!.roles).toEqual(['author', 'learner']);
    const entry = await AuditEntry.findOne({
      action: 'user.roles.change',
      targetId: String(personA._id),
    }).lean();
    expect(entry).toMatchObject({
      actor: admin._id,
      before: { roles: ['learner'] },
      after: { roles: ['author', 'learner'] },
    });
    const learner = await signedInAgent(t.app, personA.email!, DEFAULT_PASSWORD);
    expect((await learner.get('/admin/users')).status).toBe(403);
    await post(adminAgent, `/admin/users/${personA._id}`, `/admin/users/${personA._id}/roles`, {
      roles: ['learner', 'author', 'hr'],
    });
    expect((await learner.get('/admin/users')).status).toBe(200); // the live session sees the new role at once
    await post(adminAgent, `/admin/users/${personA._id}`, `/admin/users/${personA._id}/roles`, {
      roles: ['learner', 'author'],
    });
    expect((await learner.get('/admin/users')).status).toBe(403); // and loses it at once
  });

  it('never removes the last active admin', async () => {
    const others = { roles: 'admin', _id: trusted({ $ne: admin._id }), status: 'active' };
    const otherIds = (await User.find(others).select('_id').lean()).map((u) => u._id);
    await User.updateMany({ _id: trusted({ $in: otherIds }) }, { status: 'inactive' });
    try {
      const res = await post(adminAgent, `/admin/users/${admin._id}`, `/admin/users/${admin._id}/roles`, {
        roles: ['learner'],
      });
      expect(res.status).toBe(409);
      expect(res.text).toContain('Administrator aktif terakhir tidak dapat dicabut atau dinonaktifkan.');
      expect((await User.findById(admin._id).lean())!.roles).toEqual(['admin', 'learner']);
    } finally {
      await User.updateMany({ _id: trusted({ $in: otherIds }) }, { status: 'active' });
    }
  });

  it('deactivation ends the live session of the person and is audited', async () => {
    const victim = await createUser({ email: 'leaving@uji.go.id', opd: opdA });
    const victimAgent = await signedInAgent(t.app, 'leaving@uji.go.id', DEFAULT_PASSWORD);
    expect((await victimAgent.get('/')).status).toBe(200);
    const res = await post(hrAgent, `/admin/users/${victim._id}`, `/admin/users/${victim._id}/status`, {
      status: 'inactive',
    });
    expect(res.status).toBe(302);
    const saved = await User.findById(victim._id).lean();
    expect(saved).toMatchObject({ status: 'inactive', sessionEpoch: 1 });
    const after = await victimAgent.get('/');
    expect(after.text).not.toContain('action="/logout"'); // signed out: no account menu
    expect(await AuditEntry.countDocuments({ action: 'user.deactivate', targetId: String(victim._id) })).toBe(
      1,
    );
  });

  it('an admin reset sets a temporary password shown once, forces a change and is audited', async () => {
    const person = await createUser({ email: 'forgetful@uji.go.id', opd: opdB });
    const res = await post(adminAgent, `/admin/users/${person._id}`, `/admin/users/${person._id}/password`, {
      password: '',
    });
    expect(res.status).toBe(200);
    const shown = /<code>([^<]+)<\/code>/.exec(res.text.split('temporary-password')[1] ?? '')?.[1];
    expect(shown).toMatch(/^.{16}$/);
    const saved = await User.findById(person._id).lean();
    expect(saved).toMatchObject({ mustChangePassword: true, sessionEpoch: 1 });
    const entry = await AuditEntry.findOne({
      action: 'user.password.reset',
      targetId: String(person._id),
    }).lean();
    expect(entry).toMatchObject({
      before: { mustChangePassword: false, sessionEpoch: 0 },
      after: { mustChangePassword: true, sessionEpoch: 1 },
    });
    expect(JSON.stringify(entry)).not.toContain(shown!);
    const agent = request.agent(t.app);
    const token = await csrfToken(agent, '/login');
    const signIn = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: token, identifier: 'forgetful@uji.go.id', password: shown });
    expect(signIn.status).toBe(302);
    expect(signIn.headers.location).toBe('/account/password');
  });

  it('a typed temporary password must meet the policy', async () => {
    const res = await post(
      adminAgent,
      `/admin/users/${personB._id}`,
      `/admin/users/${personB._id}/password`,
      { password: 'short' },
    );
    expect(res.status).toBe(422);
    expect((await User.findById(personB._id).lean())!.mustChangePassword).toBe(false);
  });
});

describe('the CSV export', () => {
  it('holds only the people in scope, neutralises formulas and records the export in the access log', async () => {
    const sneaky = await createUser({ name: "=cmd|' /C calc'!A0", opd: opdA });
    const res = await hrAgent.get('/admin/users/export.csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="pegawai.csv"');
    const lines = res.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('NIP,Nama,Email,Jenis,Golongan,Jabatan,Unit Kerja,Kode OPD,Status,Peran');
    expect(lines).toContain(
      `${csvNip(sneaky.nip!)},'=cmd|' /C calc'!A0,${sneaky.email},PNS,III/a,Analis,Bidang Uji,DISDUKCAPIL,active,learner`,
    );
    expect(lines.slice(1).every((line) => /^\d{8} \d{6} \d \d{3},/.test(line))).toBe(true); // kept as text by spreadsheets
    expect(lines.length - 1).toBe(await User.countDocuments({ opd: opdA._id }));
    expect(res.text).not.toContain(csvNip(personB.nip!));
    const logged = await AccessLogEntry.countDocuments({
      kind: 'export',
      what: 'users.export.csv',
      subject: sneaky._id,
    });
    expect(logged).toBe(1);
    expect(await AccessLogEntry.countDocuments({ kind: 'export', subject: personB._id })).toBe(0);
  });

  it('records a view of a person by someone else in the access log', async () => {
    await adminAgent.get(`/admin/users/${personB._id}`);
    expect(
      await AccessLogEntry.countDocuments({
        kind: 'view',
        what: 'users.detail',
        subject: personB._id,
        actor: admin._id,
      }),
    ).toBeGreaterThan(0);
  });
});

describe('query strings', () => {
  it('refuse operator objects and unknown parameters with 400', async () => {
    expect((await adminAgent.get('/admin/users?nip[$gt]=')).status).toBe(400);
    expect((await adminAgent.get('/admin/users?q[$ne]=x')).status).toBe(400);
    expect((await adminAgent.get('/admin/users?role=king&status=zzz&page=-1')).status).toBe(200);
  });
});

describe('the home dashboard', () => {
  it('shows an admin the real number of active accounts per role', async () => {
    const home = await adminAgent.get('/');
    const admins = await User.countDocuments({ roles: 'admin', status: 'active' });
    const learners = await User.countDocuments({ roles: 'learner', status: 'active' });
    expect(home.text).toContain('Akun pengguna');
    expect(home.text).toContain(`Administrator</th><td>${admins}</td>`);
    expect(home.text).toContain(`Peserta</th><td>${learners}</td>`);
  });

  it('shows HR of an OPD the people of that OPD only', async () => {
    const home = await hrAgent.get('/');
    const inA = await User.countDocuments({ opd: opdA._id });
    expect(home.text).toContain('Pegawai OPD Anda');
    expect(home.text).toContain(`${inA} pegawai tercatat.`);
    expect(home.text).not.toContain('Dinas Kesehatan');
  });
});

describe('hostile names', () => {
  it('are shown escaped on the list, the detail page and the edit form', async () => {
    for (const path of [
      `/admin/users?q=Budi`,
      `/admin/users/${personB._id}`,
      `/admin/users/${personB._id}/edit`,
    ]) {
      const res = await adminAgent.get(path);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('<script>alert(1)</script>');
      expect(res.text).not.toContain('<img src=x');
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });
});

describe("changing the email or NIP one signs in with, on one's own record", () => {
  const ownFields = (overrides: Record<string, string>) => ({
    nip: admin.nip ?? '',
    name: admin.name,
    email: admin.email ?? '',
    employeeType: admin.employeeType,
    golongan: admin.golongan ?? '',
    jabatan: '',
    unitKerja: '',
    opd: String(opdA._id),
    ...overrides,
  });
  const ownEdit = (fields: Record<string, string>) =>
    post(adminAgent, `/admin/users/${admin._id}/edit`, `/admin/users/${admin._id}`, fields);

  it('asks for the current password, next to its field, and saves nothing without it', async () => {
    const page = await adminAgent.get(`/admin/users/${admin._id}/edit`);
    expect(page.text).toContain('name="currentPassword"');
    const missing = await ownEdit(ownFields({ email: 'pencuri@jahat.example' }));
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('Masukkan kata sandi Anda saat ini untuk mengubah email atau NIP');
    const wrong = await ownEdit(
      ownFields({ email: 'pencuri@jahat.example', currentPassword: 'Salah#Sandi2026' }),
    );
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('Kata sandi saat ini salah.');
    expect(wrong.text).not.toContain('Salah#Sandi2026');
    const nip = await ownEdit(ownFields({ nip: '199203032016031001' }));
    expect(nip.status).toBe(422);
    const saved = await User.findById(admin._id).lean();
    expect([saved!.email, saved!.nip ?? null, saved!.failedLogins]).toEqual([
      admin.email,
      admin.nip ?? null,
      1,
    ]);
  });

  it("saves the change with the right password, and other edits of one's own record need none", async () => {
    const renamed = await ownEdit(ownFields({ name: 'Admin Uji Berganti Nama' }));
    expect(renamed.status).toBe(302);
    const changed = await ownEdit(
      ownFields({
        name: 'Admin Uji Berganti Nama',
        email: 'admin.baru@uji.go.id',
        currentPassword: DEFAULT_PASSWORD,
      }),
    );
    expect(changed.status).toBe(302);
    expect((await User.findById(admin._id).lean())!.email).toBe('admin.baru@uji.go.id');
  });

  it("is not asked when an admin changes someone else's email", async () => {
    const page = await adminAgent.get(`/admin/users/${personA._id}/edit`);
    expect(page.text).not.toContain('name="currentPassword"');
  });
});
