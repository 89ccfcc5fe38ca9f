// `npm run bench:db`: the embedded engine through the official driver, 100,000 documents:
// insert throughput (insertMany batches of 1,000 and single inserts), point reads by _id and by a
// unique secondary index, a range query on an indexed field, and explain's plan for each.
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

async function startEngine(dataDir?: string): Promise<{ uri: string; stop(): Promise<void> }> {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, stop: async () => undefined };
  if (process.env.BENCH_DB_INPROCESS) {
    const { startEmbeddedMongo } = await import('../../src/db/embedded');
    const e = await startEmbeddedMongo({ dataDir });
    return { uri: e.uri, stop: () => e.stop() };
  }
  const args = [
    '--import',
    'tsx',
    'src/db/embedded/cli.ts',
    '--port',
    '0',
    ...(dataDir ? ['--data', dataDir] : []),
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

  await db.dropDatabase();
  await client.close();
  await engine.stop();

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
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(
    `\nDatabase benchmark (${process.env.MONGODB_URI ? 'MONGODB_URI' : process.env.BENCH_DB_INPROCESS ? 'embedded, in-process' : 'embedded, separate process'}; ${N.toLocaleString('en')} documents)\n`,
  );
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
