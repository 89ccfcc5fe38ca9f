// Headers on every response: strict CSP, nosniff, no X-Powered-By, no-store on dynamic pages.
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { createUser, DEFAULT_PASSWORD } from '../support/factories';
import { signedInAgent } from '../support/auth';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('security headers', () => {
  it('send a strict Content Security Policy and the usual hardening headers', async () => {
    const res = await request(t.app).get('/');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['strict-transport-security']).toBeUndefined(); // HSTS only in production
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it('forbid caching of the login page and of every page for a signed-in person', async () => {
    expect((await request(t.app).get('/login')).headers['cache-control']).toBe('no-store');
    const user = await createUser();
    const agent = await signedInAgent(t.app, user.email!, DEFAULT_PASSWORD);
    expect((await agent.get('/')).headers['cache-control']).toBe('no-store');
    expect((await agent.get('/no-such-page')).headers['cache-control']).toBe('no-store');
  });

  it('let static files be cached and carry no inline script or style in pages', async () => {
    const css = await request(t.app).get('/css/app.css');
    expect(css.status).toBe(200);
    expect(css.headers['cache-control']).not.toBe('no-store');
    const page = await request(t.app).get('/login');
    expect(page.text).not.toMatch(/<script|style="|<style/);
  });

  it('give no session cookie to anonymous visitors', async () => {
    for (const path of ['/', '/login', '/privasi', '/no-such-page']) {
      const cookies =
        ((await request(t.app).get(path)).headers['set-cookie'] as unknown as string[] | undefined) ?? [];
      expect(cookies.filter((c) => c.startsWith('binaasn.sid'))).toEqual([]);
    }
  });

  it('set HttpOnly SameSite=Lax session cookies', async () => {
    const user = await createUser();
    const agent = request.agent(t.app);
    const { signIn } = await import('../support/auth');
    const res = await signIn(agent, user.email!, DEFAULT_PASSWORD);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('binaasn.sid='),
    )!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // Secure and __Host- in production only
  });
});

describe('in production', () => {
  it('adds HSTS and uses a __Host- secure cookie name', async () => {
    const prod = await import('../../src/auth/session');
    expect(prod.sessionCookieName({ secureCookies: true })).toBe('__Host-binaasn.sid');
    const { securityHeaders } = await import('../../src/web/security');
    const express = (await import('express')).default;
    const app = express();
    app.use(securityHeaders(true));
    app.get('/', (_req, res) => {
      res.send('ok');
    });
    const res = await request(app).get('/');
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });
});
