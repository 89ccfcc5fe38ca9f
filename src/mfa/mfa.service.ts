// Second factor: TOTP (RFC 6238, any authenticator app) with one-time recovery codes. Required of
// admin, curator and HR accounts when MFA_REQUIRED is on; available to everyone otherwise.
// At rest the TOTP secret is sealed (AES-256-GCM) and recovery codes are peppered HMACs
// (src/mfa/mfa-crypto.ts); neither is ever logged, and the secret is shown only during enrolment.
import crypto from 'node:crypto';
import QRCode from 'qrcode';
import type { Actor } from '../core/actor';
import type { Role } from '../core/roles';
import { throttle } from '../auth';
import { credentials, passwords } from '../users';
import {
  hashRecoveryCode,
  isSealed,
  matchRecoveryCode,
  openSecret,
  sealSecret,
  type MfaKeys,
} from './mfa-crypto';
import { generateTotpSecret, isTotpSecret, matchTotp, totpUri } from './totp';

const MFA_ROLES: Role[] = ['admin', 'curator', 'hr'];
const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'BinaASN';

export function needsMfa(actor: Actor): boolean {
  return actor.roles.some((r) => MFA_ROLES.includes(r));
}

function newRecoveryCode(): string {
  const raw = crypto.randomBytes(8).toString('hex'); // 64 bits
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}-${raw.slice(12)}`;
}

export interface MfaStatus {
  isEnabled: boolean;
  recoveryCodesLeft: number;
}

export async function mfaStatus(actor: Actor): Promise<MfaStatus> {
  const stored = await credentials.mfaOf(actor.id);
  return { isEnabled: !!stored?.isEnabled, recoveryCodesLeft: stored?.recoveryCodeHashes.length ?? 0 };
}

export interface Enrolment {
  /** The secret in base32, shown as text beside the QR code (for apps that cannot scan). */
  secret: string;
  /** The same secret sealed for this person's session, where it waits until confirmed. */
  sealedPending: string;
  qrDataUrl: string;
}

/**
 * The enrolment in progress as a QR code and as text: the pending secret kept (sealed) in the
 * person's session, or a new one. Writes nothing, because the enrolment page is a GET (SECURITY.md).
 */
export async function enrolmentFor(keys: MfaKeys, actor: Actor, sealedPending?: string): Promise<Enrolment> {
  const user = await credentials.mfaOf(actor.id);
  const kept = sealedPending ? openSecret(keys, actor.id, 'pending', sealedPending) : undefined;
  const secret = kept && isTotpSecret(kept) ? kept : generateTotpSecret();
  const uri = totpUri(ISSUER, user?.email ?? user?.nip ?? actor.name, secret);
  // SVG rather than PNG: a fifth of the CPU per page (no deflate), and an <img> never runs SVG scripts.
  const svg = await QRCode.toString(uri, { type: 'svg', margin: 1, width: 220 });
  return {
    secret,
    sealedPending: secret === kept ? sealedPending! : sealSecret(keys, actor.id, 'pending', secret),
    qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
  };
}

/**
 * Confirms enrolment with a first code; returns the recovery codes, shown once and stored only as
 * peppered hashes. Refused (undefined) when the code is wrong or the person already has a second
 * factor (a second tab cannot silently replace it).
 */
export async function confirmEnrolment(
  keys: MfaKeys,
  actor: Actor,
  sealedPending: string | undefined,
  code: string,
  now: Date,
): Promise<string[] | undefined> {
  const secret = sealedPending ? openSecret(keys, actor.id, 'pending', sealedPending) : undefined;
  if (!secret || !isTotpSecret(secret)) return undefined;
  const step = matchTotp(secret, code.trim(), now);
  if (step === undefined) return undefined;
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const sealed = sealSecret(keys, actor.id, 'enrolled', secret);
  const hashes = codes.map((c) => hashRecoveryCode(keys, c));
  return (await credentials.enableMfa(actor.id, sealed, step, hashes)) ? codes : undefined;
}

export type SecondFactorResult =
  { ok: true; method: 'totp' | 'recovery' } | { ok: false; reason: 'wrong' | 'unreadable' };

/**
 * The enrolled secret of a stored value. A legacy plain base32 secret (stored before secrets were
 * sealed) is sealed in place on first use; a value that neither opens nor is a secret is unreadable
 * (another key, another person's, or damaged): the caller refuses the code and says so in the log.
 */
async function enrolledSecret(keys: MfaKeys, userId: string, stored: string): Promise<string | undefined> {
  if (isSealed(stored)) {
    const secret = openSecret(keys, userId, 'enrolled', stored);
    return secret && isTotpSecret(secret) ? secret : undefined;
  }
  if (!isTotpSecret(stored)) return undefined;
  await credentials.replaceMfaSecret(userId, stored, sealSecret(keys, userId, 'enrolled', stored));
  return stored;
}

/** Verifies a sign-in's second factor: a TOTP code, or a recovery code (which is then used up). */
async function verifySecondFactor(
  keys: MfaKeys,
  userId: string,
  code: string,
  now: Date,
): Promise<SecondFactorResult> {
  const stored = await credentials.mfaOf(userId);
  if (!stored?.isEnabled || !stored.secret) return { ok: false, reason: 'wrong' };
  const secret = await enrolledSecret(keys, userId, stored.secret);
  if (!secret) return { ok: false, reason: 'unreadable' };
  const trimmed = code.trim();
  const step = matchTotp(secret, trimmed, now, stored.lastUsedStep ?? undefined); // a used step cannot be replayed
  if (step !== undefined) {
    // Conditional on the last used step, so two concurrent uses of one code: only one wins.
    const isUsed = await credentials.useTotpStep(userId, step);
    return isUsed ? { ok: true, method: 'totp' } : { ok: false, reason: 'wrong' };
  }
  if (trimmed.length < 16) return { ok: false, reason: 'wrong' };
  const hash = matchRecoveryCode(keys, trimmed, stored.recoveryCodeHashes);
  if (!hash) return { ok: false, reason: 'wrong' };
  // Conditional on the hash still being there: of two concurrent uses of one code, only one wins.
  const isUsed = await credentials.useRecoveryCode(userId, hash);
  return isUsed ? { ok: true, method: 'recovery' } : { ok: false, reason: 'wrong' };
}

/** Turns the second factor off, after the password and a current code. */
const codeStepKey = (userId: string) => throttle.accountKey(`mfa:${userId}`);

export type CodeStepResult =
  | { ok: true; method: 'totp' | 'recovery' }
  | { ok: false; reason: 'locked' }
  | { ok: false; reason: 'wrong' | 'unreadable'; justLocked: boolean };

/**
 * The code step after the password. Each attempt is counted (atomically) before its code is
 * checked, so however many guesses arrive at once, at most `rule.max` are checked per lock; a
 * success clears the count.
 */
export async function checkSignInCode(
  keys: MfaKeys,
  userId: string,
  code: string,
  rule: throttle.ThrottleRule,
  now: Date,
): Promise<CodeStepResult> {
  const key = codeStepKey(userId);
  const attempt = await throttle.countEvent(key, now, rule);
  if (attempt.count > rule.max) return { ok: false, reason: 'locked' };
  const verdict = await verifySecondFactor(keys, userId, code, now);
  if (!verdict.ok) return { ok: false, reason: verdict.reason, justLocked: !!attempt.lockedUntil };
  await throttle.reset(key);
  return verdict;
}

/** Turns the second factor off after password and code; guesses share the code step's lock. */
export async function disableMfa(
  keys: MfaKeys,
  actor: Actor,
  password: string,
  code: string,
  rule: throttle.ThrottleRule,
  now: Date,
): Promise<'disabled' | 'refused' | 'locked'> {
  const key = codeStepKey(actor.id);
  if ((await throttle.countEvent(key, now, rule)).count > rule.max) return 'locked';
  const user = await credentials.passwordFacts(actor.id);
  if (!user || !(await passwords.verifyPassword(user.passwordHash, password))) return 'refused';
  if (!(await verifySecondFactor(keys, actor.id, code, now)).ok) return 'refused';
  await credentials.removeMfa(actor.id, { endSessions: false });
  await throttle.reset(key);
  return 'disabled';
}

/**
 * Seals every legacy plain secret still in the users collection (run at start-up; idempotent).
 * Returns how many were sealed and how many were neither sealed nor a usable secret.
 */
export async function sealPlainSecrets(keys: MfaKeys): Promise<{ sealed: number; unusable: number }> {
  let sealed = 0;
  let unusable = 0;
  for (const { id, secret: stored } of await credentials.unsealedMfaSecrets()) {
    if (!isTotpSecret(stored)) {
      unusable += 1;
      continue;
    }
    if (await credentials.replaceMfaSecret(id, stored, sealSecret(keys, id, 'enrolled', stored))) sealed += 1;
  }
  return { sealed, unusable };
}
