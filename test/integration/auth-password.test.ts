// Changing one's password, and the forced change after an admin reset.
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfToken, postForm, signIn, signedInAgent } from '../support/auth';
import { User } from '../../src/users/user.model';
import { verifyPassword } from '../../src/users/passwords';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const NEW_PASSWORD = 'Durian#Montok-77';
const change = (agent: ReturnType<typeof request.agent>, fields: Record<string, string>) =>
  postForm(agent, '/account/password', '/account/password', fields);

describe('changing one’s password', () => {
  it('saves the new hash, keeps this session and ends the other sessions', async () => {
    const user = await createUser();
    const here = await signedInAgent(t.app, user.email!, DEFAULT_PASSWORD);
    const elsewhere = await signedInAgent(t.app, user.email!, DEFAULT_PASSWORD);
    const res = await change(here, {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    const home = await here.get('/');
    expect(home.text).toContain('Kata sandi berhasil diganti.');
    const saved = await User.findById(user._id).lean();
    expect(await verifyPassword(saved?.passwordHash, NEW_PASSWORD)).toBe(true);
    expect(saved?.sessionEpoch).toBe(1);
    expect(saved?.passwordChangedAt).toEqual(t.clock());
    const other = await elsewhere.get('/account/password');
    expect(other.status).toBe(302);
    expect(other.headers.location).toMatch(/^\/login\?/);
    expect((await signIn(request.agent(t.app), user.email!, NEW_PASSWORD)).status).toBe(302);
  });

  it('refuses a wrong current password, a mismatch and a weak password, with messages by the fields', async () => {
    const user = await createUser({ name: 'Rina Marpaung, S.T.' });
    const agent = await signedInAgent(t.app, user.email!, DEFAULT_PASSWORD);
    const wrong = await change(agent, {
      currentPassword: 'Nope#Nope12345',
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toMatch(/id="field-currentPassword-error">Kata sandi saat ini salah\.</);
    const mismatch = await change(agent, {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: NEW_PASSWORD,
      confirmPassword: 'Other#Thing-88',
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.text).toMatch(/id="field-confirmPassword-error">Kedua kata sandi baru tidak sama\.</);
    const weak = await change(agent, {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: 'short',
      confirmPassword: 'short',
    });
    expect(weak.status).toBe(422);
    expect(weak.text).toMatch(/id="field-newPassword-error">Kata sandi terlalu pendek/);
    const personal = await change(agent, {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: 'Marpaung#2026!',
      confirmPassword: 'Marpaung#2026!',
    });
    expect(personal.text).toContain('Kata sandi tidak boleh memuat NIP, nama, atau email Anda.');
    const saved = await User.findById(user._id).lean();
    expect(await verifyPassword(saved?.passwordHash, DEFAULT_PASSWORD)).toBe(true);
    expect(saved?.sessionEpoch).toBe(0);
  });

  it('shows the messages in English for an English-speaking person', async () => {
    const user = await createUser({ language: 'en' });
    const agent = await signedInAgent(t.app, user.email!, DEFAULT_PASSWORD);
    const res = await change(agent, {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: 'password1234',
      confirmPassword: 'password1234',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('The password must contain an upper-case letter.');
    expect(res.text).toContain('<html lang="en">');
  });
});

describe('a password that must be changed', () => {
  it('sends every page to the change form until the password is changed', async () => {
    const user = await createUser({ mustChangePassword: true });
    const agent = request.agent(t.app);
    const login = await signIn(agent, user.email!, DEFAULT_PASSWORD);
    expect(login.headers.location).toBe('/account/password');
    const home = await agent.get('/');
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe('/account/password');
    const form = await agent.get('/account/password');
    expect(form.text).toContain('Anda harus mengganti kata sandi sebelum melanjutkan.');
    const token = await csrfToken(agent, '/account/password');
    await agent.post('/account/password').type('form').send({
      _csrf: token,
      currentPassword: DEFAULT_PASSWORD,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect((await agent.get('/')).status).toBe(200);
    expect((await User.findById(user._id).lean())?.mustChangePassword).toBe(false);
  });
});

describe('the privacy notice at first sign-in', () => {
  it('comes before any other page until confirmed, then is remembered', async () => {
    const user = await createUser({ privacyAcknowledged: false });
    const agent = request.agent(t.app);
    const login = await signIn(agent, user.email!, DEFAULT_PASSWORD, '/?tab=1');
    expect(login.headers.location).toBe('/?tab=1');
    const home = await agent.get('/?tab=1');
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe('/privasi?returnTo=%2F%3Ftab%3D1');
    const notice = await agent.get(home.headers.location);
    expect(notice.text).toContain('action="/privasi/setuju"');
    const token = await csrfToken(agent, home.headers.location);
    const confirm = await agent
      .post('/privasi/setuju')
      .type('form')
      .send({ _csrf: token, returnTo: '/?tab=1' });
    expect(confirm.headers.location).toBe('/?tab=1');
    expect((await User.findById(user._id).lean())?.privacyAcknowledgedAt).toEqual(t.clock());
    expect((await agent.get('/')).status).toBe(200);
    const again = request.agent(t.app);
    await signIn(again, user.email!, DEFAULT_PASSWORD);
    expect((await again.get('/')).status).toBe(200);
  });
});
