// `npm run bench`: page throughput of BinaASN against a bare Express+EJS page measured in the same
// run (machines here are shared and noisy, so only ratios mean something). Servers run in child
// processes so the load generator does not share their event loop.
//   BENCH_SECONDS (default 8) per page, BENCH_CONNECTIONS (default 10);
//   BENCH_LEARNER / BENCH_PASSWORD: the account of the signed-in pages (default: the demo learner);
//   BENCH_PAGES=learning: the home page and the learner's pages only (no dashboards, no certificates).
// Database round trips per learner page: `npx tsx test/bench/round-trips.ts`.
// The goal: signed-in learner pages at ≥ 1/3 of the bare page's throughput, with small HTML.
// To see where the CPU goes on one page: `npx tsx test/bench/profile.ts /data-saya`.
import { certificateBench } from './certificates.bench';
import {
  DEMO_HR,
  DEMO_LEARNER,
  learnerPages,
  quizPages,
  measure,
  measurePost,
  signIn,
  startServer,
  type Measured,
} from './lib';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const GOAL = 1 / 3;
const LEARNING_ONLY = process.env.BENCH_PAGES === 'learning';

function table(rows: Measured[], baseline: number, home: number): string {
  const header = `${'page'.padEnd(40)} ${'req/s'.padStart(8)}  ${'vs bare'.padStart(7)}  ${'vs home'.padStart(7)}  ${'p99 ms'.padStart(6)}  ${'HTML'.padStart(8)}`;
  const lines = rows.map((r) => {
    const ratio = r.requestsPerSecond / baseline;
    const mark = r.name.startsWith('bare') ? '' : ratio >= GOAL ? '  ok' : '  below 1/3';
    return `${r.name.padEnd(40)} ${r.requestsPerSecond.toFixed(0).padStart(8)}  ${ratio.toFixed(2).padStart(6)}×  ${(r.requestsPerSecond / home).toFixed(2).padStart(6)}×  ${String(r.latencyP99).padStart(6)}  ${(r.htmlBytes / 1024).toFixed(1).padStart(5)} KB${mark}${r.non2xx ? `  (${r.non2xx} non-2xx!)` : ''}`;
  });
  return [header, ...lines].join('\n');
}

async function main(): Promise<void> {
  const baselineServer = await startServer('test/bench/baseline-server.ts');
  const appServer = await startServer('test/bench/app-server.ts');
  const base = `http://127.0.0.1:${appServer.port}`;
  const options = { connections: CONNECTIONS, seconds: DURATION_S };
  try {
    const cookie = await signIn(
      base,
      process.env.BENCH_LEARNER ?? DEMO_LEARNER.identifier,
      process.env.BENCH_PASSWORD ?? DEMO_LEARNER.password,
    );
    const signedIn = { ...options, headers: { cookie } };
    const bare = `http://127.0.0.1:${baselineServer.port}/`;
    const rows: Measured[] = [];
    // Warm both servers up (JIT, compiled templates) before anything is measured.
    await measure('warm-up', bare, { ...options, seconds: 1 });
    await measure('warm-up', `${base}/`, { ...signedIn, seconds: 1 });
    const first = await measure('bare Express+EJS page', bare, options);
    rows.push(await measure('learner home / (signed in)', `${base}/`, signedIn));
    if (!LEARNING_ONLY)
      rows.push(await measure('Data saya /data-saya (signed in)', `${base}/data-saya`, signedIn));
    // The learner's hot path (#16), on the seeded volume: 10,000 learners, 100 courses, ~200,000 progress records.
    const pages = await learnerPages(base, cookie);
    rows.push(await measure('catalog /kursus', `${base}/kursus`, signedIn));
    rows.push(await measure('catalog search /kursus?q=pelayanan', `${base}/kursus?q=pelayanan`, signedIn));
    rows.push(await measure('course page /kursus/:id', `${base}${pages.course}`, signedIn));
    rows.push(await measure('player lesson /kursus/:id/pelajaran/:key', `${base}${pages.lesson}`, signedIn));
    rows.push(await measure('my learning /pembelajaran', `${base}/pembelajaran`, signedIn));
    rows.push(
      await measurePost('POST Tandai selesai (303)', `${base}${pages.lesson}/selesai`, {
        ...signedIn,
        body: `_csrf=${encodeURIComponent(pages.csrf)}`,
      }),
    );
    // A quiz attempt of the demo learner (#18): its page and the autosave of one answer.
    const quiz = await quizPages(base, cookie);
    rows.push(await measure('quiz attempt page /kuis/…/percobaan/:id', `${base}${quiz.attempt}`, signedIn));
    rows.push(
      await measurePost('POST quiz autosave …/simpan (JSON)', `${base}${quiz.autosave}`, {
        ...signedIn,
        headers: { ...signedIn.headers, accept: 'application/json' },
        body: quiz.autosaveBody,
        status: 200,
      }),
    );
    // The monitoring dashboards (#20) on the same volume: the whole city (BKPSDM HR) and one OPD.
    if (!LEARNING_ONLY) rows.push(...(await dashboardRows(base, options)));
    rows.push(await measure('login page /login (anonymous)', `${base}/login`, options));
    rows.push(await measure('/healthz (no view)', `${base}/healthz`, options));
    const second = await measure('bare Express+EJS page (again)', bare, options);
    const baseline = (first.requestsPerSecond + second.requestsPerSecond) / 2;
    console.log(
      `\nPages, ${CONNECTIONS} connections × ${DURATION_S} s each; baseline = mean of the two bare runs = ${baseline.toFixed(0)} req/s`,
    );
    console.log(
      `HTML = size of one uncompressed response body; vs home = against the signed-in home page of the same run; goal: signed-in pages ≥ ${GOAL.toFixed(2)}× bare\n`,
    );
    console.log(table([first, second, ...rows], baseline, rows[0].requestsPerSecond));
  } finally {
    await Promise.all([baselineServer.stop(), appServer.stop()]);
  }
  if (!LEARNING_ONLY) await certificateBench(); // ms per certificate PDF, and a 1,000-certificate ZIP's time and memory
}

/** /pemantauan as BKPSDM HR (every OPD: 10,000 people) and filtered to the first OPD. */
async function dashboardRows(base: string, options: { connections: number; seconds: number }) {
  const cookie = await signIn(base, DEMO_HR.identifier, DEMO_HR.password);
  const signedIn = { ...options, headers: { cookie } };
  const page = await (await fetch(`${base}/pemantauan`, { headers: { cookie } })).text();
  const opd = /<option value="([0-9a-f]{24})"/.exec(page)?.[1] ?? '';
  return [
    await measure('city dashboard /pemantauan', `${base}/pemantauan`, signedIn),
    await measure('OPD dashboard /pemantauan?opd=', `${base}/pemantauan?opd=${opd}`, signedIn),
    await measure('dashboard export unit XLSX', `${base}/pemantauan/ekspor.xlsx?tabel=unit`, signedIn),
  ];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
