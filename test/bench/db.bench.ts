// `npm run bench:db`: the embedded engine through the official driver, 100,000 documents:
// insert throughput (insertMany batches of 1,000 and single inserts), point reads by _id and by a
// unique secondary index, a range query on an indexed field, and explain's plan for each; then
// big writes (updateMany over 25k/50k/100k documents while another client pings), a compound
// index (equality + range, two-field sorts), $lookup of 10 documents into 100k, memory per
// document at 200k (the engine's RSS, also with --low-memory, and live memory of the storage
// layer after GC), and the worst ping while the journal is compacted.
// The engine runs in its own process (as `npm run db` would), so client and server do not share
// an event loop. BENCH_DB_INPROCESS=1 runs it in-process instead; MONGODB_URI measures a real MongoDB.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, ObjectId, type Document } from 'mongodb';

const N = Number(process.env.BENCH_DB_DOCS ?? 100_000);
const READS = Number(process.env.BENCH_DB_READS ?? 5_000);
const SINGLE_INSERTS = Number(process.env.BENCH_DB_SINGLE ?? 5_000);
const root = path.resolve(__dirname, '../..');

async function startEngine(
  dataDir?: string,
  extraArgs: string[] = [],
): Promise<{ uri: string; stop(): Promise<void> }> {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, stop: async () => undefined };
  if (process.env.BENCH_DB_INPROCESS) {
    const { startEmbeddedMongo } = await import('../../src/db/embedded');
    const compact = extraArgs.indexOf('--compact-bytes');
    const e = await startEmbeddedMongo({
      dataDir,
      compactBytes: compact >= 0 ? Number(extraArgs[compact + 1]) : undefined,
    });
    return { uri: e.uri, stop: () => e.stop() };
  }
  const args = [
    '--import',
    'tsx',
    'src/db/embedded/cli.ts',
    '--port',
    '0',
    ...(dataDir ? ['--data', dataDir] : []),
    ...extraArgs,
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const uri = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /mongodb:\/\/\S+/.exec(buf);
      if (m) resolve(m[0]);
    });
    child.on('exit', (code) => reject(new Error(`engine exited with ${code}`)));
  });
  return {
    uri,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timeEach(
  count: number,
  fn: (i: number) => Promise<unknown>,
): Promise<{ median: number; p99: number; perSec: number }> {
  const times: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const s = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  const total = Number(process.hrtime.bigint() - t0) / 1e9;
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p99: percentile(times, 99), perSec: count / total };
}

function planOf(explain: Document): string {
  const stages: string[] = [];
  let p = explain.queryPlanner?.winningPlan as Document | undefined;
  while (p) {
    stages.push(p.stage + (p.indexName ? `(${p.indexName})` : ''));
    p = p.inputStage as Document | undefined;
  }
  return stages.join(' > ');
}

async function main(): Promise<void> {
  const engine = await startEngine();
  const client = await MongoClient.connect(engine.uri);
  const db = client.db(`bench_${Date.now()}`);
  const people = db.collection('people');
  await people.createIndex({ email: 1 }, { unique: true });
  await people.createIndex({ seq: 1 });
  const ids: ObjectId[] = [];
  const rows: [string, string][] = [];

  // Batched inserts.
  let t0 = process.hrtime.bigint();
  for (let b = 0; b < N; b += 1000) {
    const batch: Document[] = [];
    for (let i = b; i < Math.min(N, b + 1000); i++) {
      const _id = new ObjectId();
      ids.push(_id);
      batch.push({
        _id,
        seq: i,
        email: `pegawai${i}@pemkomedan.go.id`,
        nip: String(199001012015031000 + i),
        opd: `OPD-${i % 40}`,
        score: (i * 7919) % 100,
        createdAt: new Date(1_700_000_000_000 + i * 1000),
      });
    }
    await people.insertMany(batch, { ordered: true });
  }
  let secs = Number(process.hrtime.bigint() - t0) / 1e9;
  rows.push([
    'insertMany (batches of 1,000)',
    `${Math.round(N / secs).toLocaleString('en')} docs/s (${N.toLocaleString('en')} docs in ${secs.toFixed(2)} s)`,
  ]);

  // Single inserts.
  const singles = db.collection('singles');
  t0 = process.hrtime.bigint();
  for (let i = 0; i < SINGLE_INSERTS; i++) await singles.insertOne({ i, email: `s${i}@x` });
  secs = Number(process.hrtime.bigint() - t0) / 1e9;
  rows.push([
    'insertOne (one at a time)',
    `${Math.round(SINGLE_INSERTS / secs).toLocaleString('en')} docs/s`,
  ]);

  const pick = (i: number) => (i * 7_654_321) % N;
  // Warm up both ends (JIT, connection pool; the first range query sorts the index lazily).
  for (let i = 0; i < 1000; i++) {
    await people.findOne({ _id: ids[pick(i + 1)] });
    await people.findOne({ email: `pegawai${pick(i + 7)}@pemkomedan.go.id` });
  }
  for (let i = 0; i < 50; i++) await people.find({ seq: { $gte: i, $lt: i + 100 } }).toArray();

  const byId = await timeEach(READS, (i) => people.findOne({ _id: ids[pick(i)] }));
  rows.push([
    'point read by _id',
    `median ${byId.median.toFixed(3)} ms, p99 ${byId.p99.toFixed(3)} ms (${Math.round(byId.perSec)} reads/s)`,
  ]);
  const byEmail = await timeEach(READS, (i) =>
    people.findOne({ email: `pegawai${pick(i)}@pemkomedan.go.id` }),
  );
  rows.push([
    'point read by unique email',
    `median ${byEmail.median.toFixed(3)} ms, p99 ${byEmail.p99.toFixed(3)} ms (${Math.round(byEmail.perSec)} reads/s)`,
  ]);
  const range = await timeEach(1000, (i) => {
    const lo = pick(i) % (N - 100);
    return people.find({ seq: { $gte: lo, $lt: lo + 100 } }).toArray();
  });
  rows.push([
    'range query seq in [x, x+100) (100 docs)',
    `median ${range.median.toFixed(3)} ms, p99 ${range.p99.toFixed(3)} ms`,
  ]);
  const unindexed = await timeEach(20, (i) => people.find({ score: 100 + i }).toArray());
  rows.push(['unindexed query (full scan, for contrast)', `median ${unindexed.median.toFixed(3)} ms`]);

  rows.push(['explain find {_id}', planOf(await people.find({ _id: ids[5] }).explain())]);
  rows.push([
    'explain find {email}',
    planOf(await people.find({ email: 'pegawai5@pemkomedan.go.id' }).explain()),
  ]);
  rows.push(['explain find {seq range}', planOf(await people.find({ seq: { $gte: 5, $lt: 10 } }).explain())]);
  rows.push(['explain find {score}', planOf(await people.find({ score: 5 }).explain())]);

  await bigWrites(engine.uri, client, db, rows);
  await db.dropDatabase();
  await client.close();
  await engine.stop();
  if (!process.env.BENCH_DB_SKIP_MEMORY) {
    await memoryPerDocument(rows);
    if (!process.env.MONGODB_URI && !process.env.BENCH_DB_INPROCESS) await memoryPerDocument(rows, true);
  }

  // The same writes with a data directory: every acknowledged write is fsynced first.
  if (!process.env.MONGODB_URI) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-bench-'));
    const durable = await startEngine(dir);
    const dclient = await MongoClient.connect(durable.uri);
    const dcoll = dclient.db('bench').collection('journaled');
    t0 = process.hrtime.bigint();
    for (let b = 0; b < 20_000; b += 1000)
      await dcoll.insertMany(Array.from({ length: 1000 }, (_, i) => ({ seq: b + i, email: `j${b + i}@x` })));
    secs = Number(process.hrtime.bigint() - t0) / 1e9;
    rows.push([
      'journaled insertMany (batches of 1,000)',
      `${Math.round(20_000 / secs).toLocaleString('en')} docs/s`,
    ]);
    t0 = process.hrtime.bigint();
    for (let i = 0; i < 500; i++) await dcoll.insertOne({ i });
    secs = Number(process.hrtime.bigint() - t0) / 1e9;
    rows.push([
      'journaled insertOne, one client (fsync each)',
      `${Math.round(500 / secs).toLocaleString('en')} docs/s`,
    ]);
    t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: 20 }, async (_, w) => {
        for (let i = 0; i < 100; i++) await dcoll.insertOne({ w, i });
      }),
    );
    secs = Number(process.hrtime.bigint() - t0) / 1e9;
    rows.push([
      'journaled insertOne, 20 concurrent (group commit)',
      `${Math.round(2000 / secs).toLocaleString('en')} docs/s`,
    ]);
    await dclient.close();
    await durable.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    await compactionPing(rows);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(
    `\nDatabase benchmark (${process.env.MONGODB_URI ? 'MONGODB_URI' : process.env.BENCH_DB_INPROCESS ? 'embedded, in-process' : 'embedded, separate process'}; ${N.toLocaleString('en')} documents)\n`,
  );
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

/** Pings from a client of its own, back to back, until stopped: what another user waits meanwhile. */
function pinger(client: MongoClient): {
  stop(): Promise<{ p50: number; p99: number; max: number; n: number }>;
} {
  const admin = client.db('admin');
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const s = process.hrtime.bigint();
      await admin.command({ ping: 1 });
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      times.sort((a, b) => a - b);
      return {
        p50: percentile(times, 50),
        p99: percentile(times, 99),
        max: times[times.length - 1] ?? 0,
        n: times.length,
      };
    },
  };
}

function progressDoc(i: number): Document {
  return {
    seq: i,
    person: `pegawai${i}@pemkomedan.go.id`,
    opd: `OPD-${i % 40}`,
    course: `C-${i % 250}`,
    score: (i * 7919) % 100,
    percent: 0,
    updatedAt: new Date(1_700_000_000_000 + i * 1000),
  };
}

/** updateMany over 25k/50k/100k documents with a concurrent ping; compound index; $lookup. */
async function bigWrites(
  uri: string,
  client: MongoClient,
  db: ReturnType<MongoClient['db']>,
  rows: [string, string][],
) {
  const progress = db.collection('progress');
  await progress.createIndex({ seq: 1 });
  await progress.createIndex({ opd: 1, score: 1 });
  for (let b = 0; b < 100_000; b += 1000)
    await progress.insertMany(Array.from({ length: 1000 }, (_, i) => progressDoc(b + i)));
  const other = await MongoClient.connect(uri);
  await other.db('admin').command({ ping: 1 });
  for (const k of [25_000, 50_000, 100_000]) {
    const ping = pinger(other);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = process.hrtime.bigint();
    const r = await progress.updateMany({ seq: { $lt: k } }, { $inc: { percent: 1 } });
    const took = Number(process.hrtime.bigint() - t0) / 1e6;
    await new Promise((r) => setTimeout(r, 50));
    const p = await ping.stop();
    rows.push([
      `updateMany $inc over ${k.toLocaleString('en')} docs`,
      `${ms(took)} (${r.modifiedCount.toLocaleString('en')} modified; ${Math.round((took * 1000) / k)} µs/doc); other client's ping p50 ${ms(p.p50)}, p99 ${ms(p.p99)}, max ${ms(p.max)} (${p.n} pings)`,
    ]);
  }
  await other.close();

  // Compound index: equality on the leading field plus a range, and sorts it can serve.
  const eqRange = { opd: 'OPD-7', score: { $gte: 10, $lt: 20 } };
  const expectCount = await progress.countDocuments(eqRange);
  for (let i = 0; i < 5; i++) await progress.find(eqRange).toArray();
  const cr = await timeEach(50, () => progress.find(eqRange).toArray());
  const ex = await progress.find(eqRange).explain('executionStats');
  rows.push([
    `compound {opd, score}: opd = x, score in [10, 20) (${expectCount} docs)`,
    `median ${ms(cr.median)}; ${planOf(ex)}, keys ${ex.executionStats?.totalKeysExamined}, docs ${ex.executionStats?.totalDocsExamined}`,
  ]);
  const sort2 = { opd: 1, score: 1 } as const;
  const st = await timeEach(20, () => progress.find({}).sort(sort2).limit(20).toArray());
  rows.push([
    'two-field sort {opd: 1, score: 1}, limit 20',
    `median ${ms(st.median)}; ${planOf(await progress.find({}).sort(sort2).limit(20).explain())}`,
  ]);
  const eqSort = await timeEach(20, () =>
    progress.find({ opd: 'OPD-7' }).sort({ score: -1 }).limit(20).toArray(),
  );
  rows.push([
    'opd = x sorted by score desc, limit 20',
    `median ${ms(eqSort.median)}; ${planOf(await progress.find({ opd: 'OPD-7' }).sort({ score: -1 }).limit(20).explain())}`,
  ]);

  // $lookup of 10 documents into 100,000 (indexed on the foreign field).
  const picks = db.collection('picks');
  await picks.insertMany(Array.from({ length: 10 }, (_, i) => ({ i, seq: i * 9_973 })));
  const lookup = [{ $lookup: { from: 'progress', localField: 'seq', foreignField: 'seq', as: 'p' } }];
  const lk = await timeEach(10, () => picks.aggregate(lookup).toArray());
  const lkp = [
    {
      $lookup: {
        from: 'progress',
        let: { s: '$seq' },
        pipeline: [{ $match: { $expr: { $eq: ['$seq', '$$s'] } } }],
        as: 'p',
      },
    },
  ];
  const lk2 = await timeEach(10, () => picks.aggregate(lkp).toArray());
  const viaIn = await timeEach(10, async () => {
    const ps = await picks.find().toArray();
    return progress.find({ seq: { $in: ps.map((p) => p.seq) } }).toArray();
  });
  rows.push([
    '$lookup 10 docs into 100,000 (localField/foreignField)',
    `median ${ms(lk.median)} (pipeline form with let/$expr: ${ms(lk2.median)}; find + $in for contrast: ${ms(viaIn.median)})`,
  ]);
}

/**
 * RSS of a fresh engine before and after 200,000 documents (with the benchmark's indexes); with
 * `lowMemory`, of an engine started with `--low-memory` (V8's memory-saving mode).
 */
async function memoryPerDocument(rows: [string, string][], lowMemory = false) {
  const M = Number(process.env.BENCH_DB_MEMORY_DOCS ?? 200_000);
  const engine = await startEngine(undefined, lowMemory ? ['--low-memory'] : []);
  const client = await MongoClient.connect(engine.uri);
  const db = client.db('memory');
  const admin = client.db('admin');
  const coll = db.collection('people');
  await coll.createIndex({ email: 1 }, { unique: true });
  await coll.createIndex({ seq: 1 });
  const rss = async () => ((await admin.command({ serverStatus: 1 })).mem.resident as number) * 1048576;
  await new Promise((r) => setTimeout(r, 500));
  const before = await rss();
  for (let b = 0; b < M; b += 1000)
    await coll.insertMany(
      Array.from({ length: 1000 }, (_, k) => {
        const i = b + k;
        return {
          seq: i,
          email: `pegawai${i}@pemkomedan.go.id`,
          nip: String(199001012015031000 + i),
          opd: `OPD-${i % 40}`,
          score: (i * 7919) % 100,
          createdAt: new Date(1_700_000_000_000 + i * 1000),
        };
      }),
    );
  await new Promise((r) => setTimeout(r, 3000));
  for (let i = 0; i < 200; i++) await coll.findOne({ seq: i * 997 });
  const after = await rss();
  const stats = await db.command({ collStats: 'people' });
  const perDoc = (after - before) / M;
  const dataPerDoc = (stats.size as number) / (stats.count as number);
  rows.push([
    `RSS per document at ${M.toLocaleString('en')} docs${lowMemory ? ' (--low-memory)' : ''}`,
    `${Math.round(perDoc)} B per document of ${Math.round(dataPerDoc)} B data (${(perDoc / dataPerDoc).toFixed(1)}x; RSS ${Math.round(before / 1048576)} → ${Math.round(after / 1048576)} MiB)`,
  ]);
  await client.close();
  await engine.stop();
  if (process.env.MONGODB_URI || lowMemory) return;
  // The same documents in the storage layer alone, after full garbage collections: live memory.
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/bench/db-memory.ts'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => (buf += c.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(buf) : reject(new Error(`db-memory exited with ${code}`)),
    );
  });
  const live = JSON.parse(out) as { dataPerDoc: number; heapPerDoc: number; externalPerDoc: number };
  const total = live.heapPerDoc + live.externalPerDoc;
  rows.push([
    `live memory per document at ${M.toLocaleString('en')} docs (storage, after GC)`,
    `${Math.round(total)} B per document of ${Math.round(live.dataPerDoc)} B data (${(total / live.dataPerDoc).toFixed(1)}x; heap ${Math.round(live.heapPerDoc)} B, bytes ${Math.round(live.externalPerDoc)} B)`,
  ]);
}

/** The worst ping while the journal of a 100,000-document state is compacted into a snapshot. */
async function compactionPing(rows: [string, string][]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-bench-compact-'));
  const engine = await startEngine(dir, ['--compact-bytes', String(4 * 1024 * 1024)]);
  const client = await MongoClient.connect(engine.uri);
  const coll = client.db('bench').collection('progress');
  for (let b = 0; b < 100_000; b += 1000)
    await coll.insertMany(Array.from({ length: 1000 }, (_, i) => progressDoc(b + i)));
  const other = await MongoClient.connect(engine.uri);
  await other.db('admin').command({ ping: 1 });
  const journal = path.join(dir, 'journal.bson');
  const size = () => (fs.existsSync(journal) ? fs.statSync(journal).size : 0);
  const ping = pinger(other);
  const payload = 'x'.repeat(2000);
  let last = size();
  let compacted = false;
  const t0 = Date.now();
  let seq = 0;
  while (!compacted && Date.now() - t0 < 60_000) {
    await coll.insertMany(Array.from({ length: 100 }, () => ({ seq: seq++, payload })));
    const now = size();
    if (now < last) compacted = true;
    last = now;
  }
  await new Promise((r) => setTimeout(r, 2000));
  const p = await ping.stop();
  rows.push([
    'journal compaction (100,000-doc snapshot): ping',
    compacted
      ? `max ${ms(p.max)}, p99 ${ms(p.p99)}, p50 ${ms(p.p50)} (${p.n} pings while writing)`
      : 'no compaction within 60 s',
  ]);
  await other.close();
  await client.close();
  await engine.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
