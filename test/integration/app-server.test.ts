// `npm start` as a newcomer runs it: the server answers within 15 s with the demo data, and stops
// cleanly on SIGTERM. Runs src/server.ts in a child process (in memory, any free port). The 15 s are
// the CPU time the server spends until it answers (its own and its engine thread's, from /proc):
// on a machine shared with other test files, wall time measures the neighbours, not the start.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
jest.setTimeout(90_000);

/** CPU seconds (user + system) a Linux process has used so far, all its threads. */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, utime 14 and stime 15 (clock ticks of 1/100 s).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function startServer(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  ready: Promise<string>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', PORT: '0', LOG_LEVEL: 'info', MONGODB_URI: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /BinaASN is ready at (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { child, output: () => out, ready };
}

describe('starting the server', () => {
  it('answers within 15 s on an empty database, with the demo accounts printed, and stops on SIGTERM', async () => {
    const server = startServer({ EMBEDDED_DATA_DIR: ':memory:', SEED_DEMO_DATA: 'true' });
    const url = await server.ready;
    const health = await fetch(`${url}/readyz`);
    const cpuSeconds = cpuSecondsOf(server.child.pid!);
    expect(health.status).toBe(200);
    expect(cpuSeconds).toBeGreaterThan(0);
    expect(cpuSeconds).toBeLessThan(15);
    expect(server.output()).toMatch(/Demo accounts/);
    expect(server.output()).toMatch(/admin@binaasn\.example/);
    const login = await fetch(`${url}/login`);
    expect(await login.text()).toContain('Masuk ke BinaASN');

    const exited = new Promise<number | null>((resolve) => server.child.on('exit', resolve));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(server.output()).toContain('database closed; bye');
  });

  it('refuses to start in production without MONGODB_URI, saying why', async () => {
    const server = startServer({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) });
    await expect(server.ready).rejects.toThrow(/MONGODB_URI: required in production/);
  });
});
