// Where a monitoring page's time goes, step by step, on the bench volume: seeds once into
// BENCH_DATA_DIR (default a temporary folder; reused when it already holds the volume), then times
// each read the dashboards make and the whole service calls, in-process, N runs each (median).
//   npx tsx test/bench/dashboards-profile.ts [runs=5]
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db';
import { seedDemoData } from '../../src/cli/seed-data';
import { BENCH_LEARNERS, seedBenchLearning } from './seed-learning';
import { trusted } from 'mongoose';
import { User } from '../../src/users/user.model';
import { Course } from '../../src/courses/course.model';
import { opdDashboard } from '../../src/monitoring';
import { courseReport } from '../../src/monitoring/course-report';
import { peopleInScope } from '../../src/users';
import { courseFacts } from '../../src/courses';
import {
  belowTarget,
  figuresBy,
  figuresOf,
  trendOf,
  type EnrolmentRow,
} from '../../src/monitoring/monitoring.figures';
import { enrolmentFacts, jpTotals, courseEnrolmentFacts } from '../../src/learning';
import type { Actor } from '../../src/core/actor';
import { whenWatchedCachesLive } from '../../src/db/watched-cache';

const RUNS = Number(process.argv[2] ?? 5);

async function time(name: string, fn: () => Promise<unknown>): Promise<void> {
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  // CPU of the whole process (the engine's worker thread included): less distorted by a busy machine.
  console.log(
    `${name.padEnd(44)} median ${ms[Math.floor(ms.length / 2)].toFixed(1).padStart(8)} ms  min ${ms[0].toFixed(1).padStart(8)} ms  CPU median ${cpu[Math.floor(cpu.length / 2)].toFixed(1).padStart(8)} ms`,
  );
}

async function main(): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    SESSION_SECRET: 'bench-session-secret-0123456789-abcdefghij',
    EMBEDDED_THREAD: process.env.EMBEDDED_THREAD ?? 'worker',
    ...(process.env.BENCH_DATA_DIR ? { EMBEDDED_DATA_DIR: process.env.BENCH_DATA_DIR } : {}),
  });
  const db = await openDatabase(config);
  if ((await User.countDocuments()) < BENCH_LEARNERS) {
    await seedDemoData({ policy: config.passwordPolicy, learners: BENCH_LEARNERS });
    console.log(await seedBenchLearning());
  }
  const admin = await User.findOne({ email: 'admin@binaasn.example' }).lean();
  const hr = await User.findOne({ email: 'hr.bkpsdm@binaasn.example' }).lean();
  const actor = (u: typeof admin): Actor => ({
    id: String(u!._id),
    name: u!.name,
    roles: u!.roles as Actor['roles'],
    opdId: u!.opd ? String(u!.opd) : undefined,
    seesAllOpds: !!(u as { seesAllOpds?: boolean }).seesAllOpds,
    language: 'id',
  });
  const city = actor(admin);
  const opd = String((await User.findOne({ roles: 'learner', opd: trusted({ $ne: null }) }).lean())!.opd);
  const now = new Date();
  // The first read opens the mirrors' streams; time them live, as a running server has them.
  await opdDashboard(city, {}, now);
  await whenWatchedCachesLive();
  let started = performance.now();
  await opdDashboard(city, {}, now);
  console.log(`first live read (loads the mirrors): ${(performance.now() - started).toFixed(0)} ms`);
  started = performance.now();
  const people = await peopleInScope(city);
  const ids = people.map((p) => p.id);
  const opdIds = people.filter((p) => p.opdId === opd).map((p) => p.id);
  console.log(`people ${ids.length}, in one OPD ${opdIds.length}; hr ${hr?.email}`);
  await time('peopleInScope city', () => peopleInScope(city));
  await time('enrolmentFacts city', () => enrolmentFacts(ids));
  await time('jpTotals city', () => jpTotals(ids, now.getFullYear()));
  await time('peopleInScope opd', () => peopleInScope(city, { opd }));
  await time('enrolmentFacts opd', () => enrolmentFacts(opdIds));
  await time('jpTotals opd', () => jpTotals(opdIds, now.getFullYear()));
  const enrolments = (await enrolmentFacts(ids)) as readonly EnrolmentRow[];
  const jp = await jpTotals(ids, now.getFullYear());
  const year = now.getFullYear();
  await time('  figuresOf', async () => figuresOf(people, enrolments, jp, year, now));
  await time('  figuresBy unit', async () => figuresBy('unitKerja', people, enrolments, jp, year, now));
  await time('  figuresBy opd', async () => figuresBy('opdId', people, enrolments, jp, year, now));
  await time('  belowTarget', async () => belowTarget(people, jp));
  await time('  trendOf', async () => trendOf(people, enrolments, now));
  await time('  courseFacts', async () => courseFacts([...new Set(enrolments.map((e) => e.course ?? ''))]));
  await time('opdDashboard city', () => opdDashboard(city, {}, now));
  await time('opdDashboard opd', () => opdDashboard(city, { opd }, now));
  const course = await Course.findOne({ code: /^BENCH/ }).lean();
  const curator = actor(await User.findOne({ email: 'kurator@binaasn.example' }).lean());
  await time('courseEnrolmentFacts', () => courseEnrolmentFacts(String(course!._id)));
  await time('courseReport', () => courseReport(curator, String(course!._id)));
  await db.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
