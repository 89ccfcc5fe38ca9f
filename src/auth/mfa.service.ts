// Second factor: TOTP (RFC 6238, any authenticator app) with one-time recovery codes. Required of
// admin, curator and HR accounts when MFA_REQUIRED is on; available to everyone otherwise.
import crypto from 'node:crypto';
import { trusted } from 'mongoose';
import QRCode from 'qrcode';
import { User, type Role } from '../users/user.model';
import type { Actor } from './actor';
import { verifyPassword } from './password';
import { generateTotpSecret, matchTotp, totpUri } from './totp';

export const MFA_ROLES: Role[] = ['admin', 'curator', 'hr'];
const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'BinaASN';

export function needsMfa(actor: Actor): boolean {
  return actor.roles.some((r) => MFA_ROLES.includes(r));
}

const hashCode = (code: string) => crypto.createHash('sha256').update(code.toLowerCase().replace(/[^a-z0-9]/g, '')).digest('hex');

function newRecoveryCode(): string {
  const raw = crypto.randomBytes(8).toString('hex'); // 64 bits
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}-${raw.slice(12)}`;
}

export interface MfaStatus {
  isEnabled: boolean;
  recoveryCodesLeft: number;
}

export async function mfaStatus(actor: Actor): Promise<MfaStatus> {
  const user = await User.findById(actor.id, { 'mfa.enabled': 1, 'mfa.recoveryCodeHashes': 1 }).lean();
  return { isEnabled: !!user?.mfa?.enabled, recoveryCodesLeft: user?.mfa?.recoveryCodeHashes?.length ?? 0 };
}

export interface Enrolment {
  secret: string;
  qrDataUrl: string;
}

/**
 * The enrolment in progress as a QR code and as text: the pending secret kept in the person's
 * session, or a new one. Writes nothing, because the enrolment page is a GET (SECURITY.md).
 */
export async function enrolmentFor(actor: Actor, pendingSecret?: string): Promise<Enrolment> {
  const user = await User.findById(actor.id, { email: 1, nip: 1 }).lean();
  const secret = pendingSecret ?? generateTotpSecret();
  const uri = totpUri(ISSUER, user?.email ?? user?.nip ?? actor.name, secret);
  // SVG rather than PNG: a fifth of the CPU per page (no deflate), and an <img> never runs SVG scripts.
  const svg = await QRCode.toString(uri, { type: 'svg', margin: 1, width: 220 });
  return { secret, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}

/** Confirms enrolment with a first code; returns the recovery codes, shown once. */
export async function confirmEnrolment(actor: Actor, secret: string | undefined, code: string, now: Date): Promise<string[] | undefined> {
  if (!secret) return undefined;
  const step = matchTotp(secret, code.trim(), now);
  if (step === undefined) return undefined;
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await User.updateOne(
    { _id: actor.id },
    { $set: { 'mfa.enabled': true, 'mfa.secret': secret, 'mfa.lastUsedStep': step, 'mfa.recoveryCodeHashes': codes.map(hashCode) }, $unset: { 'mfa.pendingSecret': 1 } },
  );
  return codes;
}

/** Verifies a sign-in's second factor: a TOTP code, or a recovery code (which is then used up). */
export async function verifySecondFactor(userId: string, code: string, now: Date): Promise<boolean> {
  const user = await User.findById(userId, { mfa: 1 }).lean();
  if (!user?.mfa?.enabled || !user.mfa.secret) return false;
  const trimmed = code.trim();
  const step = matchTotp(user.mfa.secret, trimmed, now, user.mfa.lastUsedStep ?? undefined); // a used step cannot be replayed
  if (step !== undefined) {
    // Conditional on the last used step, so two concurrent uses of one code: only one wins.
    const used = await User.updateOne(
      { _id: user._id, $or: [{ 'mfa.lastUsedStep': trusted({ $exists: false }) }, { 'mfa.lastUsedStep': trusted({ $lt: step }) }] },
      { $set: { 'mfa.lastUsedStep': step } },
    );
    return used.modifiedCount === 1;
  }
  const hash = hashCode(trimmed);
  if (trimmed.length < 16 || !user.mfa.recoveryCodeHashes?.includes(hash)) return false;
  const result = await User.updateOne({ _id: user._id, 'mfa.recoveryCodeHashes': hash }, { $pull: { 'mfa.recoveryCodeHashes': hash } });
  return result.modifiedCount === 1;
}

/** Turns the second factor off, after the password and a current code. */
export async function disableMfa(actor: Actor, password: string, code: string, now: Date): Promise<boolean> {
  const user = await User.findById(actor.id, { passwordHash: 1 }).lean();
  if (!user || !(await verifyPassword(user.passwordHash, password))) return false;
  if (!(await verifySecondFactor(actor.id, code, now))) return false;
  await User.updateOne({ _id: actor.id }, { $set: { 'mfa.enabled': false, 'mfa.recoveryCodeHashes': [] }, $unset: { 'mfa.secret': 1, 'mfa.lastUsedStep': 1, 'mfa.pendingSecret': 1 } });
  return true;
}
