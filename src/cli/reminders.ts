// `npm run reminders`: sends the learning reminders once (due in 7 days, overdue, the weekly HR
// digest) against the configured database and prints how many were sent. The server also runs them
// every REMINDER_INTERVAL_MINUTES; running both at once sends each reminder once.
import { ConfigError, loadServerConfig } from '../config';
import { openDatabase } from '../db';
import { configureLearning, runReminders } from '../learning';

async function main(): Promise<void> {
  let config;
  try {
    config = loadServerConfig({ ...process.env, SEED_DEMO_DATA: 'false' });
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  const db = await openDatabase(config);
  try {
    configureLearning(config);
    const report = await runReminders(config, new Date());
    console.log('Learning reminders done:');
    console.log(`  due in 7 days: ${report.dueSoon} sent`);
    console.log(`  overdue: ${report.overdue} sent`);
    console.log(`  HR digests: ${report.digests} queued`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error('Learning reminders failed:', error);
  process.exit(1);
});
