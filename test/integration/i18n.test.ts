// The language switch: Bahasa Indonesia by default, English on request, remembered per person.
import request from 'supertest';
import mongoose from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';
import { createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfToken, signedInAgent } from '../support/auth';
import { User } from '../../src/users/user.model';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('the language switch', () => {
  it('speaks Bahasa Indonesia by default', async () => {
    const res = await request(t.app).get('/');
    expect(res.text).toContain('<html lang="id">');
    expect(res.text).toContain('Langsung ke isi halaman');
  });

  it('switches an anonymous visitor to English without creating a session', async () => {
    const agent = request.agent(t.app);
    const before = await mongoose.connection.collection('sessions').countDocuments();
    const token = await csrfToken(agent, '/');
    const res = await agent
      .post('/language')
      .type('form')
      .send({ _csrf: token, lang: 'en', returnTo: '/login' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login');
    const page = await agent.get('/login');
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('Sign in to BinaASN');
    expect(await mongoose.connection.collection('sessions').countDocuments()).toBe(before);
  });

  it('remembers the choice on the signed-in person', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user.email!, DEFAULT_PASSWORD);
    const token = await csrfToken(agent, '/');
    await agent.post('/language').type('form').send({ _csrf: token, lang: 'en', returnTo: '/' });
    expect((await User.findById(user._id).lean())?.language).toBe('en');
    const other = await signedInAgent(t.app, user.email!, DEFAULT_PASSWORD); // a fresh browser
    expect((await other.get('/')).text).toContain(`Welcome, ${user.name}`);
  });

  it('ignores a redirect to another site and an unknown language', async () => {
    const agent = request.agent(t.app);
    const token = await csrfToken(agent, '/');
    const res = await agent
      .post('/language')
      .type('form')
      .send({ _csrf: token, lang: 'fr', returnTo: '//evil.example/' });
    expect(res.headers.location).toBe('/');
    expect((await agent.get('/')).text).toContain('<html lang="id">');
  });
});
