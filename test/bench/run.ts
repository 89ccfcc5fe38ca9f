// `npm run bench`: page throughput of BinaASN against a bare Express+EJS page measured in the same
// run (machines here are shared and noisy, so only ratios mean something), then the database
// benchmark. Servers run in child processes so the load generator does not share their event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const root = path.resolve(__dirname, '../..');

interface Started {
  child: ChildProcess;
  port: number;
}

function startServer(script: string): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, '0'], {
    cwd: root,
    env: { ...process.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /READY (\d+)/.exec(buffer);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

interface Measured {
  name: string;
  requestsPerSecond: number;
  bytesPerResponse: number;
  non2xx: number;
}

async function measure(name: string, url: string, headers: Record<string, string> = {}): Promise<Measured> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  return {
    name,
    requestsPerSecond: result.requests.average,
    bytesPerResponse: result.requests.total ? result.throughput.total / result.requests.total : 0,
    non2xx: result.non2xx,
  };
}

/** Signs in through the real login form and returns the session cookie. */
async function signIn(base: string, identifier: string, password: string): Promise<string> {
  const page = await fetch(`${base}/login`);
  const html = await page.text();
  const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]);
  const csrf = /name="_csrf"\s+value="([^"]+)"/.exec(html)?.[1] ?? '';
  const idField = /<input[^>]*name="(identifier|nip|email|username)"/.exec(html)?.[1] ?? 'identifier';
  const body = new URLSearchParams({ _csrf: csrf, [idField]: identifier, password });
  const response = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
    body,
  });
  const sessionCookies = response.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (response.status !== 302 || sessionCookies.length === 0) throw new Error(`sign-in failed: ${response.status}`);
  const cookie = sessionCookies.join('; ');
  await acknowledgePrivacyNotice(base, cookie);
  return cookie;
}

/** The first sign-in shows the privacy notice until it is confirmed; confirm it as a person would. */
async function acknowledgePrivacyNotice(base: string, cookie: string): Promise<void> {
  const home = await fetch(`${base}/`, { headers: { cookie }, redirect: 'manual' });
  if (home.status === 200) return;
  const notice = await fetch(new URL(home.headers.get('location')!, base), { headers: { cookie } });
  const html = await notice.text();
  const action = /<form[^>]*method="post"[^>]*action="([^"]*privasi[^"]*)"/.exec(html)?.[1];
  const csrf = /name="_csrf"\s+value="([^"]+)"/.exec(html)?.[1] ?? '';
  if (!action) throw new Error('privacy notice form not found');
  const confirmed = await fetch(new URL(action, base), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: csrf, returnTo: '/' }),
  });
  if (confirmed.status !== 302) throw new Error(`privacy confirmation failed: ${confirmed.status}`);
}

function table(rows: Measured[], baseline: number): string {
  const lines = rows.map((r) => {
    const ratio = r.requestsPerSecond / baseline;
    return `${r.name.padEnd(34)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s  ${ratio.toFixed(2).padStart(5)}× bare  ${(r.bytesPerResponse / 1024).toFixed(1).padStart(6)} KB${r.non2xx ? `  (${r.non2xx} non-2xx!)` : ''}`;
  });
  return lines.join('\n');
}

async function main(): Promise<void> {
  const baselineServer = await startServer('test/bench/baseline-server.ts');
  const appServer = await startServer('test/bench/app-server.ts');
  const base = `http://127.0.0.1:${appServer.port}`;
  try {
    const cookie = await signIn(base, process.env.BENCH_LEARNER ?? 'asn@binaasn.example', process.env.BENCH_PASSWORD ?? 'Pelatihan#Demo2026');
    const bare = `http://127.0.0.1:${baselineServer.port}/`;
    const rows: Measured[] = [];
    const first = await measure('bare Express+EJS page', bare);
    rows.push(await measure('login page (anonymous)', `${base}/login`));
    rows.push(await measure('learner home (signed in)', `${base}/`, { cookie }));
    rows.push(await measure('healthz (no view)', `${base}/healthz`));
    const second = await measure('bare Express+EJS page (again)', bare);
    const baseline = (first.requestsPerSecond + second.requestsPerSecond) / 2;
    console.log(`\nPages, ${CONNECTIONS} connections × ${DURATION_S} s each; baseline = mean of the two bare runs\n`);
    console.log(table([first, second, ...rows], baseline));
  } finally {
    baselineServer.child.kill('SIGTERM');
    appServer.child.kill('SIGTERM');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
