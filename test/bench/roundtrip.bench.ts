// `npm run bench:roundtrip`: what one round trip to the embedded engine costs in CPU, on each side
// of the channel. The engine runs in a process of its own (its CPU read from /proc), this process
// only drives the client, so the two figures separate: µs of CPU per round trip in the app (driver
// or Mongoose: encode, decode, socket calls) and in the engine (framing, BSON, dispatch, the
// command, socket calls). Sequential requests, as a page's queries are; wall time per round trip too.
//   BENCH_RT_N=10000 npm run bench:roundtrip
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { MongoClient, ObjectId } from 'mongodb';

const N = Number(process.env.BENCH_RT_N ?? 10_000);
const root = path.resolve(__dirname, '../..');
const TICK_US = 1e6 / 100; // /proc times are in clock ticks of 10 ms (USER_HZ)

function processCpuUs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US; // utime + stime
}

/** CPU of each thread of a process, by thread name (main thread: its pid). */
function threadCpuUs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const name = Number(tid) === pid ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.split(') ')[1].split(' ');
    out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) * TICK_US);
  }
  return out;
}

function ownCpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function startEngineProcess(
  socketPath: string,
): Promise<{ tcp: string; unix: string; pid: number; stop(): void }> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_RT_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_RT_PROFILE}`]
        : []),
      '--import',
      'tsx',
      'src/db/embedded/cli.ts',
      '--port',
      '0',
      '--socket',
      socketPath,
      '--no-auth',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const [tcp, unix] = await new Promise<string[]>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const uris = out.match(/mongodb:\/\/\S+/g) ?? [];
      if (uris.length === 2) resolve(uris);
    });
    child.once('exit', (code) => reject(new Error(`engine exited with ${code}`)));
  });
  return { tcp, unix, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

interface Row {
  what: string;
  appUs: number;
  engineUs: number;
  wallUs: number;
}

async function measure(what: string, enginePid: number, once: (i: number) => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < Math.min(1000, N); i++) await once(i); // warm up (JIT, pools)
  const app0 = ownCpuUs();
  const engine0 = processCpuUs(enginePid);
  const threads0 = threadCpuUs(enginePid);
  const wall0 = performance.now();
  for (let i = 0; i < N; i++) await once(i);
  const wall = (performance.now() - wall0) * 1000;
  const threads1 = threadCpuUs(enginePid);
  if (process.env.BENCH_RT_THREADS)
    process.stdout.write(
      `  ${what}: engine threads ${[...threads1].map(([name, us]) => `${name} ${((us - (threads0.get(name) ?? 0)) / N).toFixed(1)}`).join(', ')}\n`,
    );
  return {
    what,
    appUs: (ownCpuUs() - app0) / N,
    engineUs: (processCpuUs(enginePid) - engine0) / N,
    wallUs: wall / N,
  };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rt-'));
  const engine = await startEngineProcess(path.join(dir, 'engine.sock'));
  const setup = await MongoClient.connect(engine.tcp);
  const ids = Array.from({ length: 1000 }, () => new ObjectId());
  await setup
    .db('bench_rt')
    .collection('people')
    .insertMany(
      ids.map((_id, i) => ({
        _id,
        email: `asn${i}@binaasn.example`,
        name: `Pegawai Nomor ${i}`,
        nip: String(198001012006041000 + i),
        roles: ['learner'],
        status: 'active',
        opd: new ObjectId(),
        sessionEpoch: 0,
        createdAt: new Date(),
        updatedAt: new Date(),
      })),
    );
  await setup.close();
  const schema = new mongoose.Schema(
    {
      email: String,
      name: String,
      nip: String,
      roles: [String],
      status: String,
      opd: mongoose.Types.ObjectId,
      sessionEpoch: Number,
    },
    { collection: 'people', timestamps: true },
  );
  const rows: Row[] = [];
  // Interleaved rounds, so that the machine's changing load falls on both channels alike.
  for (let round = 0; round < 2; round++)
    for (const [channel, uri] of [
      ['tcp', engine.tcp],
      ['unix', engine.unix],
    ]) {
      const client = await MongoClient.connect(uri);
      const people = client.db('bench_rt').collection('people');
      const connection = await mongoose.createConnection(uri, { dbName: 'bench_rt' }).asPromise();
      const Person = connection.model('BenchPerson', schema);
      const pick = (i: number) => ids[i % ids.length];
      const admin = client.db('admin');
      rows.push(await measure(`${channel} ping (driver)`, engine.pid, () => admin.command({ ping: 1 })));
      rows.push(
        await measure(`${channel} findOne by _id (driver)`, engine.pid, (i) =>
          people.findOne({ _id: pick(i) }),
        ),
      );
      rows.push(
        await measure(`${channel} findById().lean() (Mongoose)`, engine.pid, (i) =>
          Person.findById(pick(i)).lean(),
        ),
      );
      rows.push(
        await measure(`${channel} updateOne $set by _id (driver)`, engine.pid, (i) =>
          people.updateOne({ _id: pick(i) }, { $set: { sessionEpoch: i } }),
        ),
      );
      await connection.close();
      await client.close();
    }
  process.stdout.write(
    `round trips to the embedded engine in its own process, ${N} each, sequential, 2 rounds\n`,
  );
  process.stdout.write('what                                       app µs CPU  engine µs CPU  wall µs\n');
  for (const r of rows)
    process.stdout.write(
      `${r.what.padEnd(43)}${r.appUs.toFixed(1).padStart(10)}${r.engineUs.toFixed(1).padStart(15)}${r.wallUs.toFixed(1).padStart(9)}\n`,
    );
  engine.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
