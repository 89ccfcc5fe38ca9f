// Creates an admin account, or resets the password of an existing account and makes it an admin:
//   npx tsx src/cli/create-admin.ts --email admin@pemkomedan.go.id --name "Nama Admin" [--nip 18digits] [--password '...']
// Without --password a strong one is generated, printed once, and must be changed at first sign-in.
// Uses the same database as `npm start` (MONGODB_URI, or the embedded engine's ./data; stop the
// server first when it runs on the embedded engine, which holds ./data).
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadServerConfig } from '../config';
import { openDatabase } from '../db';
import { grantAdmin, isValidNip, normaliseNip, passwords } from '../users';

function generatePassword(): string {
  // 18 random characters plus one of each class: well above the policy, easy to type once.
  const body = crypto.randomBytes(14).toString('base64url');
  return `${body}#A7z`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      nip: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
    },
  });
  const email = values.email?.trim().toLowerCase();
  const nip = values.nip ? normaliseNip(values.nip) : undefined;
  if (!email && !nip) throw new Error('Give --email and/or --nip of the admin account.');
  if (nip && !isValidNip(nip))
    throw new Error('--nip is not a valid NIP (18 digits: birth date, TMT, sex digit 1/2, sequence).');
  const config = { ...loadServerConfig(), seedDemoData: false };
  const password = values.password ?? generatePassword();
  const problems = passwords.checkPasswordPolicy(password, config.passwordPolicy, {
    nip,
    name: values.name,
    email,
  });
  if (problems.length > 0) throw new Error(`The password breaks the policy: ${problems.join(', ')}`);

  const db = await openDatabase(config);
  try {
    const mustChangePassword = values.password === undefined;
    const passwordHash = await passwords.hashPassword(password);
    const outcome = await grantAdmin({ email, nip, name: values.name, passwordHash, mustChangePassword });
    console.log(
      outcome.created
        ? `Created admin ${outcome.login}.`
        : `Updated ${outcome.login}: admin role, new password.`,
    );
    if (mustChangePassword)
      console.log(`Temporary password (shown once; must be changed at first sign-in): ${password}`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
