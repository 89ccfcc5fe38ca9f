// The app as `npm run bench:survey` loads it: embedded engine in its worker thread, one OPD and one
// service unit (code `benchunit`), and the survey's limits raised out of the way (every post of the
// benchmark comes from one address and goes to one unit; the limits themselves are tested in
// test/integration/evaluation.test.ts). On SIGUSR2 it prints how many answers the database holds.
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db';
import { Institution } from '../../src/institutions/institution.model';
import { ServiceUnit } from '../../src/evaluation/service-unit.model';
import { SurveyResponse } from '../../src/evaluation/survey-response.model';
import { defaultElements } from '../../src/evaluation/survey-template';

async function main(): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    SESSION_SECRET: 'bench-session-secret-0123456789-abcdefghij',
    EMBEDDED_THREAD: process.env.EMBEDDED_THREAD ?? 'worker',
    SURVEY_IP_MAX_PER_HOUR: '10000000',
    SURVEY_UNIT_MAX_PER_HOUR: '10000000',
  });
  const db = await openDatabase(config);
  const opd = await Institution.create({
    code: 'DISDUKCAPIL',
    name: 'Dinas Kependudukan dan Pencatatan Sipil',
    kind: 'opd',
  });
  await ServiceUnit.create({
    opd: opd._id,
    name: 'Loket KTP-el',
    code: 'benchunit',
    monthlyVolume: 3000,
    elements: defaultElements(),
  });
  const app = createApp({ config, db });
  const server = app.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
    process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
  });
  process.on('SIGUSR2', () => {
    void SurveyResponse.countDocuments().then((n) => process.stdout.write(`COUNT ${n}\n`));
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
