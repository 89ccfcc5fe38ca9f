// The app as `npm run bench` measures it: embedded engine in memory, demo data, compiled-template
// cache on, warnings-only logging (request logs would measure the pipe, not the app).
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db';
import { seedDemoData } from '../../src/cli/seed-data';

async function main(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', SESSION_SECRET: 'bench-session-secret-0123456789-abcdefghij' });
  const db = await openDatabase(config);
  await seedDemoData({ policy: config.passwordPolicy });
  const app = createApp({ config, db });
  const server = app.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
    process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
  });
  process.on('SIGTERM', () => {
    server.close();
    void db.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
