// Runs the purge job from the server: once shortly after start, then every
// `retention.purgeIntervalMinutes`. Several app instances may each run it; deletes are idempotent.
import type { Config } from '../config';
import type { Database } from '../db';
import type { Logger } from '../web/logging';
import { purge } from './retention.service';

export interface ScheduleDeps {
  config: Pick<Config, 'retention' | 'uploadsDir'>;
  db: Pick<Database, 'connection'>;
  logger: Pick<Logger, 'info' | 'error'>;
  clock?: () => Date;
  /** Delay of the first run after start (default 30 s, so start-up stays quick). */
  firstRunMs?: number;
}

/** Starts the schedule; returns a function that stops it. An interval of 0 schedules nothing. */
export function startPurgeSchedule({
  config,
  db,
  logger,
  clock = () => new Date(),
  firstRunMs = 30_000,
}: ScheduleDeps): () => void {
  const intervalMs = config.retention.purgeIntervalMinutes * 60_000;
  if (intervalMs <= 0) return () => undefined;
  let isRunning = false;
  const run = async () => {
    if (isRunning) return; // a slow run is never overlapped by the next one
    isRunning = true;
    try {
      const report = await purge({ config, db, now: clock() });
      logger.info({ purge: report }, 'retention purge done');
    } catch (error) {
      logger.error({ err: error }, 'retention purge failed');
    } finally {
      isRunning = false;
    }
  };
  const first = setTimeout(() => void run(), firstRunMs);
  const every = setInterval(() => void run(), intervalMs);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
