// `npm run bench:dashboards`: the monitoring pages (#20) on the bench volume (10,000 learners, 100
// courses, ~200,000 lesson-progress records), next to a bare Express+EJS page measured in the same
// run: p50/p99 latency and req/s of the city dashboard, one OPD's dashboard, an XLSX export, the
// printable PDF report, a course report and its CSV and XLSX exports. BENCH_SECONDS (default 8),
// BENCH_CONNECTIONS (default 4).
import { DEMO_HR, measure, mirrorsLoaded, signIn, startServer, type Measured } from './lib';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const CURATOR = { identifier: 'kurator@binaasn.example', password: 'Kurasi#Demo2026' };

function table(rows: Measured[], baseline: number): string {
  const header = `${'page'.padEnd(36)} ${'req/s'.padStart(8)}  ${'vs bare'.padStart(7)}  ${'p50 ms'.padStart(6)}  ${'p99 ms'.padStart(6)}`;
  const lines = rows.map(
    (r) =>
      `${r.name.padEnd(36)} ${r.requestsPerSecond.toFixed(1).padStart(8)}  ${(r.requestsPerSecond / baseline).toFixed(3).padStart(6)}×  ${String(r.latencyP50).padStart(6)}  ${String(r.latencyP99).padStart(6)}${r.non2xx ? `  (${r.non2xx} non-2xx!)` : ''}`,
  );
  return [header, ...lines].join('\n');
}

/** Measures a page only when this version of the app has it (the bench also runs on older commits). */
async function optional(name: string, url: string, options: Parameters<typeof measure>[2]) {
  const probe = await fetch(url, { headers: options.headers, redirect: 'manual' });
  await probe.arrayBuffer();
  return probe.status === 200 ? [await measure(name, url, options)] : [];
}

async function main(): Promise<void> {
  const baselineServer = await startServer('test/bench/baseline-server.ts');
  const appServer = await startServer('test/bench/app-server.ts');
  const base = `http://127.0.0.1:${appServer.port}`;
  const options = { connections: CONNECTIONS, seconds: DURATION_S };
  try {
    const bare = `http://127.0.0.1:${baselineServer.port}/`;
    const hr = { ...options, headers: { cookie: await signIn(base, DEMO_HR.identifier, DEMO_HR.password) } };
    const page = await (await fetch(`${base}/pemantauan`, { headers: hr.headers })).text();
    const opd = /<option value="([0-9a-f]{24})"/.exec(page)?.[1] ?? '';
    await measure('warm-up', bare, { ...options, seconds: 1 });
    await mirrorsLoaded(base);
    await measure('warm-up', `${base}/pemantauan`, { ...hr, seconds: 1 });
    const first = await measure('bare Express+EJS page', bare, options);
    const rows: Measured[] = [
      await measure('city dashboard /pemantauan', `${base}/pemantauan`, hr),
      await measure('OPD dashboard /pemantauan?opd=', `${base}/pemantauan?opd=${opd}`, hr),
      await measure('city export unit XLSX', `${base}/pemantauan/ekspor.xlsx?tabel=unit`, hr),
      ...(await optional('OPD report PDF', `${base}/pemantauan/laporan.pdf?opd=${opd}`, hr)),
    ];
    const curator = {
      ...options,
      headers: { cookie: await signIn(base, CURATOR.identifier, CURATOR.password) },
    };
    const list = await (await fetch(`${base}/laporan-kursus`, { headers: curator.headers })).text();
    const course = /href="(\/laporan-kursus\/[0-9a-f]{24})"/.exec(list)?.[1];
    if (course)
      rows.push(
        ...(await optional('course report', `${base}${course}`, curator)),
        ...(await optional('course report CSV', `${base}${course}/ekspor.csv?tabel=ringkasan`, curator)),
        ...(await optional('course lessons XLSX', `${base}${course}/ekspor.xlsx?tabel=pelajaran`, curator)),
      );
    const second = await measure('bare Express+EJS page (again)', bare, options);
    const baseline = (first.requestsPerSecond + second.requestsPerSecond) / 2;
    console.log(
      `\nMonitoring pages, ${CONNECTIONS} connections × ${DURATION_S} s each; baseline = mean of the two bare runs = ${baseline.toFixed(0)} req/s\n`,
    );
    console.log(table([first, second, ...rows], baseline));
  } finally {
    await Promise.all([baselineServer.stop(), appServer.stop()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
