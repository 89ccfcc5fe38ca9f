// The sign-in part of a person's record: password hash, the lock's mirror, the sessions epoch, the
// second factor and the privacy confirmation. The users feature owns the User model; auth, mfa and
// privacy read and write these fields only through the functions here (exported as `credentials`),
// each a single conditional read or write, so the rules stay in those features' services.
import { trusted, type Types } from 'mongoose';
import type { Language } from '../core/roles';
import { WatchedCache } from '../db/watched-cache';
import { User, onUserWrite } from './user.model';
import { PROFILE_FIELDS } from './person-record';

type Id = string | Types.ObjectId;

/** The active account an identifier names (email or NIP, already canonical), with its password hash. */
export async function activeAccount(
  filter: { email: string } | { nip: string },
): Promise<{ id: string; passwordHash?: string | null } | undefined> {
  const user = await User.findOne({ ...filter, status: 'active' }, { passwordHash: 1 }).lean();
  return user ? { id: String(user._id), passwordHash: user.passwordHash } : undefined;
}

/** The active account an identifier names, with what a recovery mail needs (none without an email). */
export async function recoveryAccount(
  filter: { email: string } | { nip: string },
): Promise<{ id: string; email: string; name: string; language: Language } | undefined> {
  const user = await User.findOne({ ...filter, status: 'active' }, { email: 1, name: 1, language: 1 }).lean();
  if (!user?.email) return undefined;
  return { id: String(user._id), email: user.email, name: user.name, language: user.language };
}

/**
 * Sets a password chosen through a single-use link (invitation or forgotten password): no change
 * is forced afterwards, any lock is lifted, and every session of the person ends (a new epoch).
 */
export async function setPasswordFromLink(userId: Id, newHash: string, now: Date): Promise<boolean> {
  const updated = await User.updateOne(
    { _id: userId, status: 'active' },
    {
      $set: { passwordHash: newHash, passwordChangedAt: now, mustChangePassword: false, failedLogins: 0 },
      $unset: { lockedUntil: 1 },
      $inc: { sessionEpoch: 1 },
    },
  );
  return updated.modifiedCount === 1;
}

const SESSION_FIELDS = {
  ...Object.fromEntries(PROFILE_FIELDS.filter((f) => f !== '_id').map((f) => [f, 1])),
  roles: 1,
  language: 1,
  status: 1,
  sessionEpoch: 1,
  mustChangePassword: 1,
  'mfa.enabled': 1,
} as const;

function readSessionRecord(userId: Id) {
  return User.findById(userId, SESSION_FIELDS)
    .lean()
    .catch(() => null); // a malformed id in a session is no person
}

type SessionRecord = Readonly<Awaited<ReturnType<typeof readSessionRecord>>>;

/**
 * Every signed-in request reads its person; they are kept in memory and forgotten the moment any
 * instance changes the person (the users collection's change stream), so a deactivation, a role
 * change or a raised sessionEpoch applies on the next request everywhere.
 */
const sessionRecords = new WatchedCache<SessionRecord>('users');
onUserWrite(() => sessionRecords.clear()); // this instance's own writes: at once, before the stream says so

/** What each signed-in request reads of its person: the profile fields plus the session state. */
export async function sessionRecord(userId: Id): Promise<SessionRecord> {
  return sessionRecords.get(String(userId), async () => Object.freeze(await readSessionRecord(userId)));
}

/** The lock's mirror on the record (an admin's password reset clears both). */
export async function lockMirror(userId: Id): Promise<{ lockedUntil?: Date | null; failedLogins: number }> {
  const person = await User.findById(userId, { lockedUntil: 1, failedLogins: 1 }).lean();
  return { lockedUntil: person?.lockedUntil, failedLogins: person?.failedLogins ?? 0 };
}

export async function recordFailedSignIn(userId: Id, lockedUntil?: Date): Promise<void> {
  await User.updateOne(
    { _id: userId },
    { $inc: { failedLogins: 1 }, ...(lockedUntil ? { $set: { lockedUntil } } : {}) },
  );
}

export async function recordSignIn(userId: Id, now: Date): Promise<void> {
  await User.updateOne(
    { _id: userId },
    { $set: { lastLoginAt: now, failedLogins: 0 }, $unset: { lockedUntil: 1 } },
  );
}

/** The password hash and the facts a new password must not contain. */
export async function passwordFacts(userId: Id) {
  const user = await User.findById(userId, { passwordHash: 1, nip: 1, name: 1, email: 1 }).lean();
  return user
    ? { passwordHash: user.passwordHash, nip: user.nip, name: user.name, email: user.email }
    : undefined;
}

/**
 * Replaces the password hash if it is still `expectedHash` (so two concurrent changes cannot both
 * win) and raises the sessions epoch; returns the new epoch, or undefined when the hash had changed.
 */
export async function replacePasswordHash(
  userId: Id,
  expectedHash: string | null | undefined,
  newHash: string,
  now: Date,
): Promise<number | undefined> {
  const updated = await User.findOneAndUpdate(
    { _id: userId, passwordHash: trusted({ $eq: expectedHash }) },
    {
      $set: { passwordHash: newHash, passwordChangedAt: now, mustChangePassword: false },
      $inc: { sessionEpoch: 1 },
    },
    { new: true, projection: { sessionEpoch: 1 } },
  ).lean();
  return updated ? (updated.sessionEpoch ?? 0) : undefined;
}

export async function setLanguage(userId: Id, language: Language): Promise<void> {
  await User.updateOne({ _id: userId }, { $set: { language } });
}

export async function privacyAcknowledgedAt(userId: Id): Promise<Date | undefined> {
  const user = await User.findById(userId, { privacyAcknowledgedAt: 1 }).lean();
  return user?.privacyAcknowledgedAt ?? undefined;
}

/** Stores the first confirmation; a later one never moves the date. */
export async function acknowledgePrivacy(userId: Id, now: Date): Promise<void> {
  await User.updateOne(
    { _id: userId, privacyAcknowledgedAt: trusted({ $exists: false }) },
    { $set: { privacyAcknowledgedAt: now } },
  );
}

// ---- second factor ----

export interface StoredMfa {
  name: string;
  email?: string | null;
  nip?: string | null;
  isEnabled: boolean;
  secret?: string | null;
  lastUsedStep?: number | null;
  recoveryCodeHashes: string[];
}

export async function mfaOf(userId: Id): Promise<StoredMfa | undefined> {
  const user = await User.findById(userId, { name: 1, email: 1, nip: 1, mfa: 1 })
    .lean()
    .catch(() => null); // a malformed id answers like a missing one
  if (!user) return undefined;
  return {
    name: user.name,
    email: user.email,
    nip: user.nip,
    isEnabled: !!user.mfa?.enabled,
    secret: user.mfa?.secret,
    lastUsedStep: user.mfa?.lastUsedStep,
    recoveryCodeHashes: user.mfa?.recoveryCodeHashes ?? [],
  };
}

/** Turns the second factor on unless it already is (a second tab cannot silently replace it). */
export async function enableMfa(
  userId: Id,
  sealedSecret: string,
  lastUsedStep: number,
  recoveryCodeHashes: string[],
): Promise<boolean> {
  const saved = await User.updateOne(
    { _id: userId, 'mfa.enabled': trusted({ $ne: true }) },
    {
      $set: {
        'mfa.enabled': true,
        'mfa.secret': sealedSecret,
        'mfa.lastUsedStep': lastUsedStep,
        'mfa.recoveryCodeHashes': recoveryCodeHashes,
      },
      $unset: { 'mfa.pendingSecret': 1 },
    },
  );
  return saved.modifiedCount === 1;
}

/** Replaces a stored secret that is still `stored` (sealing a legacy plain one); true if replaced. */
export async function replaceMfaSecret(userId: Id, stored: string, sealed: string): Promise<boolean> {
  const done = await User.updateOne(
    { _id: userId, 'mfa.secret': stored },
    { $set: { 'mfa.secret': sealed } },
  );
  return done.modifiedCount === 1;
}

/** Records a used TOTP step if it is later than the last one: of two concurrent uses, one wins. */
export async function useTotpStep(userId: Id, step: number): Promise<boolean> {
  const used = await User.updateOne(
    {
      _id: userId,
      $or: [
        { 'mfa.lastUsedStep': trusted({ $exists: false }) },
        { 'mfa.lastUsedStep': trusted({ $lt: step }) },
      ],
    },
    { $set: { 'mfa.lastUsedStep': step } },
  );
  return used.modifiedCount === 1;
}

/** Removes a recovery code's hash if it is still there: of two concurrent uses, one wins. */
export async function useRecoveryCode(userId: Id, hash: string): Promise<boolean> {
  const result = await User.updateOne(
    { _id: userId, 'mfa.recoveryCodeHashes': hash },
    { $pull: { 'mfa.recoveryCodeHashes': hash } },
  );
  return result.modifiedCount === 1;
}

/** Removes the second factor (secret, codes, pending enrolment); optionally ends every session. */
export async function removeMfa(userId: Id, options: { endSessions: boolean }): Promise<void> {
  await User.updateOne(
    { _id: userId },
    {
      $set: { 'mfa.enabled': false, 'mfa.recoveryCodeHashes': [] },
      $unset: { 'mfa.secret': 1, 'mfa.lastUsedStep': 1, 'mfa.pendingSecret': 1 },
      ...(options.endSessions ? { $inc: { sessionEpoch: 1 } } : {}),
    },
  );
}

/** Every stored second-factor secret that is not sealed (legacy plain values), by person. */
export async function unsealedMfaSecrets(): Promise<Array<{ id: string; secret: string }>> {
  const plain = await User.find(
    { 'mfa.secret': trusted({ $type: 'string', $not: /^v1:/ }) },
    { 'mfa.secret': 1 },
  ).lean();
  return plain.map((u) => ({ id: String(u._id), secret: u.mfa!.secret! }));
}
