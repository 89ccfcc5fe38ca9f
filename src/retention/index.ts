// Public surface of retention: the purge job and its schedule.
export { purge, type PurgeReport } from './retention.service';
export { startPurgeSchedule } from './schedule';
