// The app's shell: home pages, error pages, request parsing.
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { createUser, DEFAULT_PASSWORD } from '../support/factories';
import { signedInAgent } from '../support/auth';
import { Conflict } from '../../src/web/errors';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    extraRoutes: (app) => {
      app.get('/test/boom', () => {
        throw new Error('secret internal detail');
      });
      app.get('/test/conflict', () => {
        throw new Conflict();
      });
      app.get('/test/query', (req, res) => {
        res.json({ query: req.query });
      });
    },
  });
});
afterAll(async () => t.close());

describe('the home page', () => {
  it('welcomes visitors with a link to sign in', async () => {
    const res = await request(t.app).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('BinaASN — belajar dan berkembang bersama');
    expect(res.text).toContain('href="/login"');
  });

  it('shows a signed-in person their name and roles', async () => {
    const user = await createUser({ roles: ['learner', 'hr'], name: 'Dewi Lestari, S.Psi.' });
    const res = await (await signedInAgent(t.app, user.email!, DEFAULT_PASSWORD)).get('/');
    expect(res.text).toContain('Selamat datang, Dewi Lestari, S.Psi.');
    expect(res.text).toContain('Peserta, Kepegawaian (HR)');
    // The account group of the menu: the person's name and the sign-out form.
    expect(res.text).toMatch(/class="nav-person"[^>]*>.*Dewi Lestari, S\.Psi\.<\/p>/);
    expect(res.text).toContain('action="/logout"');
  });

  it('has a privacy page naming the data-protection officer', async () => {
    const res = await request(t.app).get('/privasi');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Pemberitahuan pelindungan data pribadi');
    expect(res.text).toContain(t.config.privacyOfficer.email);
  });
});

describe('error pages', () => {
  it('answer 404 with the not-found page', async () => {
    const res = await request(t.app).get('/tidak-ada');
    expect(res.status).toBe(404);
    expect(res.text).toContain('Halaman tidak ditemukan');
  });

  it('answer 404 with the same bytes whatever the path', async () => {
    const a = await request(t.app).get('/tidak-ada/6b0465e30d39307a17139124');
    const b = await request(t.app).get('/courses/no-such-thing');
    expect(a.status).toBe(404);
    const withoutToken = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, '');
    expect(withoutToken(a.text)).toBe(withoutToken(b.text));
  });

  it('answer 500 with the request id and no internal detail', async () => {
    const res = await request(t.app).get('/test/boom');
    expect(res.status).toBe(500);
    expect(res.text).toContain('Terjadi kesalahan');
    expect(res.text).toContain(`<code>${res.headers['x-request-id']}</code>`);
    expect(res.text).not.toContain('secret internal detail');
  });

  it('give other HttpErrors their status', async () => {
    expect((await request(t.app).get('/test/conflict')).status).toBe(409);
  });

  it('answer 413 for a body that is too large', async () => {
    const res = await request(t.app)
      .post('/login')
      .type('form')
      .send({ identifier: 'x'.repeat(300_000), password: 'y' });
    expect(res.status).toBe(413);
    expect(res.text).toContain('<html lang="id">');
    expect(res.text).toContain('Data atau berkas yang dikirim terlalu besar.');
  });

  it('answer JSON to a client that asks for JSON', async () => {
    const res = await request(t.app).get('/tidak-ada').set('accept', 'application/json');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      status: 404,
      error: 'Halaman yang Anda cari tidak ada atau sudah dipindahkan.',
    });
  });
});

describe('query strings', () => {
  it('never turn brackets into objects', async () => {
    const res = await request(t.app).get('/test/query?nip[$ne]=1&a[b]=2&c=3');
    expect(res.body).toEqual({ query: { 'nip[$ne]': '1', 'a[b]': '2', c: '3' } });
  });
});
