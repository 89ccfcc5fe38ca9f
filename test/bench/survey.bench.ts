// `npm run bench:survey`: 200 concurrent citizens posting the satisfaction survey for 30 s against
// the embedded engine, next to a bare Express route measured in the same run (only ratios mean
// something on these shared machines). Reports req/s, p99, errors, and checks that the database
// holds exactly as many answers as posts were accepted (303).
//   BENCH_SECONDS (default 30), BENCH_CONNECTIONS (default 200).
// The survey's per-address and per-unit limits are raised in survey-server.ts, since every post
// here comes from one address to one unit. Each of the concurrent clients finishes the request it
// has sent before the run ends (autocannon drops those in flight), so every answer the server
// stored was seen accepted, and the count can be compared exactly.
import { startServer, type Started } from './lib';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);

function countOf(server: Started): Promise<number> {
  return new Promise((resolve) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /COUNT (\d+)/.exec(buffer);
      if (!match) return;
      server.child.stdout!.off('data', onData);
      resolve(Number(match[1]));
    };
    server.child.stdout!.on('data', onData);
    server.child.kill('SIGUSR2');
  });
}

interface Run {
  requests: number;
  perSecond: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
}

/** `connections` clients sending one request after another until `seconds` have passed. */
async function load(connections: number, seconds: number, send: () => Promise<Response>): Promise<Run> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const res = await send();
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const p99 = latencies.length
    ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]
    : 0;
  return {
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    p99: Math.round(p99),
    statuses,
    errors,
  };
}

async function main(): Promise<void> {
  const bare = await startServer('test/bench/baseline-server.ts');
  const app = await startServer('test/bench/survey-server.ts');
  const base = `http://127.0.0.1:${app.port}`;
  try {
    const form = await fetch(`${base}/ikm/benchunit`);
    const html = await form.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const cookie = form.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const fields: Record<string, string> = { _csrf: csrf, ageBand: '30-39', feedback: '' };
    for (let i = 1; i <= 9; i++) fields[`u${i}`] = String(1 + (i % 4));
    const body = new URLSearchParams(fields).toString();
    const bareUrl = `http://127.0.0.1:${bare.port}/`;
    const bareRun = await load(CONNECTIONS, Math.min(10, SECONDS), () => fetch(bareUrl));
    const before = await countOf(app);
    const run = await load(CONNECTIONS, SECONDS, () =>
      fetch(`${base}/ikm/benchunit`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body,
      }),
    );
    const after = await countOf(app);
    const accepted = run.statuses['303'] ?? 0;
    const other = Object.entries(run.statuses).filter(([code]) => code !== '303');
    const stored = after - before;
    console.log(
      `\nSurvey posts: ${CONNECTIONS} concurrent clients × ${SECONDS} s (bare Express route: ${CONNECTIONS} clients × ${Math.min(10, SECONDS)} s)\n`,
    );
    console.log(
      `bare Express+EJS page   ${bareRun.perSecond.toFixed(0).padStart(7)} req/s  p99 ${bareRun.p99} ms`,
    );
    console.log(
      `POST /ikm/:unit         ${run.perSecond.toFixed(0).padStart(7)} req/s  p99 ${run.p99} ms  (${(run.perSecond / bareRun.perSecond).toFixed(3)}× bare)`,
    );
    console.log(
      `posts: ${run.requests}; accepted (303): ${accepted}; other statuses: ${JSON.stringify(Object.fromEntries(other))}; errors: ${run.errors}`,
    );
    console.log(
      `answers stored during the run: ${stored} (${stored === accepted ? 'equals' : 'DIFFERS FROM'} the accepted posts)`,
    );
    if (stored !== accepted || run.errors || other.length) process.exitCode = 1;
  } finally {
    await Promise.all([bare.stop(), app.stop()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
