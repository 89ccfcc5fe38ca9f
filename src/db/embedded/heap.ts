// V8 heap settings for a process or thread that holds the engine. The engine's live data grows
// steadily (documents, index blocks) while every command allocates short-lived objects, and V8's
// defaults size the heap for throughput: the young generation grows to 2 x 16 MiB as soon as
// objects survive, and the old generation is allowed to grow to up to four times its live size
// before the next full collection. Right after a bulk insert of 200,000 documents that left the
// engine's RSS at about six times the data, most of it committed heap holding nothing live.
import v8 from 'node:v8';

/**
 * Young generation of an engine in a worker thread (MiB, V8's `maxYoungGenerationSizeMb`: three
 * semi-spaces' worth): 1 MiB semi-spaces, the size V8 starts with.
 */
export const ENGINE_YOUNG_GENERATION_MB = 3;

/**
 * For a process of the engine's own (`npm run db`): the young generation stays at its initial
 * size and the old generation grows to at most twice its live size between full collections.
 * V8 flags are per process, so this is never applied where the app shares the process.
 */
export function tuneHeapForEngineProcess(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  v8.setFlagsFromString('--heap-growing-percent=100');
}
