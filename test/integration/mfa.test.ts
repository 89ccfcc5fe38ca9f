// The second factor around sign-in: a half-signed session (password accepted, code pending) reaches
// nothing but the code page and sign-out; CSRF and lockout on the code form; both languages; an
// admin's audited reset that ends the person's sessions. (Enrolment, replay and recovery codes:
// test/integration/auth-mfa.test.ts.)
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfToken, halfSignedAgent, postMfaCode, signIn, signedInAgent, type Agent } from '../support/auth';
import { generateTotpSecret, totpCode } from '../../src/mfa/totp';
import { AuditEntry } from '../../src/audit/audit.model';
import { User } from '../../src/users/user.model';
import { mfaKeys, sealSecret } from '../../src/mfa/mfa-crypto';

let t: TestApp;
let admin: Awaited<ReturnType<typeof createUser>>;
let adminSecret: string;

async function withSecondFactor(user: { _id: unknown }): Promise<string> {
  const secret = generateTotpSecret();
  const sealed = sealSecret(mfaKeys(t.config.mfaEncryptionKey), String(user._id), 'enrolled', secret); // as enrolment stores it
  await User.updateOne(
    { _id: user._id },
    { $set: { 'mfa.enabled': true, 'mfa.secret': sealed, 'mfa.recoveryCodeHashes': ['0'.repeat(64)] } },
  );
  return secret;
}

beforeAll(async () => {
  t = await createTestApp({ env: { MFA_REQUIRED: 'true', LOGIN_MAX_FAILURES: '5' } });
  admin = await createUser({ roles: ['admin'], email: 'admin@uji.go.id', name: 'Admin Utama' });
  adminSecret = await withSecondFactor(admin);
});

afterAll(async () => {
  await t.close();
});

describe('a half-signed session', () => {
  it('reaches no page of a signed-in person', async () => {
    const agent = await halfSignedAgent(t.app, 'admin@uji.go.id', DEFAULT_PASSWORD);
    for (const path of [
      '/data-saya',
      '/data-saya/unduh',
      '/admin/users',
      '/admin/akses',
      `/admin/mfa/${admin._id}`,
      '/account/mfa',
      '/account/password',
    ]) {
      const res = await agent.get(path);
      expect([path, res.status, res.headers.location]).toEqual([
        path,
        302,
        `/login?returnTo=${encodeURIComponent(path)}`,
      ]);
    }
    const home = await agent.get('/');
    expect(home.text).not.toContain('Admin Utama');
    expect(home.text).toContain('href="/login"');
  });

  it('cannot change anything', async () => {
    const agent = await halfSignedAgent(t.app, 'admin@uji.go.id', DEFAULT_PASSWORD);
    const token = await csrfToken(agent, '/login/mfa');
    const reset = await agent.post(`/admin/mfa/${admin._id}/reset`).type('form').send({ _csrf: token });
    expect(reset.status).toBe(401);
    const confirm = await agent.post('/privasi/setuju').type('form').send({ _csrf: token });
    expect(confirm.status).toBe(401);
    expect((await User.findById(admin._id).lean())?.mfa?.enabled).toBe(true);
  });

  it('shows the code page in Indonesian and English, and can sign out', async () => {
    const agent = await halfSignedAgent(t.app, 'admin@uji.go.id', DEFAULT_PASSWORD);
    const id = await agent.get('/login/mfa');
    expect(id.status).toBe(200);
    expect(id.headers['cache-control']).toBe('no-store');
    expect(id.text).toContain('autocomplete="one-time-code"');
    expect(id.text).toContain('<html lang="id">');
    const token = await csrfToken(agent, '/login/mfa');
    await agent.post('/language').type('form').send({ _csrf: token, lang: 'en', returnTo: '/login/mfa' });
    const en = await agent.get('/login/mfa');
    expect(en.text).toContain('<html lang="en">');
    const logout = await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: await csrfToken(agent, '/login/mfa') });
    expect(logout.status).toBe(302);
    const after = await agent.get('/login/mfa');
    expect(after.headers.location).toBe('/login');
  });

  it('refuses a code without the CSRF token', async () => {
    const agent = await halfSignedAgent(t.app, 'admin@uji.go.id', DEFAULT_PASSWORD);
    const res = await agent
      .post('/login/mfa')
      .type('form')
      .send({ code: totpCode(adminSecret, t.clock()) });
    expect(res.status).toBe(403);
  });

  it('becomes a signed-in session with a right code', async () => {
    t.clock.advance(30_000);
    const agent = await halfSignedAgent(t.app, 'admin@uji.go.id', DEFAULT_PASSWORD);
    const ok = await postMfaCode(agent, totpCode(adminSecret, t.clock()));
    expect(ok.status).toBe(302);
    expect(ok.headers.location).toBe('/');
    const page = await agent.get('/data-saya');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Admin Utama');
  });
});

describe('wrong codes', () => {
  it('lock the second step like the password: the 5th failure locks, then even a right code is refused', async () => {
    const hr = await createUser({ roles: ['hr'], email: 'hr.lock@uji.go.id' });
    const secret = await withSecondFactor(hr);
    const agent = await halfSignedAgent(t.app, 'hr.lock@uji.go.id', DEFAULT_PASSWORD);
    for (let i = 1; i <= 4; i++) expect((await postMfaCode(agent, '000000')).status).toBe(401);
    const locked = await postMfaCode(agent, '000000');
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('15 menit');
    t.clock.advance(30_000);
    expect((await postMfaCode(agent, totpCode(secret, t.clock()))).status).toBe(429);
    // the lock is on the account's second step, not on this browser
    const other = await halfSignedAgent(t.app, 'hr.lock@uji.go.id', DEFAULT_PASSWORD);
    expect((await postMfaCode(other, totpCode(secret, t.clock()))).status).toBe(429);
    t.clock.advance(16 * 60_000);
    const later = await halfSignedAgent(t.app, 'hr.lock@uji.go.id', DEFAULT_PASSWORD);
    expect((await postMfaCode(later, totpCode(secret, t.clock()))).status).toBe(302);
  });
});

describe('an admin resetting a second factor', () => {
  let curator: Awaited<ReturnType<typeof createUser>>;
  let curatorSecret: string;
  let adminAgent: Agent;

  beforeAll(async () => {
    curator = await createUser({ roles: ['curator'], email: 'kurator@uji.go.id', name: 'Kurator Lupa HP' });
    curatorSecret = await withSecondFactor(curator);
    t.clock.advance(30_000);
    adminAgent = await halfSignedAgent(t.app, 'admin@uji.go.id', DEFAULT_PASSWORD);
    expect((await postMfaCode(adminAgent, totpCode(adminSecret, t.clock()))).status).toBe(302);
  });

  it("shows the person's state and a reset button to admins only", async () => {
    const page = await adminAgent.get(`/admin/mfa/${curator._id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Kurator Lupa HP');
    expect(page.text).toContain('Aktif');
    expect(page.text).toContain(`action="/admin/mfa/${curator._id}/reset"`);
    const learner = await createUser({ roles: ['learner'], email: 'peserta@uji.go.id' });
    const learnerAgent = await signedInAgent(t.app, 'peserta@uji.go.id', DEFAULT_PASSWORD);
    expect((await learnerAgent.get(`/admin/mfa/${curator._id}`)).status).toBe(403);
    expect((await learnerAgent.get(`/admin/mfa/${learner._id}`)).status).toBe(403);
  });

  it('answers an unknown id exactly like a malformed one', async () => {
    const unknown = await adminAgent.get('/admin/mfa/0123456789abcdef01234567');
    const malformed = await adminAgent.get('/admin/mfa/not-an-id');
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
    const body = (text: string) =>
      text.replace(/[0-9a-f-]{36}/g, 'REQUEST-ID').replace(/returnTo" value="[^"]*"/g, '');
    expect(body(unknown.text)).toBe(body(malformed.text));
  });

  it("turns it off, ends the person's sessions, and writes the audit log", async () => {
    const curatorAgent = await halfSignedAgent(t.app, 'kurator@uji.go.id', DEFAULT_PASSWORD);
    expect((await postMfaCode(curatorAgent, totpCode(curatorSecret, t.clock()))).status).toBe(302);
    expect((await curatorAgent.get('/data-saya')).status).toBe(200);

    const token = await csrfToken(adminAgent, `/admin/mfa/${curator._id}`);
    const reset = await adminAgent
      .post(`/admin/mfa/${curator._id}/reset`)
      .type('form')
      .send({ _csrf: token });
    expect(reset.status).toBe(302);
    expect(reset.headers.location).toBe(`/admin/mfa/${curator._id}`);
    expect((await adminAgent.get(reset.headers.location)).text).toContain(
      'Verifikasi dua langkah Kurator Lupa HP telah diatur ulang.',
    );

    const saved = await User.findById(curator._id).lean();
    expect(saved?.mfa).toEqual({ enabled: false, recoveryCodeHashes: [] });
    const entry = await AuditEntry.findOne({ action: 'user.mfa.reset' }).lean();
    expect(entry).toMatchObject({
      actor: admin._id,
      actorName: 'Admin Utama',
      targetType: 'user',
      targetId: String(curator._id),
      targetLabel: 'Kurator Lupa HP',
      before: { enabled: true, recoveryCodesLeft: 1 },
      after: { enabled: false, recoveryCodesLeft: 0 },
    });

    // the curator's live session has ended; signing in again leads to enrolment (required for curators)
    const ended = await curatorAgent.get('/data-saya');
    expect(ended.status).toBe(302);
    expect(ended.headers.location).toMatch(/^\/login\?/);
    const again = request.agent(t.app);
    const login = await signIn(again, 'kurator@uji.go.id', DEFAULT_PASSWORD);
    expect(login.headers.location).toBe('/');
    expect((await again.get('/')).headers.location).toBe('/account/mfa');
  });
});
