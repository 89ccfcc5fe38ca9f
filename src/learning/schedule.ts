// Runs the learning reminders from the server: shortly after start, then every
// REMINDER_INTERVAL_MINUTES. Several app instances may each run it: every reminder is claimed once.
import type { Config } from '../config';
import type { Logger } from '../web/logging';
import { configureLearning } from './learning.context';
import { runReminders } from './reminders.service';

export interface ReminderScheduleDeps {
  config: Pick<Config, 'baseUrl' | 'mail' | 'reminderIntervalMinutes'>;
  logger: Pick<Logger, 'info' | 'error'>;
  clock?: () => Date;
  firstRunMs?: number;
}

/** Starts the schedule; returns a function that stops it. An interval of 0 schedules nothing. */
export function startReminderSchedule({
  config,
  logger,
  clock = () => new Date(),
  firstRunMs = 45_000,
}: ReminderScheduleDeps): () => void {
  const intervalMs = config.reminderIntervalMinutes * 60_000;
  if (intervalMs <= 0) return () => undefined;
  configureLearning(config);
  let isRunning = false;
  const run = async () => {
    if (isRunning) return;
    isRunning = true;
    try {
      logger.info({ reminders: await runReminders(config, clock()) }, 'learning reminders done');
    } catch (error) {
      logger.error({ err: error }, 'learning reminders failed');
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
