// Sign-in rules: who the identifier names, whether the password is right, lockout, password change.
// No req/res here; the clock and configuration come in as arguments.
import { trusted } from 'mongoose';
import { Institution } from '../institutions/institution.model';
import { User } from '../users/user.model';
import { normaliseNip } from '../users/nip';
import type { Config } from '../config';
import { toActor, type Actor } from './actor';
import { rememberPersonRecord } from './person-record';
import { checkPasswordPolicy, hashPassword, verifyAgainstNothing, verifyPassword } from './password';
import * as throttle from './throttle.service';

/** The one spelling of an identifier: lower-case email, or a NIP without the spaces people type. */
export function canonicalIdentifier(identifier: string): string {
  const trimmed = identifier.trim();
  return trimmed.includes('@') ? trimmed.toLowerCase() : normaliseNip(trimmed);
}

// The profile fields (nip … unitKerja) are a few short strings read along with the session check, so
// the home page's profile panel reuses this read (person-record.ts) instead of a second query.
const PROFILE_FIELDS = [
  '_id',
  'nip',
  'name',
  'email',
  'employeeType',
  'golongan',
  'jabatan',
  'unitKerja',
  'opd',
  'institution',
] as const;
const SESSION_FIELDS = {
  ...Object.fromEntries(PROFILE_FIELDS.filter((f) => f !== '_id').map((f) => [f, 1])),
  roles: 1,
  language: 1,
  status: 1,
  sessionEpoch: 1,
  mustChangePassword: 1,
  'mfa.enabled': 1,
} as const;

export interface SessionPerson {
  actor: Actor;
  epoch: number;
  mustChangePassword: boolean;
  isMfaEnabled: boolean;
}

// OPD codes almost never change; a short cache spares a query on every signed-in request.
const OPD_CODE_TTL_MS = 60_000;
const opdCodes = new Map<string, { code: string | undefined; at: number }>();

async function opdCodeOf(opdId: unknown): Promise<string | undefined> {
  if (!opdId) return undefined;
  const id = String(opdId);
  const cached = opdCodes.get(id);
  if (cached && Date.now() - cached.at < OPD_CODE_TTL_MS) return cached.code;
  const opd = await Institution.findById(id, { code: 1 }).lean();
  if (opdCodes.size > 1000) opdCodes.clear();
  opdCodes.set(id, { code: opd?.code, at: Date.now() });
  return opd?.code;
}

/** Re-reads a signed-in person for a request; undefined when they no longer may be signed in. */
export async function loadSessionPerson(userId: string): Promise<SessionPerson | undefined> {
  const user = await User.findById(userId, SESSION_FIELDS)
    .lean()
    .catch(() => null);
  if (!user || user.status !== 'active') return undefined;
  const actor = toActor(user, await opdCodeOf(user.opd));
  rememberPersonRecord(actor, user as unknown as Record<string, unknown>, PROFILE_FIELDS);
  return {
    actor,
    epoch: user.sessionEpoch ?? 0,
    mustChangePassword: !!user.mustChangePassword,
    isMfaEnabled: !!user.mfa?.enabled,
  };
}

export type SignInResult =
  | { ok: true; person: SessionPerson }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; lockedUntil: Date; justLocked: boolean };

const personKey = (userId: string) => throttle.accountKey(`user:${userId}`);

/**
 * The lock in force for a known person. User.lockedUntil and failedLogins mirror the counter, so that an
 * admin who clears both (a password reset) unlocks the account; the counter then starts over.
 */
async function personLock(userId: string, now: Date): Promise<Date | undefined> {
  const key = personKey(userId);
  const locked = await throttle.lockedUntil(key, now);
  if (!locked) return undefined;
  // Read fresh, not from the sign-in's earlier read: in a burst of guesses that copy predates the lock.
  const person = await User.findById(userId, { lockedUntil: 1, failedLogins: 1 }).lean();
  if (person && !person.lockedUntil && !person.failedLogins) {
    await throttle.reset(key);
    return undefined;
  }
  return locked;
}

async function countPersonFailure(
  userId: string,
  config: Pick<Config, 'login'>,
  now: Date,
): Promise<throttle.ThrottleState> {
  const state = await throttle.countEvent(personKey(userId), now, throttle.loginLockRule(config.login));
  await User.updateOne(
    { _id: userId },
    { $inc: { failedLogins: 1 }, ...(state.lockedUntil ? { $set: { lockedUntil: state.lockedUntil } } : {}) },
  );
  return state;
}

/**
 * Checks an identifier and password. Unknown accounts, wrong passwords and inactive people all
 * answer 'invalid' after the same work; the maxFailures-th failure in the window locks the account.
 */
export async function signIn(
  identifier: string,
  password: string,
  config: Pick<Config, 'login'>,
  now: Date,
): Promise<SignInResult> {
  const canonical = canonicalIdentifier(identifier);
  const filter = canonical.includes('@') ? { email: canonical } : { nip: canonical };
  const user = canonical
    ? await User.findOne({ ...filter, status: 'active' }, { passwordHash: 1 }).lean()
    : null;
  // A person's failures count together whether they type the NIP or the email.
  const key = user ? personKey(String(user._id)) : throttle.accountKey(canonical);
  const locked = user ? await personLock(String(user._id), now) : await throttle.lockedUntil(key, now);
  if (locked) return { ok: false, reason: 'locked', lockedUntil: locked, justLocked: false };

  // Each attempt is counted (atomically) before its password is checked, so however many guesses
  // arrive at once, at most maxFailures are checked per lock; a success clears the count below.
  const attempt = user
    ? await countPersonFailure(String(user._id), config, now)
    : await throttle.countEvent(key, now, throttle.loginLockRule(config.login));
  if (attempt.count > config.login.maxFailures) {
    return { ok: false, reason: 'locked', lockedUntil: attempt.lockedUntil ?? now, justLocked: false };
  }
  const isRight = user
    ? await verifyPassword(user.passwordHash, password)
    : (await verifyAgainstNothing(password), false);

  if (!user || !isRight) {
    if (attempt.lockedUntil)
      return { ok: false, reason: 'locked', lockedUntil: attempt.lockedUntil, justLocked: true };
    return { ok: false, reason: 'invalid' };
  }
  await throttle.reset(key);
  await User.updateOne(
    { _id: user._id },
    { $set: { lastLoginAt: now, failedLogins: 0 }, $unset: { lockedUntil: 1 } },
  );
  const person = await loadSessionPerson(String(user._id));
  return person ? { ok: true, person } : { ok: false, reason: 'invalid' };
}

export type ChangePasswordResult =
  { ok: true; epoch: number } | { ok: false; errors: Record<string, string> };

/** Changes a person's own password; the new epoch ends every other session of theirs. */
export async function changePassword(
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  config: Pick<Config, 'login' | 'passwordPolicy'>,
  now: Date,
): Promise<ChangePasswordResult> {
  const user = await User.findById(actor.id, { passwordHash: 1, nip: 1, name: 1, email: 1 });
  if (!user) return { ok: false, errors: { currentPassword: 'auth.password.currentWrong' } };
  // Shared with sign-in: guessing the current password here counts towards the same lockout.
  if (await personLock(actor.id, now)) return { ok: false, errors: { currentPassword: 'auth.login.locked' } };
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await countPersonFailure(actor.id, config, now);
    return { ok: false, errors: { currentPassword: 'auth.password.currentWrong' } };
  }
  const problems = checkPasswordPolicy(input.newPassword, config.passwordPolicy, {
    nip: user.nip,
    name: user.name,
    email: user.email,
  });
  if (input.newPassword === input.currentPassword) problems.unshift('auth.password.sameAsCurrent');
  if (problems.length > 0) return { ok: false, errors: { newPassword: problems[0] } };
  const updated = await User.findOneAndUpdate(
    { _id: user._id, passwordHash: trusted({ $eq: user.passwordHash }) },
    {
      $set: {
        passwordHash: await hashPassword(input.newPassword),
        passwordChangedAt: now,
        mustChangePassword: false,
      },
      $inc: { sessionEpoch: 1 },
    },
    { new: true, projection: { sessionEpoch: 1 } },
  ).lean();
  if (!updated) return { ok: false, errors: { currentPassword: 'auth.password.currentWrong' } };
  return { ok: true, epoch: updated.sessionEpoch ?? 0 };
}

/** Remembers the person's interface language. */
export async function setLanguage(actor: Actor, language: 'id' | 'en'): Promise<void> {
  await User.updateOne({ _id: actor.id }, { $set: { language } });
}
