// The access log: views of a person's page by someone else are recorded (not one's own), and the
// admin page answers "whose data did this account read or export between two dates".
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { signedInAgent, type Agent } from '../support/auth';
import { accessLog } from '../../src/personal-data';
import { accessedBy } from '../../src/personal-data/access-log.browse';
import { AccessLogEntry } from '../../src/personal-data/access-log.model';

let t: TestApp;
let opd: Awaited<ReturnType<typeof createOpd>>;
let hr: Awaited<ReturnType<typeof createUser>>;
let siti: Awaited<ReturnType<typeof createUser>>;
let ahmad: Awaited<ReturnType<typeof createUser>>;
let adminAgent: Agent;
let hrAgent: Agent;

beforeAll(async () => {
  t = await createTestApp();
  opd = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
  await createOpd({ code: 'BKPSDM', name: 'BKPSDM', cityWideHr: true });
  await createUser({ roles: ['admin'], email: 'admin@uji.go.id', name: 'Admin Uji' });
  hr = await createUser({
    roles: ['hr', 'learner'],
    opd,
    email: 'hr@uji.go.id',
    name: 'Petugas HR Disdukcapil',
    nip: '198505052010011003',
  });
  siti = await createUser({ opd, name: 'Siti Aminah' });
  ahmad = await createUser({ opd, name: 'Ahmad Fauzi' });
  adminAgent = await signedInAgent(t.app, 'admin@uji.go.id', DEFAULT_PASSWORD);
  hrAgent = await signedInAgent(t.app, 'hr@uji.go.id', DEFAULT_PASSWORD);
});

afterAll(async () => {
  await t.close();
});

describe('recording access to a person', () => {
  it("records HR viewing a person's page and edit form, once each", async () => {
    const started = Date.now();
    expect((await hrAgent.get(`/admin/users/${siti._id}`)).status).toBe(200);
    expect((await hrAgent.get(`/admin/users/${siti._id}/edit`)).status).toBe(200);
    const entries = await AccessLogEntry.find({ subject: siti._id }).sort({ what: 1 }).lean();
    expect(
      entries.map((e) => ({ actor: String(e.actor), actorName: e.actorName, kind: e.kind, what: e.what })),
    ).toEqual([
      { actor: String(hr._id), actorName: 'Petugas HR Disdukcapil', kind: 'view', what: 'users.detail' },
      { actor: String(hr._id), actorName: 'Petugas HR Disdukcapil', kind: 'view', what: 'users.edit' },
    ]);
    expect(entries[0].at.getTime()).toBeGreaterThanOrEqual(started - 1000);
    expect(entries[0].requestId).toMatch(/^[\w.-]{8,64}$/);
    // the exact times used by the date-range tests below
    await AccessLogEntry.updateMany(
      { subject: siti._id },
      { $set: { at: new Date('2026-05-10T03:00:00Z') } },
    );
  });

  it('does not record a person looking at their own record', async () => {
    const before = await AccessLogEntry.countDocuments({});
    expect((await hrAgent.get(`/admin/users/${hr._id}`)).status).toBe(200);
    expect(await AccessLogEntry.countDocuments({})).toBe(before);
    expect(
      await accessLog.record(
        { id: String(hr._id), name: hr.name },
        [String(hr._id)],
        'export',
        'users.export',
      ),
    ).toBe(0);
  });

  it('records nothing for a page that answered 404', async () => {
    const before = await AccessLogEntry.countDocuments({});
    expect((await hrAgent.get('/admin/users/0123456789abcdef01234567')).status).toBe(404);
    expect(await AccessLogEntry.countDocuments({})).toBe(before);
  });

  it('records one entry per person of an export, once each', async () => {
    const count = await accessLog.record(
      { id: String(hr._id), name: hr.name },
      [String(siti._id), String(ahmad._id), String(ahmad._id)],
      'export',
      'users.export',
      { at: new Date('2026-05-20T10:00:00Z') },
    );
    expect(count).toBe(2);
  });
});

describe('the admin access-log page', () => {
  beforeAll(async () => {
    await accessLog.record(
      { id: String(hr._id), name: hr.name },
      String(ahmad._id),
      'download',
      'certificates.pdf',
      { at: new Date('2026-06-01T16:59:00Z') },
    ); // 23.59 WIB, 1 June
    await accessLog.record({ id: String(hr._id), name: hr.name }, String(ahmad._id), 'view', 'users.detail', {
      at: new Date('2026-06-01T17:00:00Z'),
    }); // 00.00 WIB, 2 June
  });

  it('is for admins only', async () => {
    expect((await hrAgent.get('/admin/akses')).status).toBe(403);
    const anonymous = await request(t.app).get('/admin/akses');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toBe('/login?returnTo=%2Fadmin%2Fakses');
  });

  it("lists every person whose data the account touched, with counts, by the account's NIP", async () => {
    const res = await adminAgent.get('/admin/akses?akun=19850505+201001+1+003');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Data yang diakses oleh Petugas HR Disdukcapil');
    expect(res.text).toContain('2 orang, 6 akses.');
    expect(res.text).toMatch(/<td>Ahmad Fauzi<\/td>\s*<td>3<\/td>\s*<td>1<\/td>\s*<td>1<\/td>\s*<td>1<\/td>/);
    expect(res.text).toMatch(/<td>Siti Aminah<\/td>\s*<td>3<\/td>\s*<td>2<\/td>\s*<td>1<\/td>\s*<td>0<\/td>/);
  });

  it('offers the accounts found in the log, chosen by id so that no NIP travels in the URL', async () => {
    const form = await adminAgent.get('/admin/akses');
    expect(form.status).toBe(200);
    expect(form.text).toContain(`<option value="${hr._id}" >Petugas HR Disdukcapil</option>`);
    const chosen = await adminAgent.get(`/admin/akses?akun=${hr._id}`);
    expect(chosen.text).toContain(`<option value="${hr._id}" selected>Petugas HR Disdukcapil</option>`);
    expect(chosen.text).toContain('2 orang, 6 akses.');
  });

  it('narrows to a date range in WIB, both ends included', async () => {
    const june1 = await adminAgent.get('/admin/akses?akun=hr%40uji.go.id&dari=2026-06-01&sampai=2026-06-01');
    expect(june1.text).toContain('1 orang, 1 akses.');
    expect(june1.text).toContain('certificates.pdf');
    const may = await adminAgent.get('/admin/akses?akun=hr%40uji.go.id&dari=2026-05-01&sampai=2026-05-31');
    expect(may.text).toContain('2 orang, 4 akses.');
    const nothing = await adminAgent.get('/admin/akses?akun=hr%40uji.go.id&dari=2026-07-01');
    expect(nothing.text).toContain('0 orang, 0 akses.');
  });

  it('says so when no account has that NIP or email, and refuses unknown parameters', async () => {
    const res = await adminAgent.get('/admin/akses?akun=nobody%40uji.go.id');
    expect(res.text).toContain('Tidak ada akun dengan NIP atau email ini.');
    expect((await adminAgent.get('/admin/akses?akun=0123456789abcdef01234567')).text).toContain(
      'Tidak ada akun dengan NIP atau email ini.',
    );
    expect((await adminAgent.get('/admin/akses?akun[$ne]=x')).status).toBe(400);
  });

  it('answers the same question through the service', async () => {
    const result = await accessedBy({
      actorId: String(hr._id),
      from: new Date('2026-06-01T00:00:00Z'),
      to: new Date('2026-06-02T00:00:00Z'),
    });
    expect(result.subjects).toEqual([
      {
        subjectId: String(ahmad._id),
        subjectName: 'Ahmad Fauzi',
        count: 2,
        kinds: { view: 1, export: 0, download: 1 },
        first: new Date('2026-06-01T16:59:00Z'),
        last: new Date('2026-06-01T17:00:00Z'),
      },
    ]);
    expect(result.entries.map((e) => e.what)).toEqual(['users.detail', 'certificates.pdf']);
  });
});

describe("the people export's access entries", () => {
  it('records an export entry for every person in the file except the one exporting', async () => {
    await AccessLogEntry.deleteMany({});
    const res = await hrAgent.get('/admin/users/export.csv');
    expect(res.status).toBe(200);
    const entries = await AccessLogEntry.find({}).lean();
    expect(entries.map((e) => [String(e.subject), e.kind, e.what]).sort()).toEqual(
      [
        [String(siti._id), 'export', 'users.export.csv'],
        [String(ahmad._id), 'export', 'users.export.csv'],
      ].sort(),
    );
  });
});
