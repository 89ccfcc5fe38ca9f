// The privacy notice (UU 27/2022): public in both languages with everything the law asks for,
// linked from the footer and the login page; confirmed once at first sign-in, before any other page.
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfToken, signIn, type Agent } from '../support/auth';
import { User } from '../../src/users/user.model';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      PRIVACY_OFFICER_NAME: 'Ir. Hasanuddin, PPDP BKPSDM',
      PRIVACY_OFFICER_EMAIL: 'ppdp@medan.example.go.id',
      RETENTION_ACCESS_LOG_DAYS: '365',
    },
  });
});

afterAll(async () => {
  await t.close();
});

describe('the privacy page', () => {
  it('tells anyone, in Indonesian, who controls which data, why, who receives it, how long it is kept and whom to contact', async () => {
    const res = await request(t.app).get('/privasi');
    expect(res.status).toBe(200);
    for (const text of [
      '<h1>Pemberitahuan pelindungan data pribadi</h1>',
      'Undang-Undang Nomor 27 Tahun 2022',
      'Badan Kepegawaian dan Pengembangan Sumber Daya Manusia (BKPSDM) Kota Medan',
      'Tujuan pemrosesan',
      'NIP atau NI PPPK (yang memuat tanggal lahir dan jenis kelamin)',
      'perguruan tinggi mitra hanya untuk kursus mereka sendiri dan dalam bentuk statistik gabungan',
      'Berkas unggahan sementara: 24 jam.',
      'Pratinjau impor pegawai: 24 jam.',
      'Catatan akses data pribadi: 365 hari.',
      'Ir. Hasanuddin, PPDP BKPSDM',
      'href="mailto:ppdp@medan.example.go.id"',
    ]) {
      expect(res.text).toContain(text);
    }
    expect(res.text).not.toContain('/privasi/setuju');
    expect(res.headers['set-cookie'] ?? []).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/binaasn\.sid/)]),
    );
  });

  it('speaks English on request', async () => {
    const res = await request(t.app).get('/privasi').set('Cookie', 'binaasn.lang=en');
    expect(res.text).toContain('<h1>Personal data protection notice</h1>');
    expect(res.text).toContain('Temporary uploads: 24 hours.');
    expect(res.text).toContain(
      'partner universities only for their own courses and only as aggregate statistics',
    );
  });

  it('is linked from the footer of every page and from the login page', async () => {
    const login = await request(t.app).get('/login');
    expect(login.text.match(/href="\/privasi"/g)).toHaveLength(2);
    expect(login.text).toContain('Bagaimana data pribadi Anda diproses (kebijakan privasi)');
    const missing = await request(t.app).get('/tidak-ada');
    expect(missing.text).toContain('href="/privasi"');
  });
});

describe('the confirmation at first sign-in', () => {
  let person: Awaited<ReturnType<typeof createUser>>;
  let agent: Agent;

  beforeAll(async () => {
    person = await createUser({ privacyAcknowledged: false, email: 'baru@uji.go.id', name: 'Pegawai Baru' });
    agent = request.agent(t.app);
    const login = await signIn(agent, 'baru@uji.go.id', DEFAULT_PASSWORD, '/data-saya');
    expect(login.headers.location).toBe('/data-saya');
  });

  it('sends every page to the notice until confirmed, and refuses changes', async () => {
    for (const path of ['/', '/data-saya', '/data-saya/unduh']) {
      const res = await agent.get(path);
      expect([path, res.status, res.headers.location]).toEqual([
        path,
        302,
        `/privasi?returnTo=${encodeURIComponent(path)}`,
      ]);
    }
    const notice = await agent.get('/privasi?returnTo=%2Fdata-saya');
    expect(notice.text).toContain(
      'Saya telah membaca pemberitahuan ini dan memahami bagaimana data pribadi saya diproses.',
    );
    expect(notice.text).toContain('<input type="hidden" name="returnTo" value="/data-saya">');
    const token = await csrfToken(agent, '/privasi');
    const language = await agent
      .post('/language')
      .type('form')
      .send({ _csrf: token, lang: 'id', returnTo: '/privasi' });
    expect(language.status).toBe(302); // the language switch stays usable
  });

  it('needs the CSRF token', async () => {
    const res = await agent.post('/privasi/setuju').type('form').send({ returnTo: '/data-saya' });
    expect(res.status).toBe(403);
    expect((await User.findById(person._id).lean())?.privacyAcknowledgedAt).toBeUndefined();
  });

  it('stores the confirmation time, returns to the page asked for, and is not asked again', async () => {
    t.clock.now = new Date('2026-09-01T01:02:03Z');
    const token = await csrfToken(agent, '/privasi');
    const res = await agent
      .post('/privasi/setuju')
      .type('form')
      .send({ _csrf: token, returnTo: '/data-saya' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/data-saya');
    expect((await User.findById(person._id).lean())?.privacyAcknowledgedAt).toEqual(
      new Date('2026-09-01T01:02:03Z'),
    );
    expect((await agent.get('/data-saya')).status).toBe(200);
    expect((await agent.get('/privasi')).text).not.toContain('/privasi/setuju');

    const again = request.agent(t.app);
    expect((await signIn(again, 'baru@uji.go.id', DEFAULT_PASSWORD, '/data-saya')).headers.location).toBe(
      '/data-saya',
    );
    expect((await again.get('/')).status).toBe(200);
  });

  it('keeps the first date and only goes back to this site', async () => {
    t.clock.now = new Date('2026-09-01T01:10:00Z'); // within the idle timeout
    const token = await csrfToken(agent, '/privasi');
    const res = await agent
      .post('/privasi/setuju')
      .type('form')
      .send({ _csrf: token, returnTo: '//evil.example/' });
    expect(res.headers.location).toBe('/');
    expect((await User.findById(person._id).lean())?.privacyAcknowledgedAt).toEqual(
      new Date('2026-09-01T01:02:03Z'),
    );
  });

  it('is refused to an anonymous visitor', async () => {
    const anonymous = request.agent(t.app);
    const token = await csrfToken(anonymous, '/login');
    expect((await anonymous.post('/privasi/setuju').type('form').send({ _csrf: token })).status).toBe(401);
  });
});
