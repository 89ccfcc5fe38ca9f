// `npm run seed`: puts the demo data into the database `npm start` uses (MONGODB_URI, or the
// embedded engine's ./data) and prints the demo accounts. Running it again changes nothing.
import { loadServerConfig } from '../config';
import { openDatabase } from '../db';
import { seedDemoData, type SeedReport } from './seed-data';

export function formatSeedReport(report: SeedReport): string {
  const lines = [
    `Institutions: ${report.institutions.created} created, ${report.institutions.existing} already present`,
    `People: ${report.people.created} created, ${report.people.existing} already present`,
    `Courses: ${report.courses.created.length} imported and published (${report.courses.created.join(', ') || 'none'}), ${report.courses.existing.length} already present`,
    ...(report.certificates.issued
      ? [`Certificates: ${report.certificates.issued} issued for the demo completions`]
      : []),
    `Service units: ${report.survey.units} created with ${report.survey.responses} survey answers (IKM)`,
    `Quizzes: question banks, quizzes and learners' attempts for ${report.quizzes.join(', ') || 'no course (already present)'}`,
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
  try {
    const now = new Date();
    const report = await seedDemoData({
      policy: config.passwordPolicy,
      mail: { config, now },
      certificates: { config },
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
