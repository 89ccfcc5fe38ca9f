// `npm run bench:quiz`: 50 demo learners at once each start the module-2 quiz of ADUAN-01, save 20
// answers one autosave at a time and submit. Reports attempts/s, the autosave's p50/p99 latency,
// errors, and, read from the database afterwards, that every attempt was graded exactly once. The
// bare Express+EJS page is measured in the same run (in a child process) as the yardstick, since
// these machines are shared and noisy: the ratio is what means something. The app runs in this
// process (so the database can be counted afterwards); the load is plain fetch calls.
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db';
import { seedDemoData, DEMO_OPDS } from '../../src/cli/seed-data';
import { demoLearners } from '../../src/cli/seed-people';
import { courseIdByCode, publishedCourse } from '../../src/courses';
import { quizLessons } from '../../src/quizzes';
import { Attempt } from '../../src/quizzes/attempt.model';
import { measure, signIn, startServer } from './lib';

const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 50);
const SAVES = Number(process.env.BENCH_SAVES ?? 20);
const PASSWORD = 'Pelatihan#Demo2026';

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const tokenOf = (html: string) => /name="_csrf"\s+value="([^"]+)"/.exec(html)?.[1] ?? '';

async function main(): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    SESSION_SECRET: 'bench-session-secret-0123456789-abcdefghij',
  });
  const db = await openDatabase(config);
  await seedDemoData({ policy: config.passwordPolicy });
  const app = createApp({ config, db });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baselineServer = await startServer('test/bench/baseline-server.ts');
  try {
    const course = (await courseIdByCode('ADUAN-01'))!;
    const published = await publishedCourse(
      { id: '0'.repeat(24), name: 'bench', roles: ['curator'], seesAllOpds: false, language: 'id' },
      course.id,
    );
    const lesson = quizLessons(published.content)[1];
    const quiz = `${base}/kuis/${course.id}/${lesson.key}`;
    // Learners 26 on have no seeded attempts.
    const people = demoLearners(DEMO_OPDS, 200).slice(26, 26 + LEARNERS);
    console.log(`signing in ${people.length} learners…`);
    const cookies: string[] = [];
    for (const p of people) cookies.push(await signIn(base, p.nip!, PASSWORD));

    const saveTimes: number[] = [];
    let errors = 0;
    const started = Date.now();
    await Promise.all(
      cookies.map(async (cookie) => {
        const headers = { cookie };
        const startPage = await fetch(quiz, { headers });
        const token = tokenOf(await startPage.text());
        const begin = await fetch(`${quiz}/mulai`, {
          method: 'POST',
          redirect: 'manual',
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: token }),
        });
        if (begin.status !== 303) return void errors++;
        const attempt = new URL(begin.headers.get('location')!, base).toString();
        const html = await (await fetch(attempt, { headers })).text();
        const slots = [...html.matchAll(/id="q(\d+)-heading"/g)].map((m) => Number(m[1]));
        for (let i = 0; i < SAVES; i++) {
          const slot = slots[i % slots.length];
          // eslint-disable-next-line security/detect-non-literal-regexp -- a slot number read from the page
          const choice = new RegExp(`name="q${slot}" value="([^"]+)"`).exec(html)?.[1];
          const body = new URLSearchParams({
            _csrf: token,
            slots: String(slot),
            [`q${slot}`]: choice ?? String(10 + i),
          });
          const t0 = performance.now();
          const res = await fetch(`${attempt}/simpan`, {
            method: 'POST',
            headers: {
              ...headers,
              'content-type': 'application/x-www-form-urlencoded',
              accept: 'application/json',
            },
            body,
          });
          saveTimes.push(performance.now() - t0);
          if (res.status !== 200 || !((await res.json()) as { saved?: boolean }).saved) errors++;
        }
        const submit = await fetch(`${attempt}/kirim`, {
          method: 'POST',
          redirect: 'manual',
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: token }),
        });
        if (submit.status !== 303) errors++;
        // A second submit (a double click) must not grade again.
        await fetch(`${attempt}/kirim`, {
          method: 'POST',
          redirect: 'manual',
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: token }),
        });
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const attempts = await Attempt.find({ lessonKey: lesson.key, number: 1 }).select('state gradings').lean();
    const benchAttempts = attempts.length - 24; // the seed's 24 learners took this quiz too
    const gradedOnce = attempts.filter((a) => a.gradings === 1).length;
    const notFinished = attempts.filter((a) => a.state === 'inProgress').length;
    const bare = await measure('bare Express+EJS page', `http://127.0.0.1:${baselineServer.port}/`, {
      connections: 10,
      seconds: 5,
    });
    const savesPerSecond = saveTimes.length / seconds;
    console.log(
      `\nQuiz load: ${people.length} learners × (start, ${SAVES} autosaves, submit twice), all at once`,
    );
    console.log(
      `  attempts/s            ${(people.length / seconds).toFixed(1)}  (${seconds.toFixed(1)} s in all)`,
    );
    console.log(
      `  autosaves/s           ${savesPerSecond.toFixed(0)}  = ${(savesPerSecond / bare.requestsPerSecond).toFixed(2)}× the bare page's ${bare.requestsPerSecond.toFixed(0)} req/s`,
    );
    console.log(
      `  autosave p50 / p99    ${percentile(saveTimes, 50).toFixed(0)} / ${percentile(saveTimes, 99).toFixed(0)} ms`,
    );
    console.log(`  errors                ${errors}`);
    console.log(
      `  attempts in database  ${benchAttempts} new; graded exactly once: ${gradedOnce} of ${attempts.length}; still open: ${notFinished}`,
    );
    if (errors || gradedOnce !== attempts.length || notFinished || benchAttempts !== people.length)
      process.exitCode = 1;
  } finally {
    await baselineServer.stop();
    server.close();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
