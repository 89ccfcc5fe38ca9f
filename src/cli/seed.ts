// `npm run seed`: puts the demo data into the database `npm start` uses (MONGODB_URI, or the
// embedded engine's ./data) and prints the demo accounts. Running it again changes nothing.
import { loadServerConfig } from '../config';
import { openDatabase } from '../db';
import { seedDemoData, type SeedReport } from './seed-data';
import { connectFeatures } from '../routes';

export function formatSeedReport(report: SeedReport): string {
  const lines = [
    `Institutions: ${report.institutions.created} created, ${report.institutions.existing} already present`,
    `People: ${report.people.created} created, ${report.people.existing} already present`,
    `Courses: ${report.courses.created.length} imported and published (${report.courses.created.join(', ') || 'none'}), ${report.courses.existing.length} already present`,
    ...(report.certificates.issued
      ? [
          `Completions: ${report.certificates.issued} demo courses completed over the past year, each with its JP and certificate`,
        ]
      : []),
    `Service units: ${report.survey.units} created with ${report.survey.responses} survey answers (IKM)`,
    `Course evaluations: ${report.evaluations.answered} answered of ${report.evaluations.invited} invitations; ${report.evaluations.holidays} fixed-date holidays added`,
    `Quizzes: question banks and quizzes for ${report.quizzes.join(', ') || 'no course (already present)'}`,
    ...(report.attempts.length
      ? [`Quiz attempts: 24 learners took the quizzes of ${report.attempts.join(', ')}`]
      : []),
    ...(report.newcomers.invited
      ? [
          `Invitations: ${report.newcomers.invited} newcomers invited (admins read them at /admin/outbox without SMTP_URL)`,
        ]
      : []),
    ...(report.enrolments ? [`Learning: ${report.enrolments} enrolments with progress, JP and notices`] : []),
    '',
    'Demo accounts (sign in with the email or the NIP):',
  ];
  const width = Math.max(...report.accounts.map((a) => a.role.length));
  const loginWidth = Math.max(...report.accounts.map((a) => a.login.length));
  const passwordWidth = Math.max(...report.accounts.map((a) => a.password.length));
  for (const account of report.accounts) {
    lines.push(
      `  ${account.role.padEnd(width)}  ${account.login.padEnd(loginWidth)}  ${account.password.padEnd(passwordWidth)}  ${account.name}`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const config = loadServerConfig();
  const db = await openDatabase(config);
  connectFeatures(); // the completion hooks: demo completions issue their certificates as live ones do
  try {
    const now = new Date();
    const report = await seedDemoData({
      policy: config.passwordPolicy,
      mail: { config, now },
      certificates: { config, now },
    });
    console.log(formatSeedReport(report));
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
