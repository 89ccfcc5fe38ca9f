// Sign-in rules: who the identifier names, whether the password is right, lockout, password change.
// No req/res here; the clock and configuration come in as arguments.
import type { Actor } from '../core/actor';
import type { Config } from '../config';
import type { Language } from '../core/roles';
import { isCityWideHrOpd } from '../institutions';
import { canonicalIdentifier, credentials, passwords, rememberPersonRecord } from '../users';
import { toActor } from './actor';
import * as throttle from './throttle.service';

export interface SessionPerson {
  actor: Actor;
  epoch: number;
  mustChangePassword: boolean;
  isMfaEnabled: boolean;
}

/** Re-reads a signed-in person for a request; undefined when they no longer may be signed in. */
export async function loadSessionPerson(userId: string): Promise<SessionPerson | undefined> {
  const user = await credentials.sessionRecord(userId);
  if (!user || user.status !== 'active') return undefined;
  const roles = user.roles ?? [];
  const actor = toActor(user, roles.includes('hr') && (await isCityWideHrOpd(user.opd)));
  rememberPersonRecord(actor, user as unknown as Record<string, unknown>);
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
  const person = await credentials.lockMirror(userId);
  if (!person.lockedUntil && !person.failedLogins) {
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
  await credentials.recordFailedSignIn(userId, state.lockedUntil);
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
  const user = canonical ? await credentials.activeAccount(filter) : undefined;
  // A person's failures count together whether they type the NIP or the email.
  const key = user ? personKey(user.id) : throttle.accountKey(canonical);
  const locked = user ? await personLock(user.id, now) : await throttle.lockedUntil(key, now);
  if (locked) return { ok: false, reason: 'locked', lockedUntil: locked, justLocked: false };

  // Each attempt is counted (atomically) before its password is checked, so however many guesses
  // arrive at once, at most maxFailures are checked per lock; a success clears the count below.
  const attempt = user
    ? await countPersonFailure(user.id, config, now)
    : await throttle.countEvent(key, now, throttle.loginLockRule(config.login));
  if (attempt.count > config.login.maxFailures) {
    return { ok: false, reason: 'locked', lockedUntil: attempt.lockedUntil ?? now, justLocked: false };
  }
  const isRight = user
    ? await passwords.verifyPassword(user.passwordHash, password)
    : (await passwords.verifyAgainstNothing(password), false);

  if (!user || !isRight) {
    if (attempt.lockedUntil)
      return { ok: false, reason: 'locked', lockedUntil: attempt.lockedUntil, justLocked: true };
    return { ok: false, reason: 'invalid' };
  }
  await throttle.reset(key);
  await credentials.recordSignIn(user.id, now);
  const person = await loadSessionPerson(user.id);
  return person ? { ok: true, person } : { ok: false, reason: 'invalid' };
}

export type OwnPasswordCheck = 'confirmed' | 'wrong' | 'locked';

/**
 * Asks a signed-in person for their current password again before a change a stolen session must
 * not make on its own (enrolling a second factor, changing the email or NIP one signs in with).
 * A wrong password counts towards the same lockout as sign-in.
 */
export async function confirmOwnPassword(
  actor: Actor,
  password: string,
  config: Pick<Config, 'login'>,
  now: Date,
): Promise<OwnPasswordCheck> {
  if (await personLock(actor.id, now)) return 'locked';
  const user = await credentials.passwordFacts(actor.id);
  if (user && (await passwords.verifyPassword(user.passwordHash, password))) return 'confirmed';
  await countPersonFailure(actor.id, config, now);
  return 'wrong';
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
  const user = await credentials.passwordFacts(actor.id);
  if (!user) return { ok: false, errors: { currentPassword: 'auth.password.currentWrong' } };
  // Shared with sign-in: guessing the current password here counts towards the same lockout.
  if (await personLock(actor.id, now)) return { ok: false, errors: { currentPassword: 'auth.login.locked' } };
  if (!(await passwords.verifyPassword(user.passwordHash, input.currentPassword))) {
    await countPersonFailure(actor.id, config, now);
    return { ok: false, errors: { currentPassword: 'auth.password.currentWrong' } };
  }
  const problems = passwords.checkPasswordPolicy(input.newPassword, config.passwordPolicy, {
    nip: user.nip,
    name: user.name,
    email: user.email,
  });
  if (input.newPassword === input.currentPassword) problems.unshift('auth.password.sameAsCurrent');
  if (problems.length > 0) return { ok: false, errors: { newPassword: problems[0] } };
  const newHash = await passwords.hashPassword(input.newPassword);
  const epoch = await credentials.replacePasswordHash(actor.id, user.passwordHash, newHash, now);
  if (epoch === undefined) return { ok: false, errors: { currentPassword: 'auth.password.currentWrong' } };
  return { ok: true, epoch };
}

/** Remembers the person's interface language. */
export async function setLanguage(actor: Actor, language: Language): Promise<void> {
  await credentials.setLanguage(actor.id, language);
}

export { canonicalIdentifier };
