// Measures the people import at its limit: 5,000 CSV rows checked (preview) and saved (confirm),
// then the same file again (all unchanged). Runs on the embedded engine in memory.
//   npx tsx test/bench/import-5000.bench.ts
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db';
import { Institution } from '../../src/institutions/institution.model';
import { User } from '../../src/users/user.model';
import { toActor } from '../../src/auth/actor';
import { confirmImport, previewImport } from '../../src/users/import/import.service';
import { demoLearners } from '../../src/cli/seed-people';
import { DEMO_OPDS } from '../../src/cli/seed-data';

async function main(): Promise<void> {
  const db = await openDatabase(loadConfig({ NODE_ENV: 'test', DB_NAME: 'bench_import' }));
  try {
    await Institution.insertMany(DEMO_OPDS.map((o) => ({ code: o.code, name: o.name, kind: 'opd' })));
    const admin = await User.create({
      email: 'bench@binaasn.example',
      name: 'Bench Admin',
      employeeType: 'non_asn',
      roles: ['admin'],
    });
    const actor = toActor(admin);
    const people = demoLearners(DEMO_OPDS, 5000, 7);
    const unique = [...new Map(people.map((p) => [p.nip, p])).values()];
    const csv = [
      'NIP,Nama,Email,Jenis,Golongan,Jabatan,Unit Kerja,Kode OPD',
      ...unique.map((p) =>
        [
          p.nip,
          `"${p.name}"`,
          '',
          p.employeeType.toUpperCase(),
          p.golongan,
          p.jabatan,
          p.unitKerja,
          p.opdCode,
        ].join(','),
      ),
    ].join('\n');
    const bytes = Buffer.from(csv);
    for (const round of ['first', 'second']) {
      let started = process.hrtime.bigint();
      const id = await previewImport(actor, { bytes, fileName: 'bench.csv' });
      const previewMs = Number(process.hrtime.bigint() - started) / 1e6;
      started = process.hrtime.bigint();
      const result = await confirmImport(actor, id, new Date());
      const confirmMs = Number(process.hrtime.bigint() - started) / 1e6;
      console.log(
        `${round} import of ${unique.length} rows (${(bytes.length / 1024).toFixed(0)} KiB): preview ${previewMs.toFixed(0)} ms, confirm ${confirmMs.toFixed(0)} ms →`,
        result,
      );
    }
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
