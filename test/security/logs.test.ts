// Logs (SECURITY.md): what pino writes during a sign-in with a password, a CSRF failure, a refused
// page and pages showing NIPs holds no password, session cookie, CSRF token or full NIP, and every
// security event carries the request id, the user id (once known), the IP and the route.
import { Writable } from 'node:stream';
import request from 'supertest';
import { createApp } from '../../src/app';
import { formatNip } from '../../src/users/nip';
import { createLogger } from '../../src/web/logging';
import { csrfTokenFrom, signedInAgent } from '../support/auth';
import { DEFAULT_PASSWORD } from '../support/factories';
import { createWorld, type World } from './support/world';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let w: World;
let app: ReturnType<typeof createApp>;
const secrets: string[] = [];
let nips: string[] = [];
beforeAll(async () => {
  w = await createWorld();
  app = createApp({ config: w.t.config, db: w.t.db, clock: w.t.clock, logger: createLogger('trace', sink) });
  const people = await w.t.db.client
    .db(w.t.db.dbName)
    .collection('users')
    .find({ nip: { $exists: true } })
    .toArray();
  nips = people.map((p) => String(p.nip));

  // A failed sign-in with a NIP as the identifier, then a successful one with a password.
  const learnerNip = String(people.find((p) => String(p._id) === w.ids.accounts.learner)!.nip);
  const hr = request.agent(app);
  const loginPage = await hr.get('/login');
  const anonToken = csrfTokenFrom(loginPage.text);
  secrets.push(anonToken);
  await request
    .agent(app)
    .post('/login')
    .set('Cookie', loginPage.headers['set-cookie'] as unknown as string[])
    .type('form')
    .send({ _csrf: anonToken, identifier: learnerNip, password: 'Salah#Sandi2026' });
  const signedIn = await hr
    .post('/login')
    .type('form')
    .send({ _csrf: anonToken, identifier: w.identifiers.hrOpd, password: DEFAULT_PASSWORD });
  expect(signedIn.status).toBe(302);
  const sessionCookie = (signedIn.headers['set-cookie'] as unknown as string[]).find((c) =>
    c.startsWith('binaasn.sid='),
  )!;
  const signedValue = decodeURIComponent(sessionCookie.split(';')[0].split('=')[1]); // s:<session id>.<signature>
  secrets.push(signedValue, signedValue.slice(2).split('.')[0]);

  // Pages showing NIPs: the list (searched by a full NIP) and a person's page.
  const home = await hr.get('/');
  const token = csrfTokenFrom(home.text);
  secrets.push(token);
  expect((await hr.get(`/admin/users?q=${nips.find((n) => n !== learnerNip)}`)).status).toBe(200);
  expect((await hr.get(`/admin/users/${w.ids.personInA}`)).status).toBe(200);
  // A CSRF failure (a forged token) and an access refused to a learner.
  expect((await hr.post('/language').type('form').send({ _csrf: 'forged-token', lang: 'en' })).status).toBe(
    403,
  );
  const learner = request.agent(app);
  const learnerLogin = await learner.get('/login');
  await learner
    .post('/login')
    .type('form')
    .send({
      _csrf: csrfTokenFrom(learnerLogin.text),
      identifier: w.identifiers.learner,
      password: DEFAULT_PASSWORD,
    });
  expect((await learner.get('/admin/users')).status).toBe(403);
  // A password change, with the passwords in the body.
  const changed = await hr.post('/account/password').type('form').send({
    _csrf: token,
    currentPassword: DEFAULT_PASSWORD,
    newPassword: 'Baru#Sandi2026x',
    confirmPassword: 'Baru#Sandi2026x',
  });
  expect([302, 303]).toContain(changed.status);
}, 60_000);
afterAll(async () => w.close());

const text = () => JSON.stringify(lines);

describe('the logs', () => {
  it('hold no token of a link that sets a password, however the link is spelled', async () => {
    const token = 'Zm9yZ2VkLXRva2VuLXRoYXQtbXVzdC1ub3QtYmUtbG9n';
    const before = lines.length;
    expect((await request(app).get(`/atur-sandi/${token}`)).status).toBe(404);
    expect((await request(app).get(`/atur-sandi/${token}?x=1`)).status).toBe(404);
    const written = JSON.stringify(lines.slice(before));
    expect(written).toContain('/atur-sandi/[redacted]');
    expect(written).not.toContain(token);
    expect(written).not.toContain(token.slice(0, 20));
  });

  it('were written (the capture works)', () => {
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some((l) => (l.req as { url?: string } | undefined)?.url?.startsWith('/admin/users'))).toBe(
      true,
    );
  });

  it('hold no password, session cookie or CSRF token', () => {
    for (const secret of [DEFAULT_PASSWORD, 'Salah#Sandi2026', 'Baru#Sandi2026x', ...secrets])
      expect({ secret, found: text().includes(secret) }).toEqual({ secret, found: false });
  });

  it('hold no full NIP, in any spelling', () => {
    expect(nips.length).toBeGreaterThan(5);
    for (const nip of nips) {
      expect({ nip, found: text().includes(nip) || text().includes(formatNip(nip)) }).toEqual({
        nip,
        found: false,
      });
    }
    expect(text()).not.toMatch(/(?<![\da-f])\d{18}(?![\da-f])/);
  });

  it('mask a NIP in every spelling the app accepts: spaced, +-separated, %20, dotted, dashed, percent-encoded digits, glued to a letter, in akun=', async () => {
    const admin = await signedInAgent(app, w.identifiers.admin, DEFAULT_PASSWORD);
    const nip = nips[1];
    const spaced = formatNip(nip);
    const spellings = [
      spaced.replace(/ /g, '+'),
      encodeURIComponent(spaced),
      spaced.replace(/ /g, '.'),
      spaced.replace(/ /g, '-'),
      `${nip}a`,
      `${spaced.replace(/ /g, '+')}x`,
      [...nip].map((d) => `%${d.charCodeAt(0).toString(16)}`).join(''),
      spaced.replace(/ /g, '%C2%A0'),
    ];
    const before = lines.length;
    for (const q of spellings) {
      expect((await admin.get(`/admin/users?q=${q}`)).status).toBe(200);
      expect((await admin.get(`/admin/akses?akun=${q}`)).status).toBe(200);
    }
    expect((await admin.get(`/admin/users/${encodeURIComponent(spaced)}`)).status).toBe(404);
    const written = lines.slice(before);
    const urls = written.map((l) => (l.req as { url?: string } | undefined)?.url).filter(Boolean) as string[];
    expect(urls.length).toBeGreaterThanOrEqual(spellings.length * 2);
    const asDecoded = (u: string) => {
      try {
        return decodeURIComponent(u.replace(/\+/g, ' '));
      } catch {
        return u;
      }
    };
    // eslint-disable-next-line security/detect-non-literal-regexp -- built from a NIP's digits
    const spelledAnyHow = new RegExp([...nip].join('[^\\d]{0,6}'));
    const leaks = [JSON.stringify(written), ...urls.map(asDecoded)].filter((t) => spelledAnyHow.test(t));
    expect(leaks).toEqual([]);
  });

  it('mask NIPs quoted in error messages (a duplicate key names the value)', () => {
    const captured: string[] = [];
    const logger = createLogger(
      'error',
      new Writable({
        write(chunk: Buffer, _e, done) {
          captured.push(chunk.toString());
          done();
        },
      }),
    );
    logger.error({ err: new Error(`E11000 duplicate key { nip: "${nips[2]}" }`) }, 'request failed');
    expect(captured.join('')).toContain(`${nips[2].slice(0, 8)}********${nips[2].slice(16)}`);
    expect(captured.join('')).not.toContain(nips[2]);
  });

  it('record each security event with request id, user id, IP and route', () => {
    const events = lines.filter((l) => typeof l.security === 'string');
    const byName = (name: string) => events.filter((l) => l.security === name);
    for (const name of [
      'login.failed',
      'login.succeeded',
      'csrf.rejected',
      'access.denied',
      'password.changed',
    ])
      expect({ name, count: byName(name).length > 0 }).toEqual({ name, count: true });
    for (const event of events) {
      expect({
        event: event.security,
        requestId: typeof event.requestId === 'string' && (event.requestId as string).length >= 8,
        ip: typeof event.ip === 'string' && event.ip !== '',
        route: typeof event.route === 'string' && (event.route as string).startsWith('/'),
      }).toEqual({
        event: event.security,
        requestId: true,
        ip: true,
        route: true,
      });
    }
    for (const name of ['login.succeeded', 'csrf.rejected', 'access.denied', 'password.changed']) {
      for (const event of byName(name))
        expect({ name, userId: event.userId }).toEqual({
          name,
          userId: expect.stringMatching(/^[0-9a-f]{24}$/),
        });
    }
    expect(byName('access.denied')[0]).toMatchObject({
      route: '/admin/users',
      userId: w.ids.accounts.learner,
    });
  });
});
