// Malformed requests (SECURITY.md, "test the attacker's variants"): broken cookies, error objects
// that throw, and later broken multipart bodies and control characters, answer 4xx or a normal
// page; never a 500, never Express's fallback page with its stack trace.
import request from 'supertest';
import type { Express } from 'express';
import { createTestApp, type TestApp } from '../support/app';
import { csrfTokenFrom } from '../support/auth';
import { createUser, DEFAULT_PASSWORD } from '../support/factories';
import { snapshotDatabase } from '../support/crawl';
import { listRoutes } from '../../src/web/route-inventory';
import { concretePath, createWorld, type World } from './support/world';

/** Cookie values that are not valid percent-encoding, or are otherwise odd. */
const BAD_COOKIE_VALUES = ['%E0%A4%A', '%ZZ', '%', '%C0%80', '"%FF"', '\u00e9%', '=', 'a=b=c'];
const COOKIE_NAMES = [
  'binaasn.lang',
  'binaasn.csrf',
  'binaasn.sid',
  '__Host-binaasn.lang',
  '__Host-binaasn.csrf',
];

/** A stack trace, as Express's fallback error page prints it (`&nbsp;at fn (file.ts:1:2)`). */
const hasStack = (text: string) => /(\s|;)at [^<\n]*:\d+:\d+/.test(text) || /URIError|Error: trap/.test(text);

async function anonymousRequests(app: Express, cookie: string) {
  const login = await request(app).get('/login');
  const token = csrfTokenFrom(login.text);
  const loginCookies = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]);
  const withCookies = [...loginCookies, cookie].join('; ');
  return {
    'GET /login': await request(app).get('/login').set('Cookie', cookie),
    'GET /': await request(app).get('/').set('Cookie', cookie),
    'GET /privasi': await request(app).get('/privasi').set('Cookie', cookie),
    'GET /no-such-page': await request(app).get('/no-such-page').set('Cookie', cookie),
    'POST /language': await request(app)
      .post('/language')
      .set('Cookie', withCookies)
      .type('form')
      .send({ _csrf: token, lang: 'en', returnTo: '/' }),
    'POST /login': await request(app)
      .post('/login')
      .set('Cookie', withCookies)
      .type('form')
      .send({ _csrf: token, identifier: 'tidak.ada@example.go.id', password: 'Salah#Sandi2026' }),
  };
}

describe('malformed cookies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('count as absent cookies on every public page and form: no 500, no stack trace', async () => {
    const problems: string[] = [];
    for (const name of COOKIE_NAMES)
      for (const value of BAD_COOKIE_VALUES) {
        const answers = await anonymousRequests(t.app, `${name}=${value}`);
        for (const [what, res] of Object.entries(answers))
          if (res.status >= 500 || hasStack(res.text))
            problems.push(`${what} with ${name}=${JSON.stringify(value)}: ${res.status}`);
      }
    expect(problems).toEqual([]);
  }, 60_000);

  it('still show the login page in the default language when the language cookie is broken', async () => {
    const res = await request(t.app).get('/login').set('Cookie', 'binaasn.lang=%E0%A4%A');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="id"');
  });

  it('do not disturb a signed-in person', async () => {
    const person = await createUser({ roles: ['learner'] });
    const agent = request.agent(t.app);
    const login = await agent.get('/login');
    await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfTokenFrom(login.text), identifier: person.email, password: DEFAULT_PASSWORD });
    const res = await agent.get('/data-saya').set('Cookie', 'binaasn.lang=%ZZ; binaasn.csrf=%E0%A4%A');
    expect(res.status).toBeLessThan(500);
  });
});

describe('the language cookie in production', () => {
  it('carries the __Host- prefix, and the unprefixed name is ignored', async () => {
    const t = await createTestApp({ config: { secureCookies: true } });
    try {
      const login = await request(t.app).get('/login');
      const cookies = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]);
      const token = csrfTokenFrom(login.text);
      const res = await request(t.app)
        .post('/language')
        .set('Cookie', cookies.join('; '))
        .type('form')
        .send({ _csrf: token, lang: 'en', returnTo: '/login' });
      expect(res.status).toBe(302);
      const set = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.includes('.lang='))!;
      expect(set).toMatch(/^__Host-binaasn\.lang=en; .*Path=\/;.*Secure/);
      expect(set).not.toMatch(/Domain=/i);
      const english = await request(t.app).get('/login').set('Cookie', '__Host-binaasn.lang=en');
      expect(english.text).toContain('<html lang="en"');
      const planted = await request(t.app).get('/login').set('Cookie', 'binaasn.lang=en');
      expect(planted.text).toContain('<html lang="id"');
    } finally {
      await t.close();
    }
  });
});

describe('the error handler', () => {
  const trap = () =>
    new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      extraRoutes: (app) => {
        app.get('/test/throwing-error', (_req, _res, next) => next(trap()));
        app.get('/test/status-getter', (_req, _res, next) => {
          const error = new Error('x');
          Object.defineProperty(error, 'status', {
            get() {
              throw new Error('status getter');
            },
          });
          next(error);
        });
      },
    });
  });
  afterAll(async () => t.close());

  it('answers a 500 without a stack trace even when the error object throws on every access', async () => {
    for (const path of ['/test/throwing-error', '/test/status-getter']) {
      const res = await request(t.app).get(path);
      expect({ path, status: res.status, stack: hasStack(res.text) }).toEqual({
        path,
        status: 500,
        stack: false,
      });
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('a cross-site multipart form without a CSRF token', () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld();
  }, 60_000);
  afterAll(async () => w.close());

  // Sessions and throttles move with every request; the logs record refusals.
  const IGNORED = /^(sessions|accessLog|auditentries)$/;

  it('is refused with 403 on every state-changing route, not only on the upload routes', async () => {
    const agents = { admin: await w.agent('admin'), hrOpd: await w.agent('hrOpd') };
    const before = await snapshotDatabase(w.t.db, IGNORED);
    const problems: string[] = [];
    for (const route of listRoutes(w.t.app)) {
      if (['GET', 'HEAD', 'OPTIONS'].includes(route.method)) continue;
      for (const [role, agent] of Object.entries(agents)) {
        const path = concretePath(w, route, role as 'admin' | 'hrOpd');
        if (!path) continue;
        const res = await agent
          .post(path)
          .set('Content-Type', 'multipart/form-data; boundary=X')
          .send('--X\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--X--\r\n');
        if (res.status !== 403) problems.push(`${role} ${route.method} ${path}: ${res.status}`);
      }
    }
    expect(problems).toEqual([]);
    expect(await snapshotDatabase(w.t.db, IGNORED)).toEqual(before);
  }, 60_000);
});
