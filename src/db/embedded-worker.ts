// The embedded engine in a worker thread of its own: same API as startEmbeddedMongo (a URI and
// stop()), but the engine's query work no longer shares the app's event loop, so on a machine with
// two cores the app and its database each get one. The engine in the worker is the unchanged
// src/db/embedded (loaded through tsx's require hook, as the rest of the app under `npm start`);
// its journal, fsync and data-directory lock work exactly as in-process.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EmbeddedMongoOptions } from './embedded';
import { ENGINE_YOUNG_GENERATION_MB } from './embedded/heap';
import type { FromEngine, ToEngine } from './embedded-worker.thread';

export interface WorkerEngine {
  uri: string;
  socketUri?: string;
  /** Stops the engine (its journal is closed) and then the thread. */
  stop(): Promise<void>;
}

// The thread file next to this one: .ts under tsx or jest, .js once compiled.
const THREAD_FILE = path.join(__dirname, `embedded-worker.thread${path.extname(__filename) || '.js'}`);
// The worker starts without the parent's loader flags; tsx's CommonJS hook compiles the TypeScript.
const BOOTSTRAP = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(THREAD_FILE)});`;

function engineError(message: Extract<FromEngine, { type: 'error' }>): Error {
  const error = new Error(message.message);
  if (message.stack) error.stack = message.stack;
  return error;
}

export function startEmbeddedMongoInWorker(
  options: Pick<EmbeddedMongoOptions, 'dataDir' | 'ttlIntervalMs' | 'compactBytes' | 'socketPath'> = {},
): Promise<WorkerEngine> {
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    execArgv: [],
    workerData: options,
    name: 'embedded-mongo',
    // The engine's isolate keeps a small young generation (its bulk writes otherwise grow it to
    // 32 MiB of mostly empty heap); the app's isolate is left as it is.
    resourceLimits: { maxYoungGenerationSizeMb: ENGINE_YOUNG_GENERATION_MB },
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromEngine) => {
        if (message.type === 'stopped') resolve();
        if (message.type === 'error') reject(engineError(message));
      });
      void exited.then(() => resolve()); // an engine that already ended has nothing to flush
      worker.postMessage({ type: 'stop' } satisfies ToEngine);
    }).finally(() => exited));

  return new Promise<WorkerEngine>((resolve, rejectStart) => {
    const reject = (error: Error) => {
      rejectStart(error);
      void worker.terminate();
    };
    const onMessage = (message: FromEngine) => {
      if (message.type === 'ready') {
        worker.off('message', onMessage);
        resolve({ uri: message.uri, socketUri: message.socketUri, stop });
      } else if (message.type === 'error') {
        reject(engineError(message));
      }
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`embedded engine thread exited (code ${code}) before it was ready`)),
    );
  });
}
