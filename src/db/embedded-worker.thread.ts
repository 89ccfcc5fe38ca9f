// Body of the embedded engine's worker thread (started by embedded-worker.ts): runs
// startEmbeddedMongo with the options it was given, reports the URI, and stops the engine (closing
// its sockets and journal) when asked.
import { parentPort, workerData } from 'node:worker_threads';
import { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from './embedded';

export type ToEngine = { type: 'stop' };
export type FromEngine =
  | { type: 'ready'; uri: string; socketUri?: string }
  | { type: 'stopped' }
  | { type: 'error'; message: string; stack?: string };

const port = parentPort;
if (!port) throw new Error('embedded-worker.thread runs only as a worker thread');
const send = (message: FromEngine) => port.postMessage(message);
const failed = (error: unknown) =>
  send({
    type: 'error',
    message: error instanceof Error ? error.message : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  });

let engine: EmbeddedMongo | undefined;
port.on('message', (message: ToEngine) => {
  if (message.type !== 'stop') return;
  void (async () => {
    try {
      await engine?.stop();
      send({ type: 'stopped' });
    } catch (error) {
      failed(error);
    }
    port.close();
  })();
});

startEmbeddedMongo(workerData as EmbeddedMongoOptions).then(
  (started) => {
    engine = started;
    send({ type: 'ready', uri: started.uri, socketUri: started.socketUri });
  },
  (error: unknown) => {
    failed(error);
    port.close();
  },
);
