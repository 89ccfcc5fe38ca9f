// Helpers shared by the page benchmark (run.ts) and the profiler (profile.ts): start a server
// script in a child process, sign in through the real login form, run autocannon.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';

export const root = path.resolve(__dirname, '../..');

export interface Started {
  child: ChildProcess;
  port: number;
  /** Sends SIGTERM and resolves once the child has exited (so a CPU profile is written). */
  stop(): Promise<void>;
}

export function startServer(script: string, nodeArgs: string[] = []): Promise<Started> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, '0'], {
    cwd: root,
    env: { ...process.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /READY (\d+)/.exec(buffer);
      if (match) resolve({ child, port: Number(match[1]), stop });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

export interface Measured {
  name: string;
  requestsPerSecond: number;
  bytesPerResponse: number;
  /** Size of the page's body as a browser would get it uncompressed (one plain request). */
  htmlBytes: number;
  latencyP50: number;
  latencyP99: number;
  non2xx: number;
}

export async function measure(
  name: string,
  url: string,
  options: { headers?: Record<string, string>; connections: number; seconds: number },
): Promise<Measured> {
  const probe = await fetch(url, { headers: options.headers, redirect: 'manual' });
  const body = await probe.arrayBuffer();
  if (probe.status !== 200) throw new Error(`${name}: ${url} answered ${probe.status}, not 200`);
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
  });
  return {
    name,
    requestsPerSecond: result.requests.average,
    bytesPerResponse: result.requests.total ? result.throughput.total / result.requests.total : 0,
    htmlBytes: body.byteLength,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    non2xx: result.non2xx,
  };
}

/** Signs in through the real login form (and confirms the privacy notice); returns the session cookie. */
export async function signIn(base: string, identifier: string, password: string): Promise<string> {
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
  if (response.status !== 302 || sessionCookies.length === 0)
    throw new Error(`sign-in failed: ${response.status}`);
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

export const DEMO_LEARNER = { identifier: 'asn@binaasn.example', password: 'Pelatihan#Demo2026' };
export const DEMO_HR = { identifier: 'hr.bkpsdm@binaasn.example', password: 'Pegawai#Demo2026' };

/**
 * A form post measured like a page: a fixed CSRF token and body, answered with a redirect (303),
 * or with `status` (an autosave's 200 JSON).
 */
export async function measurePost(
  name: string,
  url: string,
  options: {
    headers: Record<string, string>;
    body: string;
    connections: number;
    seconds: number;
    status?: number;
  },
): Promise<Measured> {
  const headers = { ...options.headers, 'content-type': 'application/x-www-form-urlencoded' };
  const expected = options.status ?? 303;
  const probe = await fetch(url, { method: 'POST', headers, body: options.body, redirect: 'manual' });
  if (probe.status !== expected) throw new Error(`${name}: ${url} answered ${probe.status}, not ${expected}`);
  const result = await autocannon({
    url,
    method: 'POST',
    body: options.body,
    connections: options.connections,
    duration: options.seconds,
    headers,
  });
  return {
    name,
    requestsPerSecond: result.requests.average,
    bytesPerResponse: result.requests.total ? result.throughput.total / result.requests.total : 0,
    htmlBytes: (await probe.arrayBuffer()).byteLength,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    // A redirect is this form's answer: only 4xx/5xx count as failures.
    non2xx: result['4xx'] + result['5xx'],
  };
}

/** The demo learner's assigned course and a lesson of it (found through the pages, as a person would). */
export async function learnerPages(base: string, cookie: string) {
  const mine = await (await fetch(`${base}/pembelajaran`, { headers: { cookie } })).text();
  const course = /href="(\/kursus\/[0-9a-f]{24})"/.exec(mine)?.[1];
  if (!course) throw new Error('the demo learner has no course in /pembelajaran');
  const page = await (await fetch(`${base}${course}`, { headers: { cookie } })).text();
  const lesson = /href="(\/kursus\/[0-9a-f]{24}\/pelajaran\/[0-9a-f]{24})"/.exec(page)?.[1];
  if (!lesson) throw new Error('no lesson link on the course page');
  const lessonHtml = await (await fetch(`${base}${lesson}`, { headers: { cookie } })).text();
  const csrf = /name="_csrf"\s+value="([^"]+)"/.exec(lessonHtml)?.[1] ?? '';
  return { course, lesson, csrf };
}

/**
 * An attempt in progress of one of the demo learner's quizzes, found through the pages as a person
 * would (a course of /pembelajaran, its quiz lessons, "Mulai"), with an autosave body for it: the
 * attempt page and the autosave of #18.
 */
export async function quizPages(base: string, cookie: string) {
  const get = (path: string) => fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
  const mine = await (await get('/pembelajaran')).text();
  const courses = [...new Set([...mine.matchAll(/href="(\/kursus\/[0-9a-f]{24})"/g)].map((m) => m[1]))];
  for (const course of courses) {
    const page = await (await get(course)).text();
    const lessons = [...page.matchAll(/href="(\/kursus\/[0-9a-f]{24}\/pelajaran\/[0-9a-f]{24})"/g)];
    for (const [, lesson] of lessons) {
      const response = await get(lesson);
      const quiz = /href="(\/kuis\/[0-9a-f]{24}\/[0-9a-f]{24})"/.exec(await response.text())?.[1];
      if (!quiz) continue;
      const start = await get(quiz);
      const csrf = /name="_csrf"\s+value="([^"]+)"/.exec(await start.text())?.[1] ?? '';
      const begun = await fetch(`${base}${quiz}/mulai`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf }),
      });
      if (begun.status !== 303) continue;
      const attempt = new URL(begun.headers.get('location')!, base).pathname;
      const shown = await get(attempt);
      if (shown.status !== 200) continue;
      const html = await shown.text();
      const answer = /name="q(\d+)" value="([^"]+)"/.exec(html);
      const slot = answer?.[1] ?? /name="slots" value="(\d+)/.exec(html)?.[1] ?? '1';
      const body = new URLSearchParams({ _csrf: csrf, slots: slot, [`q${slot}`]: answer?.[2] ?? '12' });
      return { attempt, autosave: `${attempt}/simpan`, autosaveBody: body.toString(), csrf };
    }
  }
  throw new Error('the demo learner has no quiz to attempt');
}

/**
 * Waits until the monitoring mirrors (src/db/watched-mirror.ts) have loaded, as on a server that has
 * run a while: until then the pages read the database. Versions without mirrors answer at once.
 */
export async function mirrorsLoaded(base: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const ready = (await (await fetch(`${base}/readyz`)).json()) as { caches?: Record<string, string> };
    const mirrors = Object.entries(ready.caches ?? {}).filter(([name]) => name.startsWith('mirror:'));
    if (mirrors.every(([, state]) => state === 'live')) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the monitoring mirrors did not load within 2 minutes');
}
