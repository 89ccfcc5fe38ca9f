// Sign-in throttling: failures counted per canonical account (known or not, so that lockout never
// reveals which accounts exist) and attempts per IP, in MongoDB, with times from the app's clock.
import { trusted } from 'mongoose';
import { LoginThrottle } from './login-throttle.model';

export interface ThrottleRule {
  max: number;
  windowMs: number;
  lockMs: number;
}

/** The sign-in lockout rule from configuration (shared by the password and the second-factor steps). */
export function loginLockRule(login: {
  maxFailures: number;
  failureWindowMinutes: number;
  lockMinutes: number;
}): ThrottleRule {
  return {
    max: login.maxFailures,
    windowMs: login.failureWindowMinutes * 60_000,
    lockMs: login.lockMinutes * 60_000,
  };
}

export interface ThrottleState {
  count: number;
  windowStart: Date;
  lockedUntil?: Date;
}

/** The lock in force for this key at `now`, if any. */
export async function lockedUntil(key: string, now: Date): Promise<Date | undefined> {
  const doc = await LoginThrottle.findById(key, { lockedUntil: 1 }).lean();
  return doc?.lockedUntil && doc.lockedUntil > now ? doc.lockedUntil : undefined;
}

/**
 * Counts one event for the key inside a fixed window; the `max`-th event in a window locks the key
 * for `lockMs`. Atomic per document, so concurrent instances never lose a count.
 */
export async function countEvent(key: string, now: Date, rule: ThrottleRule): Promise<ThrottleState> {
  const windowFloor = new Date(now.getTime() - rule.windowMs);
  const expiresAt = new Date(now.getTime() + Math.max(rule.windowMs, rule.lockMs));
  // A window that has ended (and holds no lock in force) starts over at 1. Operators in filters
  // must be marked trusted: sanitizeFilter is on (src/db).
  await LoginThrottle.updateOne(
    {
      _id: key,
      windowStart: trusted({ $lte: windowFloor }),
      $or: [{ lockedUntil: trusted({ $exists: false }) }, { lockedUntil: trusted({ $lte: now }) }],
    },
    { $set: { count: 0, windowStart: now, expiresAt }, $unset: { lockedUntil: 1 } },
  );
  const doc = await LoginThrottle.findOneAndUpdate(
    { _id: key },
    { $inc: { count: 1 }, $set: { expiresAt }, $setOnInsert: { windowStart: now } },
    { upsert: true, new: true, lean: true },
  );
  if (!doc) throw new Error(`throttle counter ${key} vanished`); // upsert always returns a document
  let locked = doc.lockedUntil && doc.lockedUntil > now ? doc.lockedUntil : undefined;
  if (!locked && doc.count >= rule.max) {
    locked = new Date(now.getTime() + rule.lockMs);
    await LoginThrottle.updateOne(
      { _id: key },
      { $set: { lockedUntil: locked, expiresAt: new Date(locked.getTime() + rule.windowMs) } },
    );
  }
  return { count: doc.count, windowStart: doc.windowStart, lockedUntil: locked };
}

/** Takes back one counted event (express-rate-limit calls this for requests it should not count). */
export async function uncount(key: string): Promise<void> {
  await LoginThrottle.updateOne({ _id: key, count: trusted({ $gt: 0 }) }, { $inc: { count: -1 } });
}

export async function reset(key: string): Promise<void> {
  await LoginThrottle.deleteOne({ _id: key });
}

export const accountKey = (canonical: string) => `acct:${canonical}`;
