// Database round trips per learner page: the app in this process on the demo city (or the learning
// volume with BENCH_VOLUME=learning), signed in as the demo learner; each page is requested twice to
// warm the caches, then once more while every command Mongoose sends is counted.
//   npx tsx test/bench/round-trips.ts
// The count does not depend on the volume (no page reads per row); the bench (`npm run bench`) gives
// the throughput.
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db';
import { whenWatchedCachesLive } from '../../src/db/watched-cache';
import { seedDemoData } from '../../src/cli/seed-data';
import { BENCH_LEARNERS, seedBenchLearning } from './seed-learning';
import { DEMO_LEARNER, learnerPages, quizPages, signIn } from './lib';

async function main(): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    SESSION_SECRET: 'bench-session-secret-0123456789-abcdefghij',
    EMBEDDED_THREAD: 'main',
  });
  const db = await openDatabase(config);
  const volume = process.env.BENCH_VOLUME === 'learning';
  await seedDemoData({ policy: config.passwordPolicy, learners: volume ? BENCH_LEARNERS : undefined });
  if (volume) await seedBenchLearning();
  const app = createApp({ config, db });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const commands: string[] = [];
  mongoose.set('debug', (collection: string, method: string) => commands.push(`${collection}.${method}`));
  try {
    const cookie = await signIn(base, DEMO_LEARNER.identifier, DEMO_LEARNER.password);
    const pages = await learnerPages(base, cookie);
    const quiz = await quizPages(base, cookie);
    await whenWatchedCachesLive();
    const get = (path: string) => fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
    const post = (path: string) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: `_csrf=${encodeURIComponent(pages.csrf)}`,
      });
    const rows: Array<[string, () => Promise<Response>]> = [
      ['home /', () => get('/')],
      ['catalog /kursus', () => get('/kursus')],
      ['catalog search /kursus?q=pelayanan', () => get('/kursus?q=pelayanan')],
      ['course page /kursus/:id', () => get(pages.course)],
      ['player lesson', () => get(pages.lesson)],
      ['my learning /pembelajaran', () => get('/pembelajaran')],
      ['POST Tandai selesai (again)', () => post(`${pages.lesson}/selesai`)],
      ['quiz attempt page', () => get(quiz.attempt)],
      [
        'POST quiz autosave',
        () =>
          fetch(`${base}${quiz.autosave}`, {
            method: 'POST',
            headers: {
              cookie,
              'content-type': 'application/x-www-form-urlencoded',
              accept: 'application/json',
            },
            body: quiz.autosaveBody,
          }),
      ],
    ];
    for (const [name, request] of rows) {
      for (let i = 0; i < 2; i++) await (await request()).arrayBuffer();
      commands.length = 0;
      const response = await request();
      await response.arrayBuffer();
      const counted = [...commands];
      const byName = new Map<string, number>();
      for (const c of counted) byName.set(c, (byName.get(c) ?? 0) + 1);
      const detail = [...byName].map(([c, k]) => (k > 1 ? `${c}×${k}` : c)).join(', ');
      console.log(
        `${name.padEnd(36)} ${String(response.status).padStart(3)}  ${String(counted.length).padStart(3)} round trips  ${detail}`,
      );
    }
  } finally {
    mongoose.set('debug', false);
    server.close();
    await db.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
