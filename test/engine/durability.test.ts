// Durability: the engine runs as `npm run db` would (a child process with a data directory);
// every acknowledged write survives `kill -9` and a restart right after it; the journal is
// compacted into a snapshot so it does not grow without bound; a torn journal tail is ignored; the
// directory is private and locked while in use. Embedded only.
import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Document, MongoClient } from 'mongodb';

const root = path.resolve(__dirname, '../..');
const real = !!process.env.MONGODB_URI;
const describeEmbedded = real ? describe.skip : describe;

interface Running {
  child: ChildProcess;
  uri: string;
  stderr: () => string;
}

function startCli(dataDir: string, extra: string[] = []): Promise<Running> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/db/embedded/cli.ts', '--port', '0', '--data', dataDir, ...extra],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /(mongodb:\/\/\S+)\n/.exec(out);
      if (m) resolve({ child, uri: m[1], stderr: () => err });
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => reject(new Error(`engine exited with ${code}: ${err}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
}

async function kill9(r: Running): Promise<void> {
  r.child.kill('SIGKILL');
  await exited(r.child);
}

describeEmbedded('durability', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-engine-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write across kill -9 and restart', async () => {
    let r = await startCli(dir);
    let client = await MongoClient.connect(r.uri);
    const db = client.db('durable');
    await db.collection('people').createIndex({ nip: 1 }, { unique: true });
    // Many concurrent single writes (group commit), a batch, updates, deletes and a transaction.
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        db.collection('people').insertOne({ _id: i, nip: `n${i}`, jp: 0 } as Document),
      ),
    );
    await db
      .collection('people')
      .insertMany(
        Array.from({ length: 700 }, (_, i) => ({ _id: 300 + i, nip: `n${300 + i}`, jp: 0 })) as Document[],
      );
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        db.collection('people').updateOne({ _id: i } as Document, { $inc: { jp: 2 } }),
      ),
    );
    await db.collection('people').deleteMany({ _id: { $gte: 900 } } as Document);
    const session = client.startSession();
    await session.withTransaction(async () => {
      await db.collection('people').updateOne({ _id: 500 } as Document, { $set: { jp: 20 } }, { session });
      await db.collection('ledger').insertOne({ _id: 'tx', nip: 'n500', jp: 20 } as Document, { session });
    });
    await session.endSession();
    await kill9(r);
    await client.close(true).catch(() => undefined);

    r = await startCli(dir);
    client = await MongoClient.connect(r.uri);
    const people = client.db('durable').collection('people');
    expect(await people.countDocuments()).toBe(900);
    expect(await people.countDocuments({ jp: 2 })).toBe(100);
    expect(await people.findOne({ _id: 500 } as Document)).toEqual({ _id: 500, nip: 'n500', jp: 20 });
    expect(await client.db('durable').collection('ledger').findOne({})).toEqual({
      _id: 'tx',
      nip: 'n500',
      jp: 20,
    });
    expect((await people.indexes()).map((i) => [i.name, !!i.unique])).toEqual([
      ['_id_', false],
      ['nip_1', true],
    ]);
    await expect(people.insertOne({ nip: 'n1' })).rejects.toMatchObject({ code: 11000 });
    await client.close();
    await kill9(r);
  });

  it('compacts the journal into a snapshot and still recovers after kill -9', async () => {
    let r = await startCli(dir, ['--compact-bytes', String(256 * 1024)]);
    let client = await MongoClient.connect(r.uri);
    const coll = client.db('compact').collection('docs');
    // ~3 MB of journal records for ~1,000 live documents, rewritten many times.
    for (let round = 0; round < 10; round++) {
      await coll.bulkWrite(
        Array.from({ length: 100 }, (_, i) => ({
          replaceOne: { filter: { _id: i }, replacement: { round, pad: 'p'.repeat(2000) }, upsert: true },
        })) as never,
      );
    }
    await coll.insertOne({ _id: 'last', ok: true } as Document);
    const journal = fs.statSync(path.join(dir, 'journal.bson')).size;
    expect(journal).toBeLessThan(1024 * 1024);
    expect(fs.existsSync(path.join(dir, 'snapshot.bson'))).toBe(true);
    // Files made by the background compaction (new journal, snapshot, set-aside journal) are private too.
    // (A compaction may still be running: a file renamed or removed meanwhile is skipped.)
    const modes = fs
      .readdirSync(dir)
      .map((file) => [file, fs.statSync(path.join(dir, file), { throwIfNoEntry: false })?.mode] as const)
      .filter(([, mode]) => mode !== undefined)
      .map(([file, mode]) => [file, mode! & 0o777]);
    await kill9(r);
    await client.close(true).catch(() => undefined);
    if (process.platform !== 'win32')
      for (const [file, mode] of modes) expect([file, mode]).toEqual([file, 0o600]);

    r = await startCli(dir, ['--compact-bytes', String(256 * 1024)]);
    client = await MongoClient.connect(r.uri);
    const back = client.db('compact').collection('docs');
    expect(await back.countDocuments()).toBe(101);
    expect(await back.countDocuments({ round: 9 })).toBe(100);
    expect(await back.findOne({ _id: 'last' } as Document)).toEqual({ _id: 'last', ok: true });
    await client.close();
    await kill9(r);
  });

  it('recovers from a compaction interrupted after the journal was set aside', async () => {
    let r = await startCli(dir);
    let client = await MongoClient.connect(r.uri);
    const coll = client.db('aside').collection('docs');
    await coll.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i, v: 1 })) as Document[]);
    await kill9(r);
    await client.close(true).catch(() => undefined);
    // What a kill -9 leaves between setting the journal aside and renaming the new snapshot.
    fs.renameSync(path.join(dir, 'journal.bson'), path.join(dir, 'journal.prev.bson'));
    r = await startCli(dir, ['--compact-bytes', String(1024)]);
    client = await MongoClient.connect(r.uri);
    const back = client.db('aside').collection('docs');
    expect(await back.countDocuments({ v: 1 })).toBe(50);
    await back.updateMany({}, { $set: { v: 2 } });
    await kill9(r);
    await client.close(true).catch(() => undefined);
    r = await startCli(dir);
    client = await MongoClient.connect(r.uri);
    expect(await client.db('aside').collection('docs').countDocuments({ v: 2 })).toBe(50);
    await client.close();
    await kill9(r);
  });

  it('prints its URI with the credentials it requires, keeps them across restarts, and stops cleanly on SIGINT', async () => {
    const r = await startCli(dir);
    expect(r.uri).toMatch(
      /^mongodb:\/\/binaasn:[\w-]{32}@127\.0\.0\.1:\d+\/\?directConnection=true&authSource=admin$/,
    );
    const client = await MongoClient.connect(r.uri);
    await client
      .db('sig')
      .collection('c')
      .insertOne({ _id: 1 } as Document);
    await client.close();
    const code = new Promise<number | null>((resolve) => r.child.once('exit', (c) => resolve(c)));
    r.child.kill('SIGINT');
    expect(await code).toBe(0);
    expect(fs.statSync(path.join(dir, 'snapshot.bson')).size).toBeGreaterThan(0);
    const again = await startCli(dir);
    expect(again.uri.replace(/:\d+\//, ':PORT/')).toBe(r.uri.replace(/:\d+\//, ':PORT/'));
    await kill9(again);
  });

  it('keeps the data directory private to its owner: folder 0700, files 0600', async () => {
    fs.chmodSync(dir, 0o755); // as older versions left it
    const r = await startCli(dir);
    const client = await MongoClient.connect(r.uri);
    await client
      .db('private')
      .collection('c')
      .insertOne({ _id: 1 } as Document);
    await client.close();
    r.child.kill('SIGTERM');
    await exited(r.child);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const files = fs.readdirSync(dir);
    expect(files).toEqual(expect.arrayContaining(['journal.bson', 'snapshot.bson', 'credentials.json']));
    for (const file of files)
      expect([file, fs.statSync(path.join(dir, file)).mode & 0o777]).toEqual([file, 0o600]);
  });

  it('refuses clients without credentials (13) and with a wrong password (18)', async () => {
    const r = await startCli(dir);
    const anonymous = await MongoClient.connect(r.uri.replace(/\/\/[^@]+@/, '//'));
    await expect(anonymous.db('x').collection('c').findOne({})).rejects.toMatchObject({ code: 13 });
    await anonymous.close();
    const wrong = new MongoClient(r.uri.replace(/:[\w-]+@/, ':not-the-password@'));
    await expect(wrong.connect()).rejects.toMatchObject({ code: 18 });
    await wrong.close();
    await kill9(r);
  });

  it('runs without authentication only when asked (--no-auth), with a warning', async () => {
    const r = await startCli(dir, ['--no-auth']);
    expect(r.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/\?directConnection=true$/);
    const client = await MongoClient.connect(r.uri);
    expect(await client.db('x').collection('c').countDocuments()).toBe(0);
    await client.close();
    expect(r.stderr()).toMatch(/WARNING: running without authentication/);
    await kill9(r);
  });

  it('refuses a second engine on a data directory in use, and restarts at once after kill -9', async () => {
    const r = await startCli(dir);
    await expect(startCli(dir)).rejects.toThrow(/in use by process \d+/);
    const { startEmbeddedMongo } = await import('../../src/db/embedded');
    await expect(startEmbeddedMongo({ dataDir: dir })).rejects.toThrow(/in use by process \d+/);
    const client = await MongoClient.connect(r.uri);
    await client
      .db('crash')
      .collection('c')
      .insertMany([{ _id: 1 }, { _id: 2 }] as Document[]);
    await kill9(r);
    await client.close(true).catch(() => undefined);
    // No wait, no stale lock to clear: the kernel released it with the process.
    const again = await startCli(dir);
    const back = await MongoClient.connect(again.uri);
    expect(await back.db('crash').collection('c').find().toArray()).toEqual([{ _id: 1 }, { _id: 2 }]);
    await back.close();
    await kill9(again);
  });

  it('is not fooled by a live PID in a lock file left by an older version', async () => {
    fs.writeFileSync(path.join(dir, 'engine.lock'), String(process.pid)); // this test's own, very alive PID
    const r = await startCli(dir);
    await kill9(r);
  });

  it('compacts on a clean stop and ignores a torn record at the end of the journal', async () => {
    let r = await startCli(dir);
    let client = await MongoClient.connect(r.uri);
    await client
      .db('clean')
      .collection('c')
      .insertMany([{ _id: 1 }, { _id: 2 }] as Document[]);
    await client.close();
    r.child.kill('SIGTERM');
    await exited(r.child);
    expect(fs.statSync(path.join(dir, 'journal.bson')).size).toBe(0);
    // A crash in the middle of an append leaves a partial record behind.
    fs.appendFileSync(path.join(dir, 'journal.bson'), Buffer.from([0x40, 0, 0, 0, 3, 1, 2]));
    r = await startCli(dir);
    client = await MongoClient.connect(r.uri);
    await client
      .db('clean')
      .collection('c')
      .insertOne({ _id: 3 } as Document);
    await kill9(r);
    await client.close(true).catch(() => undefined);
    r = await startCli(dir);
    client = await MongoClient.connect(r.uri);
    expect((await client.db('clean').collection('c').find().toArray()).map((d) => d._id)).toEqual([1, 2, 3]);
    await client.close();
    await kill9(r);
  });
});
