// The data folder of a development or demo machine, as `npm start` uses it (openDatabase with a
// data directory, the engine in its worker thread): the engine asks for credentials only the app
// knows, the folder and its files are owner-only, and the generated session secret belongs to the
// folder, so a session survives a restart.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { openDatabase, type Database } from '../../src/db';
import { Institution } from '../../src/institutions/institution.model';
import { signedInAgent } from '../support/auth';
import { DEFAULT_PASSWORD, createUser } from '../support/factories';

const describeEmbedded = process.env.MONGODB_URI ? describe.skip : describe;

describeEmbedded('the data folder of `npm start`', () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-folder-')), 'data');
  // As `npm start` outside production: no SESSION_SECRET or MFA key configured, the engine in a worker.
  const configFor = () =>
    loadConfig({
      NODE_ENV: 'test',
      DB_NAME: 'folder_test',
      EMBEDDED_DATA_DIR: dir,
      EMBEDDED_THREAD: 'worker',
      LOG_LEVEL: 'silent',
    });
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase(configFor());
  });
  afterAll(async () => {
    await db?.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('refuses a client without credentials (13) or with a wrong password (18); the app signs in', async () => {
    const anonymous = await MongoClient.connect(db.uri.replace(/\/\/[^@]+@/, '//'));
    await expect(anonymous.db('folder_test').collection('users').findOne({})).rejects.toMatchObject({
      code: 13,
    });
    await anonymous.close();
    const wrong = new MongoClient(db.uri.replace(/:[^:@/]+@/, ':guessed@'));
    await expect(wrong.connect()).rejects.toMatchObject({ code: 18 });
    await wrong.close();
    // The app's own Mongoose connection carries the credentials.
    await Institution.create({ code: 'DISKOMINFO', name: 'Dinas Komunikasi dan Informatika', kind: 'opd' });
    expect(await Institution.countDocuments()).toBe(1);
  });

  it('keeps the folder 0700 and its journal, snapshot and secrets 0600', () => {
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const files = fs.readdirSync(dir);
    expect(files).toEqual(expect.arrayContaining(['journal.bson', 'credentials.json', 'app-secrets.json']));
    for (const file of files)
      expect([file, fs.statSync(path.join(dir, file)).mode & 0o777]).toEqual([file, 0o600]);
  });

  it('keeps a session valid across a restart, with the secret generated for this folder', async () => {
    const config = configFor();
    const user = await createUser({ roles: ['learner'] });
    const agent = await signedInAgent(createApp({ config, db }), user.nip!, DEFAULT_PASSWORD);
    await db.close();

    db = await openDatabase(configFor());
    const restarted = createApp({ config: configFor(), db });
    (agent as unknown as { app: http.Server }).app = http.createServer(restarted); // same cookies, new process
    const home = await agent.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain(`Selamat datang, ${user.name}`);
    // A fresh browser is not signed in: the 200 above came from the kept session.
    expect((await request(restarted).get('/')).text).not.toContain('Selamat datang');
  });
});
