// Retention: the purge job deletes exactly what is past its configured retention (staging files,
// import previews, expired sessions, access-log and audit entries) and nothing younger, with an
// injected clock; the schedule runs it from the server.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Types, trusted } from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';
import { loadConfig } from '../../src/config';
import { purge, startPurgeSchedule } from '../../src/retention';
import { AccessLogEntry } from '../../src/personal-data/access-log.model';
import { AuditEntry } from '../../src/audit/audit.model';

const NOW = new Date('2026-08-17T10:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

let t: TestApp;
let uploadsDir: string;

beforeAll(async () => {
  uploadsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'binaasn-uploads-'));
  t = await createTestApp({
    env: { UPLOADS_DIR: uploadsDir, RETENTION_ACCESS_LOG_DAYS: '365', RETENTION_AUDIT_LOG_DAYS: '1825' },
  });
});

afterAll(async () => {
  await t.close();
  await fs.rm(uploadsDir, { recursive: true, force: true });
});

async function stagingFile(name: string, age: number) {
  const file = path.join(uploadsDir, name);
  await fs.writeFile(file, 'x');
  await fs.utimes(file, ago(age), ago(age));
}

describe('the retention settings', () => {
  it('default to 24 h for staging files and import previews, two years of access log, five of audit log, hourly', () => {
    expect(loadConfig({}).retention).toEqual({
      stagingUploadsHours: 24,
      importPreviewHours: 24,
      accessLogDays: 730,
      auditLogDays: 1825,
      purgeIntervalMinutes: 60,
      mailDays: 90,
    });
    expect(loadConfig({}).uploadsDir).toBe('uploads');
  });
});

describe('purging', () => {
  it('deletes only what is past retention', async () => {
    await stagingFile('old-upload', 25 * HOUR);
    await stagingFile('fresh-upload', 23 * HOUR);
    await fs.writeFile(path.join(uploadsDir, '.gitkeep'), '');
    await fs.utimes(path.join(uploadsDir, '.gitkeep'), ago(400 * DAY), ago(400 * DAY));

    const previews = t.db.connection.db!.collection('importPreviews');
    await previews.insertMany([
      { fileName: 'old.csv', createdAt: ago(25 * HOUR) },
      { fileName: 'fresh.csv', createdAt: ago(1 * HOUR) },
    ]);
    const sessions = t.db.connection.db!.collection<{ _id: string; expires: Date }>('sessions');
    await sessions.insertMany([
      { _id: 'expired', expires: ago(1000) },
      { _id: 'live', expires: new Date(NOW.getTime() + HOUR) },
    ]);
    const someone = new Types.ObjectId();
    const other = new Types.ObjectId();
    await AccessLogEntry.create([
      { at: ago(366 * DAY), actor: someone, subject: other, kind: 'view', what: 'old' },
      { at: ago(364 * DAY), actor: someone, subject: other, kind: 'view', what: 'kept' },
    ]);
    await AuditEntry.create([
      { at: ago(1826 * DAY), action: 'old', targetType: 'user' },
      { at: ago(1824 * DAY), action: 'kept', targetType: 'user' },
    ]);
    const mails = t.db.connection.db!.collection('mails');
    await mails.insertMany([
      { to: 'a@uji.go.id', subject: 'old', kind: 'invitation', status: 'sent', createdAt: ago(91 * DAY) },
      { to: 'a@uji.go.id', subject: 'kept', kind: 'invitation', status: 'outbox', createdAt: ago(89 * DAY) },
    ]);
    const links = t.db.connection.db!.collection('passwordLinks');
    await links.insertMany([
      {
        tokenHash: 'old',
        person: someone,
        purpose: 'invitation',
        createdAt: ago(91 * DAY),
        expiresAt: ago(84 * DAY),
      },
      {
        tokenHash: 'kept',
        person: someone,
        purpose: 'invitation',
        createdAt: ago(89 * DAY),
        expiresAt: ago(82 * DAY),
      },
    ]);

    const report = await purge({ config: t.config, db: t.db, now: NOW });

    expect(report).toEqual({
      stagingUploads: 1,
      importPreviews: 1,
      expiredSessions: 1,
      accessLog: 1,
      auditLog: 1,
      mails: 1,
      passwordLinks: 1,
    });
    expect((await mails.find({}).toArray()).map((m) => m.subject)).toEqual(['kept']);
    expect((await links.find({}).toArray()).map((l) => l.tokenHash)).toEqual(['kept']);
    expect((await fs.readdir(uploadsDir)).sort()).toEqual(['.gitkeep', 'fresh-upload']);
    expect((await previews.find({}).toArray()).map((p) => p.fileName)).toEqual(['fresh.csv']);
    expect((await sessions.find({}).toArray()).map((s) => s._id)).toEqual(['live']);
    expect((await AccessLogEntry.find({}).lean()).map((e) => e.what)).toEqual(['kept']);
    expect(
      (await AuditEntry.find({ action: trusted({ $in: ['old', 'kept'] }) }).lean()).map((e) => e.action),
    ).toEqual(['kept']);
  });

  it('deletes nothing more when run again, and copes with a missing uploads folder', async () => {
    expect(await purge({ config: t.config, db: t.db, now: NOW })).toEqual({
      stagingUploads: 0,
      importPreviews: 0,
      expiredSessions: 0,
      accessLog: 0,
      auditLog: 0,
      mails: 0,
      passwordLinks: 0,
    });
    const config = { ...t.config, uploadsDir: path.join(uploadsDir, 'does-not-exist') };
    expect((await purge({ config, db: t.db, now: NOW })).stagingUploads).toBe(0);
  });

  it('follows the configured periods', async () => {
    await stagingFile('two-hours-old', 2 * HOUR);
    const config = { ...t.config, retention: { ...t.config.retention, stagingUploadsHours: 1 } };
    expect((await purge({ config, db: t.db, now: NOW })).stagingUploads).toBe(2); // the 2 h and the 23 h old files
    expect(await fs.readdir(uploadsDir)).toEqual(['.gitkeep']);
  });
});

describe('the purge schedule', () => {
  it('runs the purge from the server and logs what it deleted', async () => {
    await stagingFile('scheduled-old', 48 * HOUR);
    const logged: unknown[] = [];
    let resolveRun: () => void = () => undefined;
    const ran = new Promise<void>((resolve) => (resolveRun = resolve));
    const logger = {
      info: (obj: unknown) => {
        logged.push(obj);
        resolveRun();
      },
      error: (obj: unknown) => {
        logged.push(obj);
        resolveRun();
      },
    } as never;
    const stop = startPurgeSchedule({ config: t.config, db: t.db, logger, clock: () => NOW, firstRunMs: 0 });
    await ran;
    stop();
    expect(logged).toEqual([
      {
        purge: {
          stagingUploads: 1,
          importPreviews: 0,
          expiredSessions: 0,
          accessLog: 0,
          auditLog: 0,
          mails: 0,
          passwordLinks: 0,
        },
      },
    ]);
  });

  it('schedules nothing when the interval is 0', () => {
    const config = { ...t.config, retention: { ...t.config.retention, purgeIntervalMinutes: 0 } };
    const stop = startPurgeSchedule({
      config,
      db: t.db,
      logger: { info: jest.fn(), error: jest.fn() } as never,
    });
    expect(typeof stop).toBe('function');
    stop();
  });
});
