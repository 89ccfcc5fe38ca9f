// Two app instances (two processes, as behind a load balancer) on one database: each keeps the
// signed-in person, the session and institution names in memory, kept exact by change streams. A
// deactivation, a role change or a sign-out on instance A applies on the very next request on
// instance B; while B's streams are down (the database restarted), B reads through and serves
// nothing stale.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/db/embedded';
import { User } from '../../src/users/user.model';
import { csrfTokenFrom, signedInAgent } from '../support/auth';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';

const root = path.resolve(__dirname, '../..');
const dbName = 'two_instances';
let dataDir: string;
let engine: EmbeddedMongo;
let engineUri: string;
const instances: ChildProcess[] = [];
let urlA: string;
let urlB: string;

function startInstance(uri: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      MONGODB_URI: uri,
      DB_NAME: dbName,
      PORT: '0',
      HOST: '127.0.0.1',
      SEED_DEMO_DATA: 'false',
      RETENTION_PURGE_INTERVAL_MINUTES: '0',
      SESSION_SECRET: 'two-instances-test-secret-of-at-least-32-chars',
      MFA_ENCRYPTION_KEY: '0'.repeat(64),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  instances.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready at (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}: ${out}`)));
  });
}

/** Signs a person in on one instance, the way a browser does; returns their session cookie. */
async function sessionCookie(url: string, email: string): Promise<string> {
  const page = await request(url).get('/login');
  const cookies = ([] as string[]).concat(page.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]);
  const response = await request(url)
    .post('/login')
    .set('Cookie', cookies.join('; '))
    .type('form')
    .send({ _csrf: csrfTokenFrom(page.text), identifier: email, password: DEFAULT_PASSWORD });
  expect(response.status).toBe(302);
  const session = ([] as string[])
    .concat(response.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('binaasn.sid='));
  return session!.split(';')[0];
}

const home = (url: string, cookie: string) => request(url).get('/').set('Cookie', cookie);

let opdId: string;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-two-'));
  engine = await startEmbeddedMongo({ dataDir });
  engineUri = engine.uri;
  await mongoose.connect(engineUri, { dbName });
  opdId = String((await createOpd({ code: 'DISDUKCAPIL', name: 'Disdukcapil' }))._id);
  await createUser({ email: 'admin@two.example', roles: ['admin'], name: 'Admin Kota' });
  [urlA, urlB] = await Promise.all([startInstance(engineUri), startInstance(engineUri)]);
}, 60_000);

afterAll(async () => {
  for (const child of instances) child.kill('SIGTERM');
  await mongoose.disconnect();
  await engine.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('two app instances on one database', () => {
  it('signs a person out on B at their next request after A deactivates them', async () => {
    const learner = await createUser({ email: 'ani@two.example', name: 'Ani Lubis', opd: opdId });
    const cookie = await sessionCookie(urlA, 'ani@two.example');
    expect((await home(urlB, cookie)).text).toContain('Ani Lubis'); // B has the person in memory now
    expect((await home(urlB, cookie)).status).toBe(200);

    const admin = await signedInAgent(urlA, 'admin@two.example', DEFAULT_PASSWORD);
    const form = await admin.get(`/admin/users/${learner._id}`);
    const done = await admin
      .post(`/admin/users/${learner._id}/status`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), status: 'inactive' });
    expect(done.status).toBe(302);

    const next = await home(urlB, cookie);
    expect(next.text).not.toContain('Ani Lubis'); // the public landing page: signed out
    expect(next.text).not.toContain('action="/logout"');
  });

  it('applies a role change made on A at the next request on B', async () => {
    const person = await createUser({ email: 'budi@two.example', name: 'Budi Siregar', opd: opdId });
    const cookie = await sessionCookie(urlB, 'budi@two.example');
    expect((await home(urlB, cookie)).text).not.toContain('href="/admin/users"');

    const admin = await signedInAgent(urlA, 'admin@two.example', DEFAULT_PASSWORD);
    const form = await admin.get(`/admin/users/${person._id}`);
    await admin
      .post(`/admin/users/${person._id}/roles`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), roles: ['learner', 'hr'] });

    expect((await home(urlB, cookie)).text).toContain('href="/admin/users"');
  });

  it('ends on B a session signed out on A', async () => {
    await createUser({ email: 'citra@two.example', name: 'Citra Ginting', opd: opdId });
    const cookie = await sessionCookie(urlA, 'citra@two.example');
    expect((await home(urlB, cookie)).status).toBe(200);
    const page = await home(urlA, cookie);
    await request(urlA)
      .post('/logout')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) });
    const next = await home(urlB, cookie);
    expect(next.text).not.toContain('Citra Ginting');
    expect(next.text).not.toContain('action="/logout"');
  });

  // The drivers of both instances reconnect at once: the engine's hello carries a topologyVersion
  // (new at each start), so a driver's monitor streams its hellos and is reset after a network
  // error instead of waiting, possibly forever, on a socket closed under it.
  it('serves nothing stale while its streams are down: the database restarts and a change made meanwhile shows', async () => {
    await createUser({ email: 'dewi@two.example', name: 'Dewi Nasution', opd: opdId });
    const cookie = await sessionCookie(urlA, 'dewi@two.example');
    expect((await home(urlB, cookie)).text).toContain('Dewi Nasution');
    const ready = await request(urlB).get('/readyz');
    expect(ready.body.caches).toMatchObject({ users: 'live', sessions: 'live' });

    await mongoose.disconnect();
    const port = engine.port;
    await engine.stop(); // the streams of both instances break here
    engine = await startEmbeddedMongo({ dataDir, port });
    await mongoose.connect(engineUri, { dbName });
    await User.updateOne({ email: 'dewi@two.example' }, { $set: { name: 'Dewi Nasution, S.H.' } });

    // However soon B is asked, it shows the name as it is now: reading through, or resumed and live.
    // While its driver reconnects (well under a second) B may answer 500 (no database), never the old name.
    const asked = Date.now();
    let after = await home(urlB, cookie);
    for (let i = 0; after.status === 500 && i < 30; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await home(urlB, cookie);
    }
    expect(after.status).toBe(200);
    expect(Date.now() - asked).toBeLessThan(5000);
    expect(after.text).toContain('Dewi Nasution, S.H.');
    const states = (await request(urlB).get('/readyz')).body.caches as Record<string, string>;
    expect(['live', 'reading-through']).toContain(states.users);
  });
});
