// Closes and grades attempts past their deadline and grace even if nobody comes back to them:
// every `intervalMs` on each app instance (closing is idempotent: an attempt is graded once).
import type { Logger } from 'pino';
import { closeOverdue } from './attempts.service';

export function startAttemptSchedule(deps: {
  logger: Pick<Logger, 'info' | 'error'>;
  clock?: () => Date;
  intervalMs?: number;
}): () => void {
  const { logger, clock = () => new Date(), intervalMs = 30_000 } = deps;
  let isRunning = false;
  const timer = setInterval(() => {
    if (isRunning) return;
    isRunning = true;
    closeOverdue(clock())
      .then((n) => n && logger.info({ closed: n }, 'overdue quiz attempts closed'))
      .catch((error: unknown) => logger.error({ err: error }, 'closing overdue quiz attempts failed'))
      .finally(() => (isRunning = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
