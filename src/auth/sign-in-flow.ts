// The steps after a password is accepted, shared by the password and second-factor forms:
// a fresh session for the person, then where they go next.
import type { Request } from 'express';
import type { SessionPerson } from './auth.service';
import { CHANGE_PASSWORD_PATH } from './must-change-password';

export const MFA_LOGIN_PATH = '/login/mfa';
export const MFA_SETUP_PATH = '/account/mfa';
/** How long the second-factor form waits after the password was accepted. */
export const MFA_PENDING_MS = 5 * 60_000;

/**
 * Where a person goes after signing in: a forced password change first. (The privacy notice at
 * first sign-in is the privacy feature's gate, which every page passes.)
 */
export function afterSignIn(target: string, person: Pick<SessionPerson, 'mustChangePassword'>): string {
  return person.mustChangePassword ? CHANGE_PASSWORD_PATH : target;
}

/** Signs the person in on a regenerated session (a new id: no session fixation). */
export function startSession(req: Request, person: SessionPerson, now: Date): Promise<void> {
  return new Promise((resolve, reject) => {
    req.login(person.actor, (err) => {
      if (err) return reject(err);
      req.session.epoch = person.epoch;
      req.session.createdAt = now.getTime();
      req.session.lastSeenAt = now.getTime();
      req.session.mustChangePassword = person.mustChangePassword;
      req.session.isMfaEnabled = person.isMfaEnabled;
      resolve();
    });
  });
}

/** Password accepted, second factor pending: a regenerated session that holds only that. */
export function startMfaStep(
  req: Request,
  person: SessionPerson,
  returnTo: string,
  now: Date,
): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.mfaPending = { userId: person.actor.id, returnTo, startedAt: now.getTime() };
      resolve();
    });
  });
}
