// `npm start` as a newcomer runs it: the server answers within 15 s with the demo data, and stops
// cleanly on SIGTERM. Runs src/server.ts in a child process (in memory, any free port).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
jest.setTimeout(90_000);

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
    const started = Date.now();
    const server = startServer({ EMBEDDED_DATA_DIR: ':memory:', SEED_DEMO_DATA: 'true' });
    const url = await server.ready;
    const health = await fetch(`${url}/readyz`);
    const elapsed = Date.now() - started;
    expect(health.status).toBe(200);
    expect(elapsed).toBeLessThan(15_000);
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
