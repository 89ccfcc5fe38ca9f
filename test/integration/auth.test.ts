// Sign-in, sign-out, sessions and lockout, through the real app on the embedded database.
import request from 'supertest';
import mongoose from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfToken, signIn, signedInAgent } from '../support/auth';
import { User } from '../../src/users/user.model';
import { formatNip } from '../../src/users/nip';
import { requireRole } from '../../src/auth/guards';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    extraRoutes: (app) => {
      app.get('/test/admin-only', requireRole('admin'), (_req, res) => {
        res.send('admin area');
      });
    },
  });
});
afterAll(async () => t.close());

const sessions = () => mongoose.connection.collection('sessions');
const sidOf = (res: request.Response) =>
  (res.headers['set-cookie'] as unknown as string[] | undefined)
    ?.find((c) => c.startsWith('binaasn.sid='))
    ?.split(';')[0];

describe('the sign-in page', () => {
  it('shows the form with a CSRF token, in Bahasa Indonesia, and stores no session', async () => {
    const before = await sessions().countDocuments();
    const res = await request(t.app).get('/login');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Masuk ke BinaASN');
    expect(res.text).toMatch(/name="_csrf" value="[0-9a-f]{64}"/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(sidOf(res)).toBeUndefined();
    expect(await sessions().countDocuments()).toBe(before);
  });
});

describe('signing in', () => {
  it('accepts a NIP typed with spaces, regenerates the session id and redirects home', async () => {
    const user = await createUser({ roles: ['learner'] });
    const agent = request.agent(t.app);
    const res = await signIn(agent, ` ${formatNip(user.nip!)} `, DEFAULT_PASSWORD);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    const sid = sidOf(res);
    expect(sid).toBeDefined();
    const home = await agent.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain(`Selamat datang, ${user.name}`);
    const saved = await User.findById(user._id).lean();
    expect(saved?.lastLoginAt).toBeInstanceOf(Date);
  });

  it('gives a new session id at sign-in even when the browser had one', async () => {
    const user = await createUser();
    const agent = request.agent(t.app);
    const first = await signIn(agent, user.email!, DEFAULT_PASSWORD);
    const token = await csrfToken(agent, '/account/password');
    // sign in again from the same browser, with its existing session cookie
    const second = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: token, identifier: user.email!, password: DEFAULT_PASSWORD });
    expect(second.status).toBe(302);
    expect(sidOf(second)).toBeDefined();
    expect(sidOf(second)).not.toBe(sidOf(first));
    expect(
      await sessions().countDocuments({
        _id: decodeURIComponent(sidOf(first)!.split('=')[1]).slice(2).split('.')[0] as never,
      }),
    ).toBe(0);
  });

  it('follows a same-origin returnTo and ignores another origin', async () => {
    const user = await createUser();
    const ok = await signIn(request.agent(t.app), user.email!, DEFAULT_PASSWORD, '/account/password');
    expect(ok.headers.location).toBe('/account/password');
    const evil = await signIn(request.agent(t.app), user.email!, DEFAULT_PASSWORD, 'https://evil.example/');
    expect(evil.headers.location).toBe('/');
  });

  it('answers the same for an unknown account and a wrong password', async () => {
    const user = await createUser();
    const unknown = await signIn(request.agent(t.app), 'nobody@uji.pemkomedan.go.id', 'Whatever#2026x');
    const wrong = await signIn(request.agent(t.app), user.email!, 'Whatever#2026x');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const message = (html: string) => /<p class="form-error" role="alert">([^<]*)<\/p>/.exec(html)?.[1];
    expect(message(unknown.text)).toBe('NIP/email atau kata sandi salah.');
    expect(message(wrong.text)).toBe(message(unknown.text));
    expect(wrong.text).toContain(`value="${user.email}"`); // what was typed is kept
  });

  it('refuses an inactive person with the same message', async () => {
    const user = await createUser({ status: 'inactive' });
    const res = await signIn(request.agent(t.app), user.email!, DEFAULT_PASSWORD);
    expect(res.status).toBe(401);
    expect(res.text).toContain('NIP/email atau kata sandi salah.');
  });

  it('shows messages next to empty fields, in the chosen language', async () => {
    const agent = request.agent(t.app);
    let token = await csrfToken(agent);
    const id = await agent.post('/login').type('form').send({ _csrf: token, identifier: '', password: '' });
    expect(id.status).toBe(422);
    expect(id.text).toContain('Masukkan NIP atau email.');
    expect(id.text).toContain('Masukkan kata sandi.');
    await agent.post('/language').type('form').send({ _csrf: token, lang: 'en', returnTo: '/login' });
    token = await csrfToken(agent);
    const en = await agent.post('/login').type('form').send({ _csrf: token, identifier: '', password: '' });
    expect(en.status).toBe(422);
    expect(en.text).toContain('Enter your NIP or email.');
    expect(en.text).toContain('Enter your password.');
  });

  it('rejects operator objects and unexpected fields in the form', async () => {
    const user = await createUser();
    const agent = request.agent(t.app);
    const token = await csrfToken(agent);
    const res = await agent
      .post('/login')
      .set('content-type', 'application/json')
      .send({ _csrf: token, identifier: { $ne: '' }, password: DEFAULT_PASSWORD });
    expect(res.status).toBe(422);
    const extra = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: token, identifier: user.email!, password: DEFAULT_PASSWORD, roles: 'admin' });
    expect(extra.status).toBe(422);
    const bracket = await agent
      .post('/login')
      .type('form')
      .send(`_csrf=${token}&identifier[$ne]=x&password=${encodeURIComponent(DEFAULT_PASSWORD)}`);
    expect(bracket.status).toBe(422);
  });
});

describe('CSRF protection', () => {
  it('refuses a sign-in without a token or with a wrong one (403)', async () => {
    const user = await createUser();
    const agent = request.agent(t.app);
    await agent.get('/login');
    const missing = await agent
      .post('/login')
      .type('form')
      .send({ identifier: user.email!, password: DEFAULT_PASSWORD });
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('Formulir sudah kedaluwarsa atau tidak sah.');
    const wrong = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: 'a'.repeat(64), identifier: user.email!, password: DEFAULT_PASSWORD });
    expect(wrong.status).toBe(403);
  });

  it('refuses a signed-in form post with a token from another session', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user.email!, DEFAULT_PASSWORD);
    const otherToken = await csrfToken(request.agent(t.app));
    const res = await agent.post('/logout').type('form').send({ _csrf: otherToken });
    expect(res.status).toBe(403);
    expect((await agent.get('/')).text).toContain('Selamat datang'); // still signed in
  });
});

describe('signing out', () => {
  it('destroys the server session and the cookie no longer works', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user.email!, DEFAULT_PASSWORD);
    const count = await sessions().countDocuments();
    const token = await csrfToken(agent, '/account/password');
    const res = await agent.post('/logout').type('form').send({ _csrf: token });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login');
    expect(await sessions().countDocuments()).toBe(count - 1);
    const after = await agent.get('/account/password');
    expect(after.status).toBe(302);
    expect(after.headers.location).toBe('/login?returnTo=%2Faccount%2Fpassword');
  });
});

describe('repeated failures', () => {
  it('locks the account at the 10th failure, then answers 429 even to the right password', async () => {
    const user = await createUser();
    const agent = request.agent(t.app);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1)
      statuses.push((await signIn(agent, user.email!, `Wrong#Guess${i}xx`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 401, 429]);
    const right = await signIn(agent, user.email!, DEFAULT_PASSWORD);
    expect(right.status).toBe(429);
    expect(right.text).toContain('Akun ini dikunci sementara; coba lagi dalam 15 menit.');
    const saved = await User.findById(user._id).lean();
    expect(saved?.failedLogins).toBe(10);
    expect(saved?.lockedUntil?.getTime()).toBe(t.clock().getTime() + 15 * 60_000);
    // After the lock has passed, the right password works again.
    t.clock.advance(15 * 60_000 + 1000);
    expect((await signIn(agent, user.email!, DEFAULT_PASSWORD)).status).toBe(302);
  });

  it('is lifted when an admin clears the lock (password reset)', async () => {
    const user = await createUser();
    const agent = request.agent(t.app);
    for (let i = 0; i < 10; i += 1) await signIn(agent, user.email!, `Wrong#Guess${i}xx`);
    expect((await signIn(agent, user.email!, DEFAULT_PASSWORD)).status).toBe(429);
    await User.updateOne({ _id: user._id }, { $unset: { lockedUntil: 1 }, $set: { failedLogins: 0 } });
    expect((await signIn(agent, user.email!, DEFAULT_PASSWORD)).status).toBe(302);
  });

  it('counts failures by NIP and by email together for one person', async () => {
    const user = await createUser();
    const agent = request.agent(t.app);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1)
      statuses.push(
        (await signIn(agent, i % 2 ? user.email! : formatNip(user.nip!), `Wrong#Guess${i}xx`)).status,
      );
    expect(statuses.slice(8)).toEqual([401, 429]);
    expect((await signIn(agent, user.nip!, DEFAULT_PASSWORD)).status).toBe(429);
  });

  it('checks at most 10 passwords of a burst of 20 parallel guesses, then refuses the right one', async () => {
    const user = await createUser();
    const agent = request.agent(t.app);
    const guesses = Array.from({ length: 20 }, (_, i) => `Wrong#Guess${i}xx`);
    const statuses = await Promise.all(
      guesses.map((password) => signIn(agent, user.email!, password).then((r) => r.status)),
    );
    const checkedAndWrong = statuses.filter((s) => s === 401).length;
    const refused = statuses.filter((s) => s === 429).length;
    // Attempts are counted before they are checked: the 10th counted one locks, later ones are not checked.
    expect({ statuses: statuses.join(','), checkedAndWrong, refused }).toEqual({
      statuses: statuses.join(','),
      checkedAndWrong: 9,
      refused: 11,
    });
    expect((await User.findById(user._id).lean())?.lockedUntil).toBeInstanceOf(Date);
    expect((await signIn(agent, user.email!, DEFAULT_PASSWORD)).status).toBe(429);
  });

  it('locks unknown accounts the same way, so lockout reveals nothing', async () => {
    const agent = request.agent(t.app);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1)
      statuses.push((await signIn(agent, 'ghost@uji.pemkomedan.go.id', `Wrong#Guess${i}xx`)).status);
    expect(statuses.slice(8)).toEqual([401, 429, 429]);
  });
});

describe('session lifetime', () => {
  it('ends a session idle for longer than the idle timeout', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user.email!, DEFAULT_PASSWORD);
    t.clock.advance(29 * 60_000);
    expect((await agent.get('/')).text).toContain('Selamat datang');
    t.clock.advance(31 * 60_000);
    const res = await agent.get('/account/password');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?returnTo=%2Faccount%2Fpassword&ended=idle');
    const login = await agent.get(res.headers.location);
    expect(login.text).toContain('Sesi Anda berakhir karena tidak ada aktivitas.');
  });

  it('ends a session older than the absolute lifetime even when active', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user.email!, DEFAULT_PASSWORD);
    for (let i = 0; i < 24; i += 1) {
      t.clock.advance(29 * 60_000);
      expect((await agent.get('/')).status).toBe(200);
    }
    t.clock.advance(29 * 60_000); // 12 h 05 min after sign-in
    const res = await agent.get('/account/password');
    expect(res.headers.location).toBe('/login?returnTo=%2Faccount%2Fpassword&ended=expired');
  });

  it('signs a deactivated person out on their next request', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user.email!, DEFAULT_PASSWORD);
    await User.updateOne({ _id: user._id }, { $set: { status: 'inactive' } });
    const res = await agent.get('/account/password');
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/login\?returnTo=/);
  });
});

describe('roles', () => {
  it('gives a learner the 403 page on an admin route, and an admin the page', async () => {
    const learner = await createUser({ roles: ['learner'] });
    const admin = await createUser({ roles: ['admin'] });
    const res = await (await signedInAgent(t.app, learner.email!, DEFAULT_PASSWORD)).get('/test/admin-only');
    expect(res.status).toBe(403);
    expect(res.text).toContain('Anda tidak memiliki akses ke halaman ini.');
    const ok = await (await signedInAgent(t.app, admin.email!, DEFAULT_PASSWORD)).get('/test/admin-only');
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('admin area');
  });

  it('redirects an anonymous visitor to sign in, and refuses an anonymous POST with 401', async () => {
    const res = await request(t.app).get('/test/admin-only?x=1');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?returnTo=%2Ftest%2Fadmin-only%3Fx%3D1');
  });

  it('marks the HR of an OPD an admin made city-wide as seeing every OPD', async () => {
    const bkpsdm = await createOpd({ code: 'BKPSDM', name: 'BKPSDM', cityWideHr: true });
    const hr = await createUser({ roles: ['hr'], opd: bkpsdm });
    const { loadSessionPerson } = await import('../../src/auth/auth.service');
    expect((await loadSessionPerson(String(hr._id)))?.actor).toMatchObject({
      roles: ['hr'],
      opdId: String(bkpsdm._id),
      seesAllOpds: true,
    });
  });
});

describe('names are shown escaped', () => {
  it('renders <script> in a person’s name as text', async () => {
    const user = await createUser({ name: '<script>alert(1)</script> Budi' });
    const agent = await signedInAgent(t.app, user.email!, DEFAULT_PASSWORD);
    const home = await agent.get('/');
    expect(home.text).not.toContain('<script>alert(1)</script>');
    expect(home.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Budi');
  });
});
