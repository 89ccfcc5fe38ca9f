// The data directory: private to its owner (0700, files 0600), secrets generated once and kept in
// it, and a lock that the operating system releases when the process holding it dies.
//
// The lock is a listening local socket whose address is derived from the directory's real path: an
// abstract Unix socket on Linux, a named pipe on Windows, a socket file in the directory elsewhere.
// A second engine's bind fails with EADDRINUSE; when the holder dies, even by kill -9, the kernel
// frees the address, so a restart right after a crash succeeds and no PID can be mistaken for the
// holder. (A lock file with a PID in it cannot tell a dead holder from a reused PID.)
/* eslint-disable security/detect-non-literal-fs-filename -- every path is inside the data directory the operator configured */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const LOCK_SOCKET_FILE = 'engine.lock.sock';

/** Creates the directory if needed and makes it owner-only (existing ones too: older versions made them 0755). */
export function preparePrivateDirectory(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') fs.chmodSync(dir, 0o700);
}

/** Makes an existing file owner-only (older versions wrote 0644). */
export function makeFilePrivate(file: string): void {
  if (process.platform !== 'win32' && fs.existsSync(file)) fs.chmodSync(file, 0o600);
}

/**
 * Reads a JSON file of secrets kept in a private directory, creating it (0600) with `create()` the
 * first time. Two processes racing to create it both end up with the one that was written first.
 */
export function readOrCreateSecrets<T>(
  file: string,
  create: () => T,
  isValid: (value: unknown) => boolean,
): T {
  preparePrivateDirectory(path.dirname(file));
  try {
    fs.writeFileSync(file, JSON.stringify(create(), null, 2) + '\n', { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  makeFilePrivate(file);
  const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!isValid(value))
    throw new Error(`${file} is not what this version expects; remove it to generate a new one`);
  return value as T;
}

export interface DataDirectoryLock {
  release(): Promise<void>;
}

function lockAddress(dir: string): { address: string; isFile: boolean } {
  const id = crypto.createHash('sha256').update(fs.realpathSync(dir)).digest('hex').slice(0, 40);
  if (process.platform === 'linux') return { address: `\0binaasn-embedded-${id}`, isFile: false };
  if (process.platform === 'win32') return { address: `\\\\.\\pipe\\binaasn-embedded-${id}`, isFile: false };
  return { address: path.join(dir, LOCK_SOCKET_FILE), isFile: true };
}

function listen(server: net.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Asks the holder of the lock who it is; undefined when no one answers (a socket file left by a crash). */
function askHolder(address: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    let said = '';
    const socket = net.connect(address);
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => (said += chunk.toString()));
    socket.on('end', () => resolve(said || 'another process'));
    socket.on('error', () => resolve(undefined));
    socket.on('close', () => resolve(said || undefined));
  });
}

/** Takes the data directory for this process; refuses while another engine (here or elsewhere) holds it. */
export async function lockDataDirectory(dir: string): Promise<DataDirectoryLock> {
  const { address, isFile } = lockAddress(dir);
  // Whoever connects learns who holds the directory, then the connection ends.
  const server = net.createServer((socket) => socket.end(`process ${process.pid}`));
  for (let attempt = 0; ; attempt++) {
    try {
      await listen(server, address);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      const holder = await askHolder(address);
      if (holder !== undefined || !isFile || attempt > 0)
        throw new Error(`data directory ${dir} is in use by ${holder ?? 'another process'}`);
      fs.rmSync(address, { force: true }); // a socket file nobody listens on: its engine died
    }
  }
  server.unref(); // the lock never keeps the process alive by itself
  return {
    release: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
