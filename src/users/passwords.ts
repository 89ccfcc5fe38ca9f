// Passwords: argon2id hashes (@node-rs/argon2, prebuilt binaries) and the strength policy
// (SPBE default: 12+ characters with upper, lower, digit and symbol; not common; not personal).
import fs from 'node:fs';
import path from 'node:path';
import { hash, verify, Algorithm } from '@node-rs/argon2';
import type { PasswordPolicy } from '../config';

// OWASP's argon2id floor (19 MiB, 2 passes) is the default; fast enough for a 2-core server.
const HASH_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export async function hashPassword(password: string): Promise<string> {
  return hash(password, HASH_OPTIONS);
}

export async function verifyPassword(
  passwordHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!passwordHash) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Spends the time of a real verification, so an unknown account answers as slowly as a known one. */
export async function verifyAgainstNothing(password: string): Promise<void> {
  dummyHash ??= hashPassword('binaasn-no-such-account');
  await verifyPassword(await dummyHash, password);
}

let commonPasswords: Set<string> | undefined;
function isCommon(password: string): boolean {
  commonPasswords ??= new Set(
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- a file shipped next to this module
    fs
      .readFileSync(path.join(__dirname, 'common-passwords.txt'), 'utf8')
      .split('\n')
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l && !l.startsWith('#')),
  );
  const lower = password.toLowerCase();
  // "Password2024!" is "password" with the decorations people add to pass a policy.
  const letters = lower.replace(/[^a-z]/g, '');
  return commonPasswords.has(lower) || (letters.length >= 4 && commonPasswords.has(letters));
}

export interface PersonalFacts {
  nip?: string | null;
  name?: string | null;
  email?: string | null;
}

function containsPersonalFact(password: string, facts: PersonalFacts): boolean {
  const lower = password.toLowerCase();
  const digits = password.replace(/\D/g, '');
  if (
    facts.nip &&
    facts.nip.length >= 8 &&
    (digits.includes(facts.nip.slice(0, 8)) || lower.includes(facts.nip))
  )
    return true;
  const emailLocal = facts.email?.split('@')[0]?.toLowerCase();
  if (emailLocal && emailLocal.length >= 4 && lower.includes(emailLocal)) return true;
  const nameParts = (facts.name ?? '')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((p) => p.length >= 4);
  return nameParts.some((part) => lower.includes(part));
}

/** Message keys (`auth.password.*`) for every rule the password breaks; empty when it is acceptable. */
export function checkPasswordPolicy(
  password: string,
  policy: PasswordPolicy,
  personal: PersonalFacts = {},
): string[] {
  const problems: string[] = [];
  if (password.length < policy.minLength) problems.push('auth.password.tooShort');
  if (password.length > 256) problems.push('auth.password.tooLong');
  if (policy.requireClasses) {
    if (!/[a-z]/.test(password)) problems.push('auth.password.needsLower');
    if (!/[A-Z]/.test(password)) problems.push('auth.password.needsUpper');
    if (!/\d/.test(password)) problems.push('auth.password.needsDigit');
    if (!/[^A-Za-z0-9]/.test(password)) problems.push('auth.password.needsSymbol');
  }
  if (isCommon(password)) problems.push('auth.password.common');
  if (containsPersonalFact(password, personal)) problems.push('auth.password.personal');
  return problems;
}
