// Creates an admin account, or resets the password of an existing account and makes it an admin:
//   npx tsx src/cli/create-admin.ts --email admin@pemkomedan.go.id --name "Nama Admin" [--nip 18digits] [--password '...']
// Without --password a strong one is generated, printed once, and must be changed at first sign-in.
// Uses the same database as `npm start` (MONGODB_URI, or the embedded engine's ./data; stop the
// server first when it runs on the embedded engine, which holds ./data).
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadServerConfig } from '../config';
import { openDatabase } from '../db';
import { checkPasswordPolicy, hashPassword } from '../auth/password';
import { audit } from '../audit';
import { User } from '../users/user.model';
import { isValidNip, normaliseNip } from '../users/nip';

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
  const problems = checkPasswordPolicy(password, config.passwordPolicy, { nip, name: values.name, email });
  if (problems.length > 0) throw new Error(`The password breaks the policy: ${problems.join(', ')}`);

  const db = await openDatabase(config);
  try {
    const existing = await User.findOne(email ? { email } : { nip });
    const passwordHash = await hashPassword(password);
    const mustChangePassword = values.password === undefined;
    if (existing) {
      const before = { roles: [...existing.roles], status: existing.status };
      existing.roles = Array.from(new Set([...existing.roles, 'admin' as const]));
      existing.status = 'active';
      existing.passwordHash = passwordHash;
      existing.mustChangePassword = mustChangePassword;
      existing.sessionEpoch = (existing.sessionEpoch ?? 0) + 1;
      existing.lockedUntil = undefined;
      existing.failedLogins = 0;
      await existing.save();
      await audit.record(null, {
        action: 'user.admin.reset',
        targetType: 'User',
        targetId: existing._id,
        targetLabel: existing.name,
        before,
        after: { roles: existing.roles, status: existing.status },
      });
      console.log(`Updated ${existing.email ?? existing.nip}: admin role, new password.`);
    } else {
      if (!values.name) throw new Error('A new account needs --name.');
      const user = await User.create({
        email,
        nip,
        name: values.name,
        employeeType: 'non_asn',
        roles: ['admin'],
        passwordHash,
        mustChangePassword,
      });
      await audit.record(null, {
        action: 'user.admin.create',
        targetType: 'User',
        targetId: user._id,
        targetLabel: user.name,
        after: { roles: user.roles },
      });
      console.log(`Created admin ${email ?? nip}.`);
    }
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
