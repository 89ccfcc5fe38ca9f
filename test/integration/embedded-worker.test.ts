// The embedded engine in its own worker thread (the default outside tests): the app reaches it
// through openDatabase as always, writes acknowledged with a data directory survive a restart, a
// failed start is reported as such, and close() ends the thread.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db';
import { startEmbeddedMongoInWorker } from '../../src/db/embedded-worker';
import { Institution } from '../../src/institutions/institution.model';

const describeEmbedded = process.env.MONGODB_URI ? describe.skip : describe;

describeEmbedded('the embedded engine in a worker thread', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-worker-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DB_NAME: 'worker_test',
    EMBEDDED_DATA_DIR: dataDir,
    EMBEDDED_THREAD: 'worker',
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('is the default outside tests, and the tests default to the main thread', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).embeddedThread).toBe('worker');
    expect(loadConfig({ NODE_ENV: 'test' }).embeddedThread).toBe('main');
    expect(config.embeddedThread).toBe('worker');
  });

  it('reports an engine that cannot start as the error of the start', async () => {
    const notADirectory = path.join(dataDir, 'a-file');
    fs.writeFileSync(notADirectory, 'x');
    await expect(startEmbeddedMongoInWorker({ dataDir: notADirectory })).rejects.toThrow(
      /ENOTDIR|EEXIST|not a directory/,
    );
  });

  it('serves the app and keeps journaled writes across a restart', async () => {
    const db = await openDatabase(config);
    try {
      expect(db.isEmbedded).toBe(true);
      const ready = await request(createApp({ config, db })).get('/readyz');
      expect([ready.status, ready.body]).toEqual([
        200,
        { status: 'ready', database: 'up', caches: expect.any(Object) },
      ]);
      await Institution.create({ code: 'DISKOMINFO', name: 'Dinas Komunikasi dan Informatika', kind: 'opd' });
    } finally {
      await db.close();
    }

    const reopened = await openDatabase(config);
    try {
      const saved = await Institution.find({}, { _id: 0, code: 1, name: 1, kind: 1 }).lean();
      expect(saved).toEqual([{ code: 'DISKOMINFO', name: 'Dinas Komunikasi dan Informatika', kind: 'opd' }]);
    } finally {
      await reopened.close();
    }
  });
});
