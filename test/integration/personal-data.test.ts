// "Data saya": the person's own data page and download, with the access entries about them, in both
// languages; never another person's data, whatever the request says.
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { signedInAgent } from '../support/auth';
import { accessLog } from '../../src/personal-data';
import { User } from '../../src/users/user.model';

let t: TestApp;
let opd: Awaited<ReturnType<typeof createOpd>>;
let learner: Awaited<ReturnType<typeof createUser>>;
let other: Awaited<ReturnType<typeof createUser>>;
let hr: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  t = await createTestApp();
  opd = await createOpd({ code: 'DISKOMINFO', name: 'Dinas Komunikasi dan Informatika' });
  learner = await createUser({
    name: 'Rina Sari Siregar, S.Kom.',
    opd,
    nip: '199001012015032001',
    email: 'rina@uji.go.id',
  });
  other = await createUser({ name: 'Budi Santoso Nasution', opd, email: 'budi@uji.go.id' });
  hr = await createUser({ name: 'Dewi Kepegawaian', roles: ['hr', 'learner'], opd, email: 'hr@uji.go.id' });
});

afterAll(async () => {
  await t.close();
});

describe('the Data saya page', () => {
  it('sends an anonymous visitor to sign in', async () => {
    const res = await request(t.app).get('/data-saya');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?returnTo=%2Fdata-saya');
    const download = await request(t.app).get('/data-saya/unduh');
    expect(download.status).toBe(302);
  });

  it("shows the person's own profile, sections and access record in Indonesian", async () => {
    await accessLog.record(
      { id: String(hr._id), name: hr.name },
      String(learner._id),
      'view',
      'users.detail',
      { at: new Date('2026-03-04T05:06:00Z') },
    );
    const agent = await signedInAgent(t.app, 'rina@uji.go.id', DEFAULT_PASSWORD);
    const res = await agent.get('/data-saya');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('<h1>Data saya</h1>');
    expect(res.text).toContain('Rina Sari Siregar, S.Kom.');
    expect(res.text).toContain('19900101 201503 2 001');
    expect(res.text).toContain('Penata Muda, III/a');
    expect(res.text).toContain('Dinas Komunikasi dan Informatika');
    expect(res.text).toContain('Pendaftaran kursus: 0 catatan');
    expect(res.text).toContain('Dewi Kepegawaian');
    expect(res.text).toContain('Halaman data pegawai');
    expect(res.text).toContain('4 Mar 2026'); // 12.06 WIB
    expect(res.text).not.toContain('Budi Santoso Nasution');
  });

  it('speaks English to a person who chose it', async () => {
    await User.updateOne({ _id: other._id }, { $set: { language: 'en' } });
    const agent = await signedInAgent(t.app, 'budi@uji.go.id', DEFAULT_PASSWORD);
    const res = await agent.get('/data-saya');
    expect(res.text).toContain('<h1>My data</h1>');
    expect(res.text).toContain('Course enrolments: 0 records');
    expect(res.text).toContain('Nobody else has accessed your data yet.');
  });
});

describe('downloading Data saya', () => {
  it('is a JSON attachment, never cached, with profile, empty sections and the access log', async () => {
    const agent = await signedInAgent(t.app, 'rina@uji.go.id', DEFAULT_PASSWORD);
    const res = await agent.get('/data-saya/unduh');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="data-saya-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    expect(res.headers['cache-control']).toBe('no-store');
    const data = JSON.parse(res.text);
    expect(data.format).toBe('binaasn.personal-data.v1');
    expect(data.profile).toMatchObject({
      nip: '19900101 201503 2 001',
      name: 'Rina Sari Siregar, S.Kom.',
      email: 'rina@uji.go.id',
      golongan: 'III/a',
      pangkat: 'Penata Muda',
      opd: { code: 'DISKOMINFO', name: 'Dinas Komunikasi dan Informatika' },
      roles: ['learner'],
      secondFactorEnabled: false,
    });
    expect(data.sections).toEqual({
      enrolments: [],
      attempts: [],
      jp: [],
      certificates: [],
      evaluations: [],
      events: [],
      mails: [],
    });
    expect(data.accessLog).toEqual([
      { at: '2026-03-04T05:06:00.000Z', by: 'Dewi Kepegawaian', kind: 'view', what: 'users.detail' },
    ]);
    expect(res.text).not.toMatch(/passwordHash|recoveryCode|secret/);
  });

  it('ignores any user id in the request', async () => {
    const agent = await signedInAgent(t.app, 'budi@uji.go.id', DEFAULT_PASSWORD);
    const res = await agent.get(`/data-saya/unduh?userId=${learner._id}&id=${learner._id}`);
    expect(JSON.parse(res.text).profile.name).toBe('Budi Santoso Nasution');
    expect((await agent.get(`/data-saya/${learner._id}`)).status).toBe(404);
  });
});

describe('a long access record', () => {
  it('lists the latest 50 on the page and every entry in the download', async () => {
    const many = await createUser({ opd, email: 'banyak@uji.go.id' });
    for (let i = 0; i < 55; i++) {
      await accessLog.record(
        { id: String(hr._id), name: hr.name },
        String(many._id),
        'view',
        'users.detail',
        { at: new Date(Date.UTC(2026, 0, 1, 0, i)) },
      );
    }
    const agent = await signedInAgent(t.app, 'banyak@uji.go.id', DEFAULT_PASSWORD);
    const page = await agent.get('/data-saya');
    expect(page.text).toContain(
      'Menampilkan 50 akses terbaru dari 55; unduh data Anda untuk catatan lengkap.',
    );
    expect(page.text.match(/<td>Dewi Kepegawaian<\/td>/g)).toHaveLength(50);
    const download = JSON.parse((await agent.get('/data-saya/unduh')).text);
    expect(download.accessLog).toHaveLength(55);
    expect(download.accessLog[0].at).toBe('2026-01-01T00:54:00.000Z');
  });
});
