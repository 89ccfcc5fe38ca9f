// Imports people from a CSV or XLSX file on the command line, with the same checks and scope as the
// import page (the file is checked as the given account, who must be an admin or HR):
//   npx tsx src/cli/import-users.ts --as admin@binaasn.example pegawai.xlsx           (preview only)
//   npx tsx src/cli/import-users.ts --as admin@binaasn.example pegawai.xlsx --apply   (save valid rows)
// Uses the same database as `npm start` (stop the server first when it runs on the embedded engine).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadServerConfig } from '../config';
import { openDatabase } from '../db';
import { loadSessionPerson } from '../auth';
import { findAccount, peopleImport } from '../users';
import { translatorFor } from '../web/i18n';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { as: { type: 'string' }, apply: { type: 'boolean', default: false } },
  });
  const file = positionals[0];
  if (!values.as || !file)
    throw new Error(
      'Usage: import-users.ts --as <email or NIP of an admin/HR account> <file.csv|file.xlsx> [--apply]',
    );
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the operator names the file to import
  const bytes = fs.readFileSync(file);
  const config = { ...loadServerConfig(), seedDemoData: false };
  const db = await openDatabase(config);
  try {
    const account = await findAccount(values.as);
    const person = account ? await loadSessionPerson(account.id) : undefined;
    if (!person) throw new Error(`No active account ${values.as}.`);
    const actor = person.actor;
    const t = translatorFor('en');
    let id: string;
    try {
      const upload = { bytes, fileName: path.basename(file) };
      id = await peopleImport.previewImport(actor, upload, { requestId: 'cli' });
    } catch (error) {
      if (error instanceof peopleImport.ImportFileRejected)
        throw new Error(t(error.messageKey, { columns: error.detail.join(', ') }));
      throw error;
    }
    const preview = await peopleImport.getPreview(actor, id);
    for (const row of preview.rows.filter((r) => r.action === 'reject')) {
      console.log(`line ${row.line}: rejected: ${row.problems.map((p) => t(p)).join(' ')}`);
    }
    const c = preview.counts;
    console.log(
      `Checked: ${c.create} new, ${c.update} to update, ${c.unchanged} unchanged, ${c.reject} rejected.`,
    );
    if (!values.apply) {
      console.log('Nothing saved; run again with --apply to save the valid rows.');
      return;
    }
    const result = await peopleImport.confirmImport(actor, id, new Date(), { requestId: 'cli' });
    console.log(
      `Saved: ${result.create} created, ${result.update} updated, ${result.unchanged} unchanged, ${result.reject} rejected.`,
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
