// Where the CPU goes on one page: starts the bench app, signs in as the demo learner, warms up, then
// profiles the app (inspector CPU profiler, requests only) while autocannon loads one path, and
// prints the packages, files and functions with the most self time per request.
//   npx tsx test/bench/profile.ts [path=/ | autosave] [seconds=8]
// PROFILE_ANON=1: without signing in; PROFILE_AS=hr: as the city's HR; PROFILE_CPU_ONLY=1: no profiler, only the server's CPU per request.
// `npx tsx test/bench/profile.ts learner`: the server's CPU per request of each learner page in turn
// (home, catalog, search, course page, player, my learning, a quiz attempt page and its autosave),
// one server; a figure that depends less
// on a busy machine than req/s does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { DEMO_HR, DEMO_LEARNER, learnerPages, mirrorsLoaded, quizPages, signIn, startServer } from './lib';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** User + system CPU seconds of a process, all threads (Linux /proc; the profiler's samples count wall time). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

function short(url: string): string {
  return url.replace(/^file:\/\//, '').replace(`${path.resolve(__dirname, '../..')}/`, '');
}

async function learnerCpu(seconds: number): Promise<void> {
  const server = await startServer('test/bench/app-server.ts');
  const base = `http://127.0.0.1:${server.port}`;
  const cookie = await signIn(base, DEMO_LEARNER.identifier, DEMO_LEARNER.password);
  const pages = await learnerPages(base, cookie);
  const quiz = await quizPages(base, cookie);
  const paths = ['/', '/kursus', '/kursus?q=pelayanan', pages.course, pages.lesson, '/pembelajaran'];
  const autosave = {
    method: 'POST' as const,
    body: quiz.autosaveBody,
    headers: { cookie, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
  };
  const targets: Array<[string, object]> = [
    ...paths.map((p): [string, object] => [p, { headers: { cookie } }]),
    [quiz.attempt, { headers: { cookie } }],
    [`POST ${quiz.autosave}`, autosave],
  ];
  try {
    for (const [target, request] of targets) {
      const url = `${base}${target.replace(/^POST /, '')}`;
      const load = (duration: number) => autocannon({ url, connections: 10, duration, ...request });
      await load(2);
      const before = cpuSeconds(server.child.pid!);
      const result = await load(seconds);
      const used = cpuSeconds(server.child.pid!) - before;
      console.log(
        `${target.padEnd(70)} ${((used * 1000) / result.requests.total).toFixed(2).padStart(6)} ms CPU per request (${result.requests.total} requests)`,
      );
    }
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const target = process.argv[2] ?? '/';
  if (target === 'learner') return learnerCpu(Number(process.argv[3] ?? 6));
  const seconds = Number(process.argv[3] ?? 8);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-prof-'));
  const file = path.join(dir, 'app.cpuprofile');
  const cpuOnly = !!process.env.PROFILE_CPU_ONLY; // only the /proc CPU figure, without the profiler's own cost
  if (!cpuOnly) process.env.BENCH_PROFILE_FILE = file;
  const server = await startServer('test/bench/app-server.ts');
  const base = `http://127.0.0.1:${server.port}`;
  // PROFILE_AS=hr: as the city's HR (the monitoring pages), once the monitoring mirrors have loaded.
  const who = process.env.PROFILE_AS === 'hr' ? DEMO_HR : DEMO_LEARNER;
  const cookie = process.env.PROFILE_ANON ? undefined : await signIn(base, who.identifier, who.password);
  if (process.env.PROFILE_AS === 'hr') {
    await fetch(`${base}${target}`, { headers: { cookie: cookie! } }).then((r) => r.arrayBuffer());
    await mirrorsLoaded(base);
  }
  // `autosave`: the POST that saves one answer of a quiz attempt of the demo learner.
  const quiz = target === 'autosave' && cookie ? await quizPages(base, cookie) : undefined;
  const load = (duration: number) =>
    autocannon({
      url: `${base}${quiz ? quiz.autosave : target}`,
      connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
      duration,
      headers: cookie ? { cookie } : {},
      ...(quiz && {
        method: 'POST' as const,
        body: quiz.autosaveBody,
        headers: {
          cookie: cookie!,
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
        },
      }),
    });
  await load(2); // warm-up: JIT, compiled templates, caches; not profiled
  server.child.kill('SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const cpuBefore = cpuSeconds(server.child.pid!);
  const result = await load(seconds);
  const cpuUsed = cpuSeconds(server.child.pid!) - cpuBefore;
  await server.stop();
  if (cpuOnly) {
    console.log(
      `${target}: ${result.requests.average.toFixed(0)} req/s, ${result.requests.total} requests; server process CPU ${((cpuUsed * 1000) / result.requests.total).toFixed(2)} ms per request`,
    );
    return;
  }
  if (!fs.existsSync(file)) throw new Error('no profile written');
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    const key = `${functionName || '(anonymous)'} ${short(url)}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const parts = short(url).split('/');
    const fileKey =
      parts[0] === 'node_modules'
        ? parts.slice(0, parts[1]?.startsWith('@') ? 3 : 2).join('/')
        : short(url) || functionName;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
  }
  const idle = [...selfUs]
    .filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)')
    .reduce((s, [, us]) => s + us, 0);
  const requests = result.requests.total;
  console.log(
    `${target}: ${result.requests.average.toFixed(0)} req/s, ${requests} requests; server process CPU ${((cpuUsed * 1000) / requests).toFixed(2)} ms per request` +
      ` (all threads, from /proc); main thread samples ${((total - idle) / 1000 / requests).toFixed(2)} ms per request (${((idle / total) * 100).toFixed(0)}% idle)`,
  );
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `  ${(us / 1000 / requests).toFixed(3).padStart(7)} ms/req  ${k}`)
      .join('\n');
  console.log('\nby file/package (self time):\n' + top(byFile, 25));
  console.log('\nby function (self time):\n' + top(byFunction, 40));
  console.log(`\nprofile (open in Chrome DevTools): ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
