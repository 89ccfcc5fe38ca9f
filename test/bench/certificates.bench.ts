// Certificates in `npm run bench` (also alone: `npm run bench:certificates`):
// 1. Milliseconds per certificate PDF, rendered and PAdES-signed as issuance stores it: median and
//    p99 over BENCH_PDFS (default 500), after a warm-up; also render alone and sign alone.
// 2. A ZIP of BENCH_ZIP certificates (default 1,000) streamed to HR: the time and the app server's
//    peak memory above idle while it streams. The database runs in its own process (the embedded
//    engine), so the app's RSS holds only what the app keeps while building the ZIP.
// 3. The Open Badges exports, BENCH_BADGES of each (default 500): the VC-JWT (RS256) made and
//    checked, as ratios to the JSON credential with its eddsa-jcs-2022 proof measured in the same
//    run. Alone: `npx tsx test/bench/certificates.bench.ts badges`.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import request from 'supertest';

const PDFS = Number(process.env.BENCH_PDFS ?? 500);
const ZIP_COUNT = Number(process.env.BENCH_ZIP ?? 1000);
const BADGES = Number(process.env.BENCH_BADGES ?? 500);
const ROOT = path.join(__dirname, '..', '..');
const MB = 1024 * 1024;

const CONTENT = {
  format: 'binaasn.certificate.v1' as const,
  number: '800/1234/BKPSDM/2026',
  code: 'ABCDEFGHJKLMNPQRSTUV',
  enrolmentId: 'bench',
  issuedAt: '2026-11-30T05:00:00.000Z',
  place: 'Medan',
  startedAt: '2026-11-02T03:00:00.000Z',
  completedAt: '2026-11-30T05:00:00.000Z',
  jp: 12,
  issuer: 'BKPSDM Kota Medan',
  person: {
    id: '0',
    name: "Dr. Nur'aini Siti Hasibuan-Pérez, S.Sos., M.A.P.",
    nip: '199001012015032001',
    employeeType: 'pns',
    golongan: 'III/b',
    pangkat: 'Penata Muda Tingkat I, III/b',
    jabatan: 'Analis Kebijakan Ahli Pertama',
    unitKerja: 'Bidang Pengembangan Kompetensi',
    opd: { code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' },
  },
  course: {
    id: '0',
    version: 1,
    code: 'LITDIG-01',
    title: 'Literasi Digital dan Keamanan Informasi bagi ASN',
    competencyType: 'teknis',
    area: 'literasi_digital',
    jp: 12,
    partner: { code: 'USU', name: 'Universitas Sumatera Utara' },
    signatories: [
      {
        name: 'Dr. Hendra Saputra Ginting, S.STP., M.Si.',
        nip: '197804122000111002',
        position: 'Kepala BKPSDM Kota Medan',
      },
      {
        name: 'Prof. Dr. Sri Rahayu Lubis, S.T., M.Kom.',
        nip: '197609032002122001',
        position: 'Dekan Fasilkom-TI USU',
      },
    ],
    outline: [1, 2, 3, 4].map((m) => ({ title: `Modul ${m}`, jp: 3, lessons: ['a', 'b'] })),
  },
};

const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], p99: sorted[Math.floor(sorted.length * 0.99) - 1] };
};

async function pdfTimes(): Promise<void> {
  const { loadConfig } = await import('../../src/config');
  const { configureCertificates } = await import('../../src/certificates');
  const { renderCertificatePdf } = await import('../../src/certificates/pdf');
  const { signPdf } = await import('../../src/certificates/pdf-signature');
  const runtime = configureCertificates(loadConfig({ NODE_ENV: 'test' }));
  // Warm-up without the database (no logos, no results: the emblems are drawn, as in the demo).
  for (let i = 0; i < 20; i++)
    await signPdf(
      await renderCertificatePdf(CONTENT, 'http://127.0.0.1:3000/verifikasi/ABCDEFGHJKLMNPQRSTUV'),
      runtime.keys.pdf,
      {
        reason: 'bench',
        signingTime: new Date(),
      },
    );
  const total: number[] = [];
  const render: number[] = [];
  const sign: number[] = [];
  let size = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < PDFS; i++) {
    const t0 = performance.now();
    const pdf = await renderCertificatePdf(CONTENT, 'http://127.0.0.1:3000/verifikasi/ABCDEFGHJKLMNPQRSTUV');
    const t1 = performance.now();
    const signed = await signPdf(pdf, runtime.keys.pdf, { reason: 'bench', signingTime: new Date() });
    const t2 = performance.now();
    size = signed.length;
    render.push(t1 - t0);
    sign.push(t2 - t1);
    total.push(t2 - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuPerPdf = (cpu.user + cpu.system) / 1000 / PDFS;
  const f = (s: { median: number; p99: number }) =>
    `median ${s.median.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms`;
  console.log(
    `\nCertificate PDF (A4 landscape, 2 pages, PAdES-signed), ${PDFS} in a row, ${(size / 1024).toFixed(0)} KB each:`,
  );
  console.log(`  render + sign: ${f(stats(total))}  (aim: under 20 ms)`);
  console.log(`  render alone:  ${f(stats(render))}`);
  console.log(`  sign alone:    ${f(stats(sign))}`);
  console.log(
    `  CPU time per PDF (render + sign): ${cpuPerPdf.toFixed(1)} ms; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (wall times above include waiting for a core)`,
  );
}

/** Milliseconds per Open Badges export: the VC-JWT against the JSON credential (the baseline), same run. */
async function badgeTimes(): Promise<void> {
  const crypto = await import('node:crypto');
  const { loadConfig } = await import('../../src/config');
  const { configureCertificates } = await import('../../src/certificates');
  const ob = await import('../../src/certificates/openbadge');
  const jwt = await import('../../src/certificates/openbadge-jwt');
  const { thumbprintOf } = await import('../../src/certificates/jwt-keys');
  const runtime = configureCertificates(loadConfig({ NODE_ENV: 'test' }));
  const base = 'http://127.0.0.1:3000';
  const edPublic = crypto.createPublicKey(runtime.keys.signingKey);
  const salt = ob.saltOf('bench');
  const json = () =>
    JSON.stringify(
      ob.signCredential(
        ob.unsignedCredential(CONTENT, salt, base, edPublic),
        runtime.keys.signingKey,
        CONTENT.issuedAt,
      ),
    );
  const time = async (fn: () => unknown) => {
    for (let i = 0; i < 20; i++) await fn();
    const ms: number[] = [];
    for (let i = 0; i < BADGES; i++) {
      const t0 = performance.now();
      await fn();
      ms.push(performance.now() - t0);
    }
    return stats(ms).median;
  };
  const sampleJson = json();
  const checkJson = (text: string) => ob.verifyCredentialProof(JSON.parse(text));
  const baseline = { made: await time(json), checked: await time(() => checkJson(sampleJson)) };
  if (!checkJson(sampleJson)) throw new Error('the JSON export did not verify');
  console.log(
    `\nOpen Badges exports, ${BADGES} of each (median; baseline: the JSON credential with eddsa-jcs-2022, same run):`,
  );
  console.log(
    `  JSON:               export ${baseline.made.toFixed(2)} ms, check ${baseline.checked.toFixed(2)} ms`,
  );
  // The generated development key (2048 bits) and the size the README recommends for production.
  for (const bits of [2048, 3072]) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits });
    const rsa = { privateKey, publicKey, thumbprint: thumbprintOf(publicKey) };
    const token = () => jwt.signJwt(jwt.jwtCredential(CONTENT, salt, base, edPublic), rsa, base);
    const sample = token();
    const checkJwt = async (text: string) =>
      jwt.verifyJwt(jwt.parseJws(text)!, async () => publicKey, new Date());
    if (!(await checkJwt(sample))) throw new Error('the VC-JWT did not verify');
    const made = await time(token);
    const checked = await time(() => checkJwt(sample));
    console.log(
      `  VC-JWT RS256-${bits}: export ${made.toFixed(2)} ms = ${(made / baseline.made).toFixed(1)}× the JSON, check ${checked.toFixed(2)} ms = ${(checked / baseline.checked).toFixed(1)}× (${sample.length} characters)`,
    );
  }
  console.log(`  load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
}

async function serve(): Promise<void> {
  const { loadConfig } = await import('../../src/config');
  const { openDatabase } = await import('../../src/db');
  const { createApp } = await import('../../src/app');
  const { seedDemoData } = await import('../../src/cli/seed-data');
  const { issueCertificateOnCompletion } = await import('../../src/certificates');
  const { courseIdByCode } = await import('../../src/courses');
  const { inTransaction } = await import('../../src/db/transactions');
  const { users } = await import('../../src/users');
  const { Certificate } = await import('../../src/certificates/certificate.model');
  const { ensureFile } = await import('../../src/certificates/storage');
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    SESSION_SECRET: 'bench-session-secret-0123456789-abcdefghij',
    MONGODB_URI: process.env.BENCH_MONGODB_URI!,
  });
  const db = await openDatabase(config);
  const app = createApp({ config, db }); // configures the certificates
  await seedDemoData({ policy: config.passwordPolicy, learners: 40 });
  const course = (await courseIdByCode('LITDIG-01'))!.id;
  const admin = {
    id: '000000000000000000000000',
    name: 'bench',
    roles: ['admin' as const],
    seesAllOpds: true,
    language: 'id' as const,
  };
  const learners = (await users.listPeople(admin, { role: 'learner', page: 1 }, 40)).items;
  for (let i = 0; i < ZIP_COUNT; i++)
    await inTransaction((session) =>
      issueCertificateOnCompletion(
        {
          enrolmentId: `bench-${i}`,
          personId: String(learners[i % learners.length]._id),
          courseId: course,
          courseVersion: 1,
          completedAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000),
          jp: 12,
        },
        session!,
      ),
    );
  for (const c of await Certificate.find({}, { _id: 1 }).lean()) await ensureFile(String(c._id));
  const server = app.listen(0, '127.0.0.1', () =>
    process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`),
  );
}

function start(cmd: string, args: string[], env: Record<string, string>, ready: RegExp) {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise<{ child: ChildProcess; match: RegExpExecArray }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) resolve({ child, match });
    });
    child.once('exit', (code) => reject(new Error(`${cmd} exited with ${code}`)));
  });
}

const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

async function formToken(agent: ReturnType<typeof request.agent>, page: string): Promise<string> {
  return /name="_csrf" value="([^"]+)"/.exec((await agent.get(page)).text)![1];
}

async function zipBench(): Promise<void> {
  const port = 27000 + Math.floor(Math.random() * 1000);
  const engine = await start(
    process.execPath,
    ['--import', 'tsx', 'src/db/embedded/cli.ts', '--port', String(port)],
    {},
    /mongodb:\/\/\S+/,
  );
  const t0 = Date.now();
  const app = await start(
    process.execPath,
    ['--import', 'tsx', __filename, 'serve'],
    { BENCH_MONGODB_URI: engine.match[0] },
    /READY (\d+)/,
  );
  const prepared = (Date.now() - t0) / 1000;
  const base = `http://127.0.0.1:${app.match[1]}`;
  const pid = app.child.pid!;
  try {
    const agent = request.agent(base);
    const token = await formToken(agent, '/login');
    await agent
      .post('/login')
      .type('form')
      .send({ _csrf: token, identifier: 'hr.bkpsdm@binaasn.example', password: 'Pegawai#Demo2026' });
    const home = await agent.get('/');
    if (String(home.headers.location ?? '').startsWith('/privasi'))
      await agent
        .post('/privasi/setuju')
        .type('form')
        .send({ _csrf: await formToken(agent, '/privasi'), returnTo: '/' });
    await new Promise((r) => setTimeout(r, 1000));
    const idle = rssOf(pid);
    let peak = idle;
    const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
    const t1 = Date.now();
    let bytes = 0;
    const res = await agent
      .get('/admin/sertifikat/unduh.zip')
      .buffer(true)
      .parse((r, done) => {
        r.on('data', (c: Buffer) => (bytes += c.length));
        r.on('end', () => done(null, bytes));
      });
    const seconds = (Date.now() - t1) / 1000;
    clearInterval(timer);
    peak = Math.max(peak, rssOf(pid));
    if (res.status !== 200) throw new Error(`ZIP answered ${res.status}`);
    console.log(
      `\nZIP of ${ZIP_COUNT} certificates streamed to BKPSDM HR (issued and rendered in ${prepared.toFixed(0)} s beforehand):`,
    );
    console.log(
      `  ${(bytes / MB).toFixed(1)} MB in ${seconds.toFixed(1)} s (${(ZIP_COUNT / seconds).toFixed(0)} certificates/s)`,
    );
    console.log(
      `  app server RSS: idle ${(idle / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB = ${((peak - idle) / MB).toFixed(1)} MB above idle (aim: flat, independent of the count)`,
    );
  } finally {
    app.child.kill('SIGTERM');
    engine.child.kill('SIGTERM');
  }
}

export async function certificateBench(): Promise<void> {
  await pdfTimes();
  await badgeTimes();
  await zipBench();
}

if (require.main === module) {
  const part = process.argv[2];
  (part === 'serve' ? serve() : part === 'badges' ? badgeTimes() : certificateBench()).catch(
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
