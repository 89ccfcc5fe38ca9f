// `npm run bench:files`: a 200 MB video uploaded to a lesson and streamed back with range requests,
// measuring the app server's peak memory above idle (the aim: under 50 MB) and the range download
// rate. The database runs in a process of its own (the embedded engine, `npm run db`), so the app
// process's RSS holds what the app keeps while streaming, not the stored video.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import request from 'supertest';

const MB = 1024 * 1024;
const VIDEO_MB = Number(process.env.BENCH_VIDEO_MB ?? 200);
const ROOT = path.join(__dirname, '..', '..');

async function serve(): Promise<void> {
  const { loadConfig } = await import('../../src/config');
  const { openDatabase } = await import('../../src/db');
  const { createApp } = await import('../../src/app');
  const { seedDemoData } = await import('../../src/cli/seed-data');
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    SESSION_SECRET: 'bench-session-secret-0123456789-abcdefghij',
    MONGODB_URI: process.env.BENCH_MONGODB_URI!,
    UPLOADS_DIR: process.env.BENCH_UPLOADS!,
  });
  const db = await openDatabase(config);
  await seedDemoData({ policy: config.passwordPolicy, learners: 5, coursesDir: '/nonexistent' });
  const server = createApp({ config, db }).listen(0, '127.0.0.1', () =>
    process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`),
  );
}

function start(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) resolve({ child, match });
    });
    child.once('exit', (code) => reject(new Error(`${cmd} exited with ${code}`)));
  });
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024;
}

/** Runs `work` while sampling the process's RSS every 20 ms; the peak. */
async function peakRss(pid: number, work: () => Promise<unknown>): Promise<number> {
  let peak = rssOf(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, rssOf(pid));
}

async function formToken(agent: ReturnType<typeof request.agent>, page: string): Promise<string> {
  const res = await agent.get(page);
  if (!/name="_csrf"/.test(res.text))
    throw new Error(`${page} answered ${res.status} ${res.headers.location ?? ''}`);
  return /name="_csrf" value="([^"]+)"/.exec(res.text)![1];
}

/** Fetches the form's page for its CSRF token first (an agent's request takes the cookies it has when made). */
async function postForm(
  agent: ReturnType<typeof request.agent>,
  page: string,
  action: string,
  fields: Record<string, string>,
) {
  const token = await formToken(agent, page);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: token, ...fields });
}

async function main(): Promise<void> {
  if (process.argv[2] === 'serve') return serve();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-bench-files-'));
  const video = path.join(tmp, 'kuliah.mp4');
  const header = Buffer.from('000000206674797069736f6d0000020069736f6d69736f32617663316d703431', 'hex');
  const fd = fs.openSync(video, 'w');
  fs.writeSync(fd, header);
  const block = Buffer.alloc(MB, 7);
  for (let i = 0; i < VIDEO_MB; i++) fs.writeSync(fd, block);
  fs.closeSync(fd);
  const size = fs.statSync(video).size;

  const port = 27000 + Math.floor(Math.random() * 1000);
  const engine = await start(
    process.execPath,
    ['--import', 'tsx', 'src/db/embedded/cli.ts', '--port', String(port)],
    {},
    /mongodb:\/\/\S+/,
  );
  const app = await start(
    process.execPath,
    ['--import', 'tsx', __filename, 'serve'],
    { BENCH_MONGODB_URI: engine.match[0], BENCH_UPLOADS: path.join(tmp, 'uploads') },
    /READY (\d+)/,
  );
  const base = `http://127.0.0.1:${app.match[1]}`;
  const pid = app.child.pid!; // one process: node with tsx's loader
  try {
    const agent = request.agent(base);
    const login = await postForm(agent, '/login', '/login', {
      identifier: 'penulis.usu@binaasn.example',
      password: 'Menulis#Demo2026',
    });
    if (login.status !== 302)
      throw new Error(`sign-in answered ${login.status} ${login.text.slice(0, 3000)}`);
    const privacy = await agent.get('/');
    if (String(privacy.headers.location ?? '').startsWith('/privasi'))
      await postForm(agent, '/privasi', '/privasi/setuju', { returnTo: '/' });
    const created = await postForm(agent, '/penulisan/baru', '/penulisan', {
      code: 'BENCH-VIDEO',
      title: 'Kursus uji unggah video',
      summary: 'Uji',
      objectives: 'Uji',
      competencyType: 'teknis',
      area: 'literasi_digital',
      jp: '1',
      audienceAll: 'all',
      quizPassMark: '70',
    });
    const coursePath = String(created.headers.location);
    await postForm(agent, coursePath, `${coursePath}/modul`, { title: 'Video' });
    const moduleKey = /modul\/([0-9a-f]{24})\/pelajaran-baru/.exec((await agent.get(coursePath)).text)![1];
    const lesson = await postForm(agent, coursePath, `${coursePath}/modul/${moduleKey}/pelajaran`, {
      title: 'Kuliah video',
      kind: 'video',
      minutes: '30',
      body: '',
      intent: 'save',
    });
    const lessonPath = String(lesson.headers.location);
    await new Promise((r) => setTimeout(r, 1000));
    const idle = rssOf(pid);
    const token = await formToken(agent, lessonPath);
    let uploadStatus = 0;
    const t0 = Date.now();
    const uploadPeak = await peakRss(pid, async () => {
      uploadStatus = (await agent.post(`${lessonPath}/video`).field('_csrf', token).attach('file', video))
        .status;
    });
    const uploadSeconds = (Date.now() - t0) / 1000;
    const fileId = /\/kursus\/[0-9a-f]{24}\/berkas\/([0-9a-f]{24})/.exec(
      (await agent.get(lessonPath)).text,
    )![1];
    const fileUrl = `/kursus/${/penulisan\/([0-9a-f]{24})/.exec(coursePath)![1]}/berkas/${fileId}`;
    const chunk = 8 * MB;
    let received = 0;
    const t1 = Date.now();
    const rangePeak = await peakRss(pid, async () => {
      for (let start = 0; start < size; start += chunk) {
        const end = Math.min(size, start + chunk) - 1;
        const res = await agent
          .get(fileUrl)
          .set('Range', `bytes=${start}-${end}`)
          .buffer(true)
          .parse((r, done) => {
            let n = 0;
            r.on('data', (c: Buffer) => (n += c.length));
            r.on('end', () => done(null, n));
          });
        if (res.status !== 206) throw new Error(`range answered ${res.status}`);
        received += res.body as number;
      }
    });
    const rangeSeconds = (Date.now() - t1) / 1000;
    const fmt = (b: number) => `${(b / MB).toFixed(1)} MB`;
    console.log(`video: ${fmt(size)}; upload status ${uploadStatus}`);
    console.log(`app server idle RSS: ${fmt(idle)}`);
    console.log(
      `upload: ${uploadSeconds.toFixed(1)} s (${(size / MB / uploadSeconds).toFixed(1)} MB/s), peak RSS ${fmt(uploadPeak)} = ${fmt(uploadPeak - idle)} above idle`,
    );
    console.log(
      `range download (${chunk / MB} MB ranges): ${fmt(received)} in ${rangeSeconds.toFixed(1)} s = ${(received / MB / rangeSeconds).toFixed(1)} MB/s, peak RSS ${fmt(rangePeak)} = ${fmt(rangePeak - idle)} above idle`,
    );
  } finally {
    app.child.kill('SIGTERM');
    engine.child.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
