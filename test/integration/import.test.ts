// Importing people from CSV/XLSX: upload → preview with per-row problems → confirm; idempotent by
// NIP; HR limited to their OPD; hostile and formula-looking cells stored as text and shown escaped.
import request from 'supertest';
import { trusted } from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfToken, signedInAgent, type Agent } from '../support/auth';
import { User } from '../../src/users/user.model';
import { AuditEntry } from '../../src/audit/audit.model';
import { ImportPreview } from '../../src/users/import/import-preview.model';
import { Institution } from '../../src/institutions/institution.model';
import { csvOf, xlsxOf } from '../fixtures/people-files';

let t: TestApp;
let hrAgent: Agent;
let adminAgent: Agent;
let opdA: Awaited<ReturnType<typeof createOpd>>;

const HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>';
const FORMULA = "=cmd|' /C calc'!A0";

const ROWS = [
  [
    '19900101 201503 1 001',
    'Budi Siregar, S.Kom.',
    'budi@uji.go.id',
    'PNS',
    'III/a',
    'Pranata Komputer',
    'Bidang TI',
    'DISDUKCAPIL',
  ],
  ['199105052016022003', `Rina ${HOSTILE}`, '', 'PPPK', 'IX', FORMULA, '@SUM(A1)', ''],
  ['199001012015031002', 'Orang Dinas Lain', '', 'PNS', 'III/a', 'Staf', '', 'DINKES'],
  ['199002302015031004', 'Tanggal Salah', '', 'PNS', 'III/a', 'Staf', '', 'DISDUKCAPIL'],
  ['199001012015031005', 'Golongan Salah', '', 'PNS', 'V/e', 'Staf', '', 'DISDUKCAPIL'],
];

beforeAll(async () => {
  t = await createTestApp();
  opdA = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
  await createOpd({ code: 'DINKES', name: 'Dinas Kesehatan' });
  await createUser({ roles: ['hr', 'learner'], email: 'hr.a@uji.go.id', opd: opdA });
  await createUser({ roles: ['admin'], email: 'admin@uji.go.id' });
  hrAgent = await signedInAgent(t.app, 'hr.a@uji.go.id', DEFAULT_PASSWORD);
  adminAgent = await signedInAgent(t.app, 'admin@uji.go.id', DEFAULT_PASSWORD);
});

afterAll(async () => {
  await t.close();
});

async function upload(agent: Agent, bytes: Buffer, fileName: string) {
  const token = await csrfToken(agent, '/admin/users/import');
  return agent.post('/admin/users/import').field('_csrf', token).attach('file', bytes, fileName);
}

async function uploadAndPreview(agent: Agent, bytes: Buffer, fileName = 'pegawai.csv') {
  const res = await upload(agent, bytes, fileName);
  expect(res.status).toBe(303);
  const path = res.headers.location as string;
  const page = await agent.get(path);
  expect(page.status).toBe(200);
  return { path, page, id: path.split('/').pop()! };
}

async function confirm(agent: Agent, path: string) {
  const token = await csrfToken(agent, path);
  return agent.post(`${path}/confirm`).type('form').send({ _csrf: token });
}

describe('importing people as HR of one OPD', () => {
  let previewPath: string;

  it('previews every row with its problems and saves nothing yet', async () => {
    const { path, page, id } = await uploadAndPreview(
      hrAgent,
      csvOf(ROWS),
      '<img src=y onerror=alert(3)>.csv',
    );
    previewPath = path;
    const preview = await ImportPreview.findById(id).lean();
    expect(preview!.counts).toEqual({ create: 2, update: 0, unchanged: 0, reject: 3 });
    expect(preview!.rows.map((r) => [r.line, r.action, r.problems])).toEqual([
      [2, 'create', []],
      [3, 'create', []],
      [4, 'reject', ['users.import.errors.otherOpd']],
      [5, 'reject', ['users.errors.nipBirthDate']],
      [6, 'reject', ['users.errors.golonganInvalid']],
    ]);
    expect(page.text).toContain('Anda hanya dapat mengimpor pegawai OPD Anda sendiri.');
    expect(page.text).toContain('Delapan digit pertama NIP harus tanggal lahir yang benar (TTTTBBHH).');
    expect(page.text).toContain('Baru: 2');
    expect(page.text).toContain('Ditolak: 3');
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).not.toContain('<script>alert(2)');
    expect(page.text).not.toContain('<img src=y');
    expect(page.text).toContain('&lt;img src=y onerror=alert(3)&gt;.csv');
    expect(page.text).toContain('=cmd|&#39; /C calc&#39;!A0');
    expect(
      await User.countDocuments({ nip: trusted({ $in: ['199001012015031001', '199105052016022003'] }) }),
    ).toBe(0);
  });

  it('confirming saves only the valid rows, in the OPD of the HR user, text kept as text', async () => {
    const res = await confirm(hrAgent, previewPath);
    expect(res.status).toBe(303);
    const page = await hrAgent.get(previewPath);
    expect(page.text).toContain('Impor selesai: 2 dibuat, 0 diperbarui, 0 tidak berubah, 3 ditolak.');
    const saved = await User.find({ opd: opdA._id, roles: ['learner'] })
      .select('nip name jabatan unitKerja employeeType golongan opd passwordHash')
      .sort({ nip: 1 })
      .lean();
    expect(
      saved.map((u) => [u.nip, u.name, u.jabatan, u.unitKerja, u.employeeType, u.golongan, u.passwordHash]),
    ).toEqual([
      [
        '199001012015031001',
        'Budi Siregar, S.Kom.',
        'Pranata Komputer',
        'Bidang TI',
        'pns',
        'III/a',
        undefined,
      ],
      ['199105052016022003', `Rina ${HOSTILE}`, FORMULA, '@SUM(A1)', 'pppk', 'IX', undefined],
    ]);
    expect(
      await User.countDocuments({
        nip: trusted({ $in: ['199001012015031002', '199002302015031004', '199001012015031005'] }),
      }),
    ).toBe(0);
    const entry = await AuditEntry.findOne({ action: 'user.import' }).lean();
    expect(entry!.after).toEqual({ create: 2, update: 0, unchanged: 0, reject: 3 });
  });

  it('confirming the same preview again changes nothing', async () => {
    const before = await User.find({ opd: opdA._id }).lean();
    await confirm(hrAgent, previewPath);
    expect(await User.find({ opd: opdA._id }).lean()).toEqual(before);
  });

  it('the same file imported twice reports its rows unchanged', async () => {
    const before = await User.find({ opd: opdA._id }).lean();
    const { path, page } = await uploadAndPreview(hrAgent, csvOf(ROWS));
    expect(page.text).toContain('Tidak berubah: 2');
    await confirm(hrAgent, path);
    const after = await hrAgent.get(path);
    expect(after.text).toContain('Impor selesai: 0 dibuat, 0 diperbarui, 2 tidak berubah, 3 ditolak.');
    expect(await User.find({ opd: opdA._id }).lean()).toEqual(before);
  });

  it('reads the people export back: its spaced NIPs are accepted and every row is unchanged', async () => {
    const opd = await createOpd({ code: 'BAPENDA', name: 'Badan Pendapatan Daerah' });
    await createUser({ roles: ['hr'], email: 'hr.bapenda@uji.go.id', opd });
    await Promise.all([createUser({ opd }), createUser({ opd })]);
    const agent = await signedInAgent(t.app, 'hr.bapenda@uji.go.id', DEFAULT_PASSWORD);
    const exported = await agent.get('/admin/users/export.csv?role=learner');
    const dataLines = exported.text.trim().split('\r\n').length - 1;
    expect(exported.text).toMatch(/\r\n\d{8} \d{6} \d \d{3},/);
    const { page } = await uploadAndPreview(agent, Buffer.from(exported.text), 'pegawai.csv');
    expect(dataLines).toBe(2);
    expect(page.text).toContain(`Tidak berubah: ${dataLines}`);
    expect(page.text).toContain('Ditolak: 0');
  });

  it('lists imported hostile names escaped on the people page', async () => {
    const list = await hrAgent.get('/admin/users?q=Rina');
    expect(list.text).toContain('Rina &#34;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(list.text).not.toContain('<img src=x');
  });

  it("cannot open another person's preview", async () => {
    const { id } = await uploadAndPreview(adminAgent, csvOf(ROWS.slice(0, 1)));
    const res = await hrAgent.get(`/admin/users/import/${id}`);
    expect(res.status).toBe(404);
    const token = await csrfToken(hrAgent, '/admin/users/import');
    expect(
      (await hrAgent.post(`/admin/users/import/${id}/confirm`).type('form').send({ _csrf: token })).status,
    ).toBe(404);
  });
});

describe('an OPD HR importing NIPs or emails held in another OPD', () => {
  it('answers "cannot be imported by this account" without naming the OPD, logs the attempt, and keeps them unique', async () => {
    const dinkes = await Institution.findOne({ code: 'DINKES' });
    const elsewhere = await createUser({
      opd: dinkes!,
      email: 'rahasia.dinkes@uji.go.id',
      jabatan: 'Perawat',
    });
    const rows = [
      [elsewhere.nip!, 'Nama Tiruan', '', 'PNS', 'III/a', 'Staf', '', ''],
      [
        '199204042017032001',
        'Pemilik Email Lain',
        'rahasia.dinkes@uji.go.id',
        'PNS',
        'III/a',
        'Staf',
        '',
        '',
      ],
      ['199204042017032002', 'Orang Baru', '', 'PNS', 'III/a', 'Staf', '', ''],
    ];
    const { path, page, id } = await uploadAndPreview(hrAgent, csvOf(rows));
    const preview = await ImportPreview.findById(id).lean();
    expect(preview!.rows.map((r) => [r.line, r.action, r.problems])).toEqual([
      [2, 'reject', ['users.import.errors.notImportable']],
      [3, 'reject', ['users.import.errors.notImportable']],
      [4, 'create', []],
    ]);
    expect(page.text).toContain('NIP atau email pada baris ini tidak dapat diimpor oleh akun ini.');
    for (const leak of ['OPD lain', 'Dinas Kesehatan', 'DINKES', 'sudah dipakai akun lain'])
      expect({ leak, shown: page.text.includes(leak) }).toEqual({ leak, shown: false });
    const logged = await AuditEntry.findOne({ action: 'user.import.outOfScope', targetId: id }).lean();
    expect(logged).toMatchObject({ targetType: 'import', after: { rows: 2, lines: [2, 3] } });
    await confirm(hrAgent, path);
    expect(await User.countDocuments({ nip: elsewhere.nip })).toBe(1);
    expect(await User.countDocuments({ email: 'rahasia.dinkes@uji.go.id' })).toBe(1);
    expect((await User.findById(elsewhere._id).lean())!).toMatchObject({
      name: elsewhere.name,
      opd: dinkes!._id,
    });
  });
});

describe('importing people as an admin', () => {
  it('updates people by NIP from an XLSX file and creates the new ones', async () => {
    const bytes = await xlsxOf([
      [
        '199001012015031001',
        'Budi Siregar, S.Kom., M.Kom.',
        'budi@uji.go.id',
        'PNS',
        'III/b',
        'Pranata Komputer Ahli Muda',
        'Bidang TI',
        'DISDUKCAPIL',
      ],
      [
        '198807072012121001',
        'Hendra Ginting, S.T.',
        'hendra@uji.go.id',
        'PNS',
        'III/c',
        'Penguji',
        'Bidang Angkutan',
        'dinkes',
      ],
    ]);
    const { path, page } = await uploadAndPreview(adminAgent, bytes, 'pegawai.xlsx');
    expect(page.text).toContain('Baru: 1');
    expect(page.text).toContain('Diperbarui: 1');
    await confirm(adminAgent, path);
    expect(await User.findOne({ nip: '199001012015031001' }).select('name golongan -_id').lean()).toEqual({
      name: 'Budi Siregar, S.Kom., M.Kom.',
      golongan: 'III/b',
    });
    expect(await User.countDocuments({ nip: '198807072012121001' })).toBe(1);
  });

  it('leaves nothing half-imported when a write fails part-way', async () => {
    const { path, id } = await uploadAndPreview(
      adminAgent,
      csvOf([
        ['197001012000011001', 'Pertama Baris', '', 'PNS', 'III/a', '', '', 'DINKES'],
        ['197001012000011002', 'Kedua Baris', '', 'PNS', 'III/a', '', '', 'DINKES'],
      ]),
    );
    // Arrange a failure on the second write: its stored record breaks the model's golongan rule.
    await ImportPreview.collection.updateOne(
      { _id: (await ImportPreview.findById(id))!._id },
      { $set: { 'rows.1.record.golongan': 'Z/z' } },
    );
    const res = await confirm(adminAgent, path);
    expect(res.status).toBe(500);
    expect(
      await User.countDocuments({ nip: trusted({ $in: ['197001012000011001', '197001012000011002'] }) }),
    ).toBe(0);
  });
});

describe('the upload', () => {
  it('refuses a file that is not CSV or XLSX, whatever it is called (422)', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    const res = await upload(hrAgent, png, 'pegawai.csv');
    expect(res.status).toBe(422);
    expect(res.text).toContain('Jenis berkas tidak didukung; gunakan CSV atau XLSX.');
  });

  it('names missing columns', async () => {
    const res = await upload(hrAgent, Buffer.from('Email,Jabatan\na@b.c,Staf\n'), 'x.csv');
    expect(res.status).toBe(422);
    expect(res.text).toContain('Kolom wajib tidak ditemukan: NIP, Nama.');
  });

  it('refuses files over 2 MB (413)', async () => {
    const res = await upload(hrAgent, Buffer.alloc(2 * 1024 * 1024 + 10, 'a'), 'big.csv');
    expect(res.status).toBe(413);
    expect(res.text).toContain('Berkas lebih besar dari 2 MB.');
  });

  it('refuses an upload without a valid CSRF token (403)', async () => {
    const res = await hrAgent
      .post('/admin/users/import')
      .field('_csrf', 'forged')
      .attach('file', csvOf(ROWS), 'p.csv');
    expect(res.status).toBe(403);
    expect(await ImportPreview.countDocuments({ fileName: 'p.csv' })).toBe(0);
  });

  it('offers a CSV template with the expected columns', async () => {
    const res = await hrAgent.get('/admin/users/import/template.csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'NIP,Nama,Email,Jenis,Golongan,Jabatan,Unit Kerja,Kode OPD',
    );
  });

  it('is for HR and admins only', async () => {
    await createUser({ email: 'learner@uji.go.id', opd: opdA });
    const learner = await signedInAgent(t.app, 'learner@uji.go.id', DEFAULT_PASSWORD);
    expect((await learner.get('/admin/users/import')).status).toBe(403);
    expect((await request(t.app).get('/admin/users/import/template.csv')).status).toBe(302);
  });
});
