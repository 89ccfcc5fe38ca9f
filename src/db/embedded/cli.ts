// `npm run db -- --port N [--data DIR] [--socket PATH] [--no-auth] [--low-memory]`: runs the embedded engine on its own so several
// app processes, mongosh or Compass can share it. Prints the URI, with the credentials the engine
// requires (kept in DIR, or made for this run); stops cleanly on SIGINT/SIGTERM (flushing and
// compacting the journal).
import v8 from 'node:v8';
import { tuneHeapForEngineProcess } from './heap';
import { startEmbeddedMongo } from './server';

interface Args {
  port: number;
  dataDir?: string;
  compactBytes?: number;
  socketPath?: string;
  auth: boolean;
  lowMemory: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): Args {
  let port = 27017;
  let auth = true;
  let lowMemory = false;
  let dataDir: string | undefined;
  let compactBytes: number | undefined;
  let socketPath: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port' || a === '-p') port = Number(argv[++i]);
    else if (a.startsWith('--port=')) port = Number(a.slice(7));
    else if (a === '--data' || a === '--dbpath') dataDir = argv[++i];
    else if (a.startsWith('--data=')) dataDir = a.slice(7);
    else if (a === '--compact-bytes') compactBytes = Number(argv[++i]);
    else if (a === '--socket') socketPath = argv[++i];
    else if (a.startsWith('--socket=')) socketPath = a.slice(9);
    else if (a === '--no-auth') auth = false;
    else if (a === '--low-memory') lowMemory = true;
    else if (a === '--help' || a === '-h') help = true;
    else throw new Error(`unknown argument: ${a}`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error('--port must be an integer between 0 and 65535');
  return { port, dataDir, compactBytes, socketPath, auth, lowMemory, help };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(
      'usage: npm run db -- [--port N] [--data DIR] [--socket PATH] [--compact-bytes N] [--no-auth] [--low-memory]\n',
    );
    return;
  }
  // The process is the engine's own: its heap is kept close to its live size (heap.ts).
  tuneHeapForEngineProcess();
  // V8's memory-saving mode on top: fewer bytes still, at the price of many more full collections
  // during large writes (updateMany over 100,000 documents about twice as slow). Off by default.
  if (args.lowMemory) v8.setFlagsFromString('--optimize-for-size');
  const engine = await startEmbeddedMongo({
    port: args.port,
    dataDir: args.dataDir,
    compactBytes: args.compactBytes,
    socketPath: args.socketPath,
    argv: process.argv,
    ...(args.auth ? {} : { auth: false as const }),
  });
  if (!args.auth)
    process.stderr.write(
      'embedded engine: WARNING: running without authentication (--no-auth): any process on this machine can read and change every database\n',
    );
  process.stdout.write(`${engine.uri}\n`);
  if (engine.socketUri) process.stdout.write(`${engine.socketUri}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`embedded engine: ${signal}, stopping\n`);
    engine.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`embedded engine: stop failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`embedded engine: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
