// Two-step verification: enrolment, the code step at sign-in, recovery codes, and MFA_REQUIRED.
import request from 'supertest';
import { totpCode } from '../../src/mfa/totp';
import { createTestApp, type TestApp } from '../support/app';
import { createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfToken, signIn, signedInAgent, type Agent } from '../support/auth';
import { User } from '../../src/users/user.model';
import { hashRecoveryCode, mfaKeys, openSecret } from '../../src/mfa/mfa-crypto';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { MFA_REQUIRED: 'true' } });
});
afterAll(async () => t.close());

const codeAt = async (secret: string, date: Date) => totpCode(secret, date);

async function enrol(agent: Agent): Promise<{ secret: string; recoveryCodes: string[] }> {
  const page = await agent.get('/account/mfa');
  const secret = /<code class="secret">([A-Z2-7]+)<\/code>/.exec(page.text)![1];
  const token = await csrfToken(agent, '/account/mfa');
  const res = await agent
    .post('/account/mfa/confirm')
    .type('form')
    .send({ _csrf: token, code: await codeAt(secret, t.clock()), password: DEFAULT_PASSWORD });
  expect(res.status).toBe(200);
  const recoveryCodes = [...res.text.matchAll(/<li><code>([0-9a-f-]{19})<\/code><\/li>/g)].map((m) => m[1]);
  return { secret, recoveryCodes };
}

describe('enrolling a second factor', () => {
  it("asks for the current password again, so a stolen session cannot enrol the thief's authenticator", async () => {
    const admin = await createUser({ roles: ['admin'] });
    const agent = await signedInAgent(t.app, admin.email!, DEFAULT_PASSWORD);
    const page = await agent.get('/account/mfa');
    expect(page.text).toMatch(/action="\/account\/mfa\/confirm"[\s\S]*name="password"/);
    const secret = /<code class="secret">([A-Z2-7]+)<\/code>/.exec(page.text)![1];
    const send = async (fields: Record<string, string>) =>
      agent
        .post('/account/mfa/confirm')
        .type('form')
        .send({
          _csrf: await csrfToken(agent, '/account/mfa'),
          code: await codeAt(secret, t.clock()),
          ...fields,
        });
    const missing = await send({});
    expect(missing.status).toBe(422);
    const wrong = await send({ password: 'Salah#Sandi2026' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('Kata sandi saat ini salah.');
    const saved = await User.findById(admin._id).lean();
    expect([saved?.mfa?.enabled ?? false, saved?.failedLogins]).toEqual([false, 1]);
    const right = await send({ password: DEFAULT_PASSWORD });
    expect(right.status).toBe(200);
    expect((await User.findById(admin._id).lean())?.mfa?.enabled).toBe(true);
  });
});

describe('with MFA required', () => {
  it('sends an admin without a second factor to enrol first, and lets a learner through', async () => {
    const admin = await createUser({ roles: ['admin'] });
    const agent = await signedInAgent(t.app, admin.email!, DEFAULT_PASSWORD);
    const home = await agent.get('/');
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe('/account/mfa');
    const setup = await agent.get('/account/mfa');
    expect(setup.text).toContain('Pindai kode QR');
    expect(setup.text).toMatch(/<img src="data:image\/svg\+xml;base64,/);
    const learner = await createUser({ roles: ['learner'] });
    expect((await (await signedInAgent(t.app, learner.email!, DEFAULT_PASSWORD)).get('/')).status).toBe(200);
  });

  it('enrols with a first code, gives ten recovery codes once, and then asks for a code at sign-in', async () => {
    const admin = await createUser({ roles: ['admin'] });
    const agent = await signedInAgent(t.app, admin.email!, DEFAULT_PASSWORD);
    const { secret, recoveryCodes } = await enrol(agent);
    expect(recoveryCodes).toHaveLength(10);
    const saved = await User.findById(admin._id).lean();
    // At rest: the secret sealed for this person, the recovery codes as peppered HMACs only.
    const keys = mfaKeys(t.config.mfaEncryptionKey);
    expect(saved?.mfa?.enabled).toBe(true);
    expect(saved?.mfa?.secret).toMatch(/^v1:[A-Za-z0-9_-]{80,}$/);
    expect(openSecret(keys, String(admin._id), 'enrolled', saved!.mfa!.secret!)).toBe(secret);
    expect(saved?.mfa?.recoveryCodeHashes).toEqual(recoveryCodes.map((c) => hashRecoveryCode(keys, c)));
    expect(JSON.stringify(saved)).not.toContain(secret);
    for (const c of recoveryCodes) expect(JSON.stringify(saved)).not.toContain(c.replace(/-/g, ''));
    expect((await agent.get('/')).status).toBe(200);

    // A new browser: the password alone is not enough.
    const browser = request.agent(t.app);
    const login = await signIn(browser, admin.email!, DEFAULT_PASSWORD);
    expect(login.headers.location).toBe('/login/mfa');
    expect((await browser.get('/')).text).not.toContain('Selamat datang');
    t.clock.advance(30_000);
    let token = await csrfToken(browser, '/login/mfa');
    const wrong = await browser.post('/login/mfa').type('form').send({ _csrf: token, code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Kode verifikasi salah atau sudah dipakai.');
    const code = await codeAt(secret, t.clock());
    token = await csrfToken(browser, '/login/mfa');
    const ok = await browser.post('/login/mfa').type('form').send({ _csrf: token, code });
    expect(ok.status).toBe(302);
    expect(ok.headers.location).toBe('/');
    expect((await browser.get('/')).text).toContain('Selamat datang');

    // The same code cannot be replayed in another browser.
    const thief = request.agent(t.app);
    await signIn(thief, admin.email!, DEFAULT_PASSWORD);
    token = await csrfToken(thief, '/login/mfa');
    expect((await thief.post('/login/mfa').type('form').send({ _csrf: token, code })).status).toBe(401);
    // A recovery code works once.
    token = await csrfToken(thief, '/login/mfa');
    expect(
      (await thief.post('/login/mfa').type('form').send({ _csrf: token, code: recoveryCodes[3] })).status,
    ).toBe(302);
    expect((await User.findById(admin._id).lean())?.mfa?.recoveryCodeHashes).toHaveLength(9);
    const again = request.agent(t.app);
    await signIn(again, admin.email!, DEFAULT_PASSWORD);
    token = await csrfToken(again, '/login/mfa');
    expect(
      (await again.post('/login/mfa').type('form').send({ _csrf: token, code: recoveryCodes[3] })).status,
    ).toBe(401);
  });

  it('forgets a password step left waiting for more than five minutes', async () => {
    const admin = await createUser({ roles: ['admin'] });
    const { secret } = await enrol(await signedInAgent(t.app, admin.email!, DEFAULT_PASSWORD));
    const browser = request.agent(t.app);
    await signIn(browser, admin.email!, DEFAULT_PASSWORD);
    const token = await csrfToken(browser, '/login/mfa');
    t.clock.advance(6 * 60_000);
    const late = await browser
      .post('/login/mfa')
      .type('form')
      .send({ _csrf: token, code: await codeAt(secret, t.clock()), password: DEFAULT_PASSWORD });
    expect(late.status).toBe(302);
    expect(late.headers.location).toBe('/login');
  });

  it('does not let a role that requires it turn it off', async () => {
    const hr = await createUser({ roles: ['hr'] });
    const agent = await signedInAgent(t.app, hr.email!, DEFAULT_PASSWORD);
    const { secret } = await enrol(agent);
    const token = await csrfToken(agent, '/account/mfa');
    t.clock.advance(30_000);
    const res = await agent
      .post('/account/mfa/disable')
      .type('form')
      .send({ _csrf: token, password: DEFAULT_PASSWORD, code: await codeAt(secret, t.clock()) });
    expect(res.status).toBe(403);
    expect((await User.findById(hr._id).lean())?.mfa?.enabled).toBe(true);
  });
});
