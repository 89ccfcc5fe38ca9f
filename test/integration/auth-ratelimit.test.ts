// Per-IP limits on sign-in attempts, counted in MongoDB; and what the logs say about it.
import { Writable } from 'node:stream';
import request from 'supertest';
import mongoose from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';
import { createUser, DEFAULT_PASSWORD } from '../support/factories';
import { signIn } from '../support/auth';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/web/logging';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let t: TestApp;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  t = await createTestApp({ env: { LOGIN_IP_MAX_ATTEMPTS: '10' } });
  app = createApp({ config: t.config, db: t.db, clock: t.clock, logger: createLogger('info', sink) });
});
afterAll(async () => t.close());

describe('attempts from one IP address', () => {
  it('are limited across accounts, with the counter kept in MongoDB', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      // A spoofed X-Forwarded-For changes nothing: no proxy is trusted by default.
      const agent = request.agent(app).set('X-Forwarded-For', `203.0.113.${i}`);
      statuses.push((await signIn(agent, `orang${i}@uji.pemkomedan.go.id`, 'Wrong#Guess123')).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 401, 401]);
    const user = await createUser();
    const blocked = await signIn(request.agent(app), user.email!, DEFAULT_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Terlalu banyak percobaan masuk dari alamat ini.');
    const counter = await mongoose.connection
      .collection('loginthrottles')
      .findOne({ _id: { $regex: /^ip:/ } as never });
    expect(counter).toMatchObject({ count: 11 });
    t.clock.advance(15 * 60_000 + 1);
    expect((await signIn(request.agent(app), user.email!, DEFAULT_PASSWORD)).status).toBe(302);
  });

  it('are logged as security events without passwords, cookies or NIPs', async () => {
    const user = await createUser();
    await signIn(request.agent(app), user.nip!, 'Wrong#Guess123');
    const text = JSON.stringify(lines);
    expect(
      lines.some(
        (l) =>
          l.security === 'login.failed' && typeof l.requestId === 'string' && l.ip && l.route === '/login',
      ),
    ).toBe(true);
    expect(lines.some((l) => l.security === 'login.rateLimited')).toBe(true);
    expect(lines.some((l) => l.security === 'login.succeeded' && typeof l.userId === 'string')).toBe(true);
    expect(text).not.toContain('Wrong#Guess123');
    expect(text).not.toContain(DEFAULT_PASSWORD);
    expect(text).not.toContain(user.nip!);
    expect(text).not.toMatch(/binaasn\.(sid|csrf)=/);
  });
});

describe('the logger', () => {
  it('redacts secrets and NIPs in what a feature logs', () => {
    const out: string[] = [];
    const logger = createLogger('info', { write: (s: string) => out.push(s) });
    logger.info({ password: 'Rahasia#123', user: { nip: '199001012015031001', token: 'abc' } }, 'something');
    expect(out.join('')).not.toMatch(/Rahasia#123|199001012015031001|"abc"/);
    expect(JSON.parse(out[0])).toMatchObject({
      password: '[redacted]',
      user: { nip: '[redacted]', token: '[redacted]' },
    });
  });
});
