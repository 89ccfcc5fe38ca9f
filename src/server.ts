// Start-up: configuration, database (embedded when MONGODB_URI is unset), demo data on an empty
// database when configured, listen, and a graceful shutdown on SIGTERM/SIGINT.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { createApp } from './app';
import { mfaKeys, sealPlainSecrets } from './mfa';
import { ConfigError, loadServerConfig, type Config } from './config';
import { openDatabase, type Database } from './db';
import { createLogger, type Logger } from './web/logging';
import { hasPeople } from './users';
import { startPurgeSchedule } from './retention';
import { startAttemptSchedule } from './quizzes';
import { createMailWorker, smtpTransport } from './mail';
import { startReminderSchedule } from './learning';
import { syncCourseCatalog } from './courses';

/** Seeds an empty database; true when it did (the demo certificates follow once the server listens). */
async function seedIfEmpty(config: Config, logger: Logger): Promise<boolean> {
  if (!config.seedDemoData) return false;
  if (await hasPeople()) return false;
  // The demo data is loaded lazily, so a production start never touches it.
  const { seedDemoData } = await import('./cli/seed-data');
  const { formatSeedReport } = await import('./cli/seed');
  const report = await seedDemoData({ policy: config.passwordPolicy, mail: { config, now: new Date() } });
  logger.info({ institutions: report.institutions, people: report.people }, 'demo data created');
  console.log(`\n${formatSeedReport(report)}\n`);
  return true;
}

/** The demo certificates, issued in the background once the server answers (a few seconds of work). */
function seedCertificatesSoon(config: Config, logger: Logger): void {
  void import('./cli/seed-certificates')
    .then(({ seedDemoCertificates }) => seedDemoCertificates(config))
    .then((report) => logger.info(report, 'demo certificates issued'))
    .catch((error: unknown) => logger.error({ err: error }, 'demo certificates failed'));
}

/** Sends queued mail over SMTP_URL; without it (development) mails stay in the admin outbox. */
function startMailWorker(config: Config, logger: Logger): void {
  if (!config.mail.smtpUrl) {
    logger.info('SMTP_URL is not set: mails are kept in the outbox (/admin/outbox), not sent');
    return;
  }
  if (!config.mail.runWorker) return;
  createMailWorker({ config, transport: smtpTransport(config.mail.smtpUrl), logger }).start();
}

function closeGracefully(
  server: Server,
  db: Database,
  logger: Logger,
  app: ReturnType<typeof createApp>,
): (signal: string) => void {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let isClosing = false;
  return (signal) => {
    if (isClosing) return;
    isClosing = true;
    app.locals.isShuttingDown = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    const force = setTimeout(() => {
      logger.warn('requests still open after 10 s; closing their connections');
      for (const socket of sockets) socket.destroy();
    }, 10_000);
    force.unref();
    server.close(() => {
      db.close()
        .then(() => {
          logger.info('database closed; bye');
          process.exit(0);
        })
        .catch((error: unknown) => {
          logger.error({ err: error }, 'closing the database failed');
          process.exit(1);
        });
    });
    server.closeIdleConnections();
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadServerConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  if (config.isProduction && !config.secureCookies)
    logger.warn('SECURE_COOKIES=false in production: session cookies travel without the Secure flag');
  const db = await openDatabase(config);
  // Second-factor secrets stored before they were encrypted are sealed now (a no-op once done).
  const legacy = await sealPlainSecrets(mfaKeys(config.mfaEncryptionKey));
  if (legacy.sealed > 0 || legacy.unusable > 0)
    logger.warn(
      legacy,
      'second factor: plain TOTP secrets sealed at start-up (unusable ones are refused at sign-in)',
    );
  const seeded = await seedIfEmpty(config, logger);
  await syncCourseCatalog(); // the catalog's entries, for a database written before they existed (cheap)
  const app = createApp({ config, db, logger });
  if (seeded) seedCertificatesSoon(config, logger);
  const server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = config.baseUrl.endsWith(`:${config.port}`)
      ? config.baseUrl.replace(/:\d+$/, `:${port}`)
      : config.baseUrl;
    logger.info(
      {
        url,
        database: db.isEmbedded ? `embedded (${config.embeddedDataDir ?? 'in memory'})` : 'MONGODB_URI',
      },
      'BinaASN is listening',
    );
    console.log(`BinaASN is ready at ${url}`);
  });
  startPurgeSchedule({ config, db, logger }); // retention: hourly purge of what is past its period (timers do not keep the process alive)
  startMailWorker(config, logger);
  startReminderSchedule({ config, logger }); // learning reminders: due in 7 days, overdue, the HR digest (each once)
  startAttemptSchedule({ logger }); // quizzes: attempts past their deadline and grace are closed and graded
  const shutdown = closeGracefully(server, db, logger, app);
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('BinaASN failed to start:', error);
  process.exit(1);
});
