// `npm run purge`: runs the retention purge once against the configured database and prints what
// it deleted. The server also runs it every hour (RETENTION_PURGE_INTERVAL_MINUTES).
import { ConfigError, loadServerConfig } from '../config';
import { openDatabase } from '../db';
import { purge } from '../retention';

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
    const report = await purge({ config, db, now: new Date() });
    console.log('Retention purge done:');
    for (const [kind, count] of Object.entries(report)) console.log(`  ${kind}: ${count} deleted`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error('Retention purge failed:', error);
  process.exit(1);
});
