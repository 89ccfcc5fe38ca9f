// The app as `npm run bench` measures it: embedded engine in memory, demo data, compiled-template
// cache on, warnings-only logging (request logs would measure the pipe, not the app). The engine runs
// in its worker thread as under `npm start` (EMBEDDED_THREAD=main: on the app's event loop).
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db';
import { seedDemoData } from '../../src/cli/seed-data';
import { BENCH_DEMO_COURSES, BENCH_LEARNERS, seedBenchLearning } from './seed-learning';

async function main(): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    SESSION_SECRET: 'bench-session-secret-0123456789-abcdefghij',
    EMBEDDED_THREAD: process.env.EMBEDDED_THREAD ?? 'worker',
  });
  const db = await openDatabase(config);
  // BENCH_VOLUME=demo: the demo city only (200 learners, 9 courses); default: the learning volume of
  // #16, whose 10,000 learners take the three first demo courses, as when the demo had only those.
  const isDemo = process.env.BENCH_VOLUME === 'demo';
  await seedDemoData({
    policy: config.passwordPolicy,
    ...(isDemo ? {} : { learners: BENCH_LEARNERS, learningCourses: BENCH_DEMO_COURSES }),
  });
  if (!isDemo) {
    const started = Date.now();
    const volume = await seedBenchLearning();
    process.stderr.write(
      `seeded ${JSON.stringify(volume)} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
    );
  }
  const app = createApp({ config, db });
  const server = app.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
    process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
  });
  // BENCH_PROFILE_FILE (test/bench/profile.ts): SIGUSR2 starts the CPU profiler, after start-up and
  // warm-up, so the profile holds the requests only; SIGTERM writes it.
  const profileFile = process.env.BENCH_PROFILE_FILE;
  const profiler = profileFile ? new inspector.Session() : undefined;
  profiler?.connect();
  process.on('SIGUSR2', () => {
    void profiler?.post('Profiler.enable').then(() => profiler.post('Profiler.start'));
  });
  process.on('SIGTERM', () => {
    void (async () => {
      if (profiler && profileFile) {
        const { profile } = await profiler.post('Profiler.stop');
        fs.writeFileSync(profileFile, JSON.stringify(profile));
      }
      server.close();
      await db.close();
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
