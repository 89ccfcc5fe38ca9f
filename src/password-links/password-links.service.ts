// Single-use links that set a password. The token (32 random bytes) travels only in the mail; the
// database holds its SHA-256. A link is good once, until it expires, and only while it is the
// person's newest of its purpose; using one retires every other open link of that person.
import crypto from 'node:crypto';
import { trusted, type Types } from 'mongoose';
import type { Config } from '../config';
import { audit, type AuditContext } from '../audit';
import { credentials, passwords } from '../users';
import { PasswordLink, type LinkPurpose } from './password-link.model';

export type { LinkPurpose };

const hashOf = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** Tokens are 43 base64url characters; anything else is not worth a database read. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface IssuedLink {
  token: string;
  expiresAt: Date;
}

/** A new link for the person; an older open link of the same purpose stops working. */
export async function issueLink(
  personId: string,
  purpose: LinkPurpose,
  ttlMs: number,
  now: Date,
  invitedBy?: { id: string; name: string },
): Promise<IssuedLink> {
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMs);
  await PasswordLink.updateMany(
    {
      person: personId,
      purpose,
      usedAt: trusted({ $exists: false }),
      replacedAt: trusted({ $exists: false }),
    },
    { $set: { replacedAt: now } },
  );
  await PasswordLink.create({
    tokenHash: hashOf(token),
    person: personId,
    purpose,
    createdAt: now,
    expiresAt,
    invitedBy: invitedBy?.id,
    invitedByName: invitedBy?.name ?? '',
  });
  return { token, expiresAt };
}

export type LinkState =
  | { state: 'valid'; purpose: LinkPurpose; personId: string }
  | { state: 'used' | 'expired'; purpose: LinkPurpose }
  | { state: 'unknown' };

/** What a token is worth now: valid, already used (or replaced), expired, or no link at all. */
export async function linkState(token: string, now: Date): Promise<LinkState> {
  if (!TOKEN_SHAPE.test(token)) return { state: 'unknown' };
  const link = await PasswordLink.findOne({ tokenHash: hashOf(token) }).lean();
  if (!link) return { state: 'unknown' };
  const purpose = link.purpose as LinkPurpose;
  if (link.usedAt || link.replacedAt) return { state: 'used', purpose };
  if (link.expiresAt <= now) return { state: 'expired', purpose };
  return { state: 'valid', purpose, personId: String(link.person) };
}

export type RedeemResult =
  | { ok: true; purpose: LinkPurpose }
  | { ok: false; link: Exclude<LinkState, { state: 'valid' }> }
  | { ok: false; errors: Record<string, string> };

/** Takes the link if it is still open: of two concurrent uses, one wins. */
async function takeLink(id: Types.ObjectId, now: Date): Promise<boolean> {
  const taken = await PasswordLink.updateOne(
    {
      _id: id,
      usedAt: trusted({ $exists: false }),
      replacedAt: trusted({ $exists: false }),
      expiresAt: trusted({ $gt: now }),
    },
    { $set: { usedAt: now } },
  );
  return taken.modifiedCount === 1;
}

/**
 * Sets the person's password through a link: the password must meet the policy; the link is used up,
 * every other open link of the person retired, every session of theirs ended. Audited.
 */
export async function redeem(
  token: string,
  password: string,
  config: Pick<Config, 'passwordPolicy'>,
  now: Date,
  context: AuditContext = {},
): Promise<RedeemResult> {
  const state = await linkState(token, now);
  if (state.state !== 'valid') return { ok: false, link: state };
  const facts = await credentials.passwordFacts(state.personId);
  if (!facts) return { ok: false, link: { state: 'unknown' } };
  const problems = passwords.checkPasswordPolicy(password, config.passwordPolicy, facts);
  if (problems.length > 0) return { ok: false, errors: { password: problems[0] } };
  const newHash = await passwords.hashPassword(password);
  const link = await PasswordLink.findOne({ tokenHash: hashOf(token) }, { _id: 1 }).lean();
  if (!link || !(await takeLink(link._id, now)))
    return { ok: false, link: { state: 'used', purpose: state.purpose } };
  if (!(await credentials.setPasswordFromLink(state.personId, newHash, now)))
    return { ok: false, link: { state: 'unknown' } }; // deactivated meanwhile
  await PasswordLink.updateMany(
    { person: state.personId, usedAt: trusted({ $exists: false }), replacedAt: trusted({ $exists: false }) },
    { $set: { replacedAt: now } },
  );
  await audit.record(
    { id: state.personId, name: facts.name },
    {
      action: state.purpose === 'invitation' ? 'user.invitation.accepted' : 'user.password.recovered',
      targetType: 'user',
      targetId: state.personId,
      targetLabel: facts.name,
      after: { sessionsEnded: true },
    },
    context,
  );
  return { ok: true, purpose: state.purpose };
}

export interface InvitationRecord {
  personId: string;
  invitedAt: Date;
  invitedByName: string;
  expiresAt: Date;
  usedAt?: Date;
}

/** Invitations still in force (used or open, not replaced), newest first, one batch at a time. */
export async function invitationsPage(skip: number, limit: number): Promise<InvitationRecord[]> {
  const links = await PasswordLink.find({ purpose: 'invitation', replacedAt: trusted({ $exists: false }) })
    .select('person createdAt invitedByName expiresAt usedAt')
    .sort({ createdAt: -1, _id: -1 })
    .skip(skip)
    .limit(limit)
    .lean();
  return links.map((l) => ({
    personId: String(l.person),
    invitedAt: l.createdAt,
    invitedByName: l.invitedByName ?? '',
    expiresAt: l.expiresAt,
    usedAt: l.usedAt ?? undefined,
  }));
}

/** Deletes link records created before `before`: used only by the retention job. */
export async function purgeOlderThan(before: Date): Promise<number> {
  const result = await PasswordLink.deleteMany({ createdAt: trusted({ $lt: before }) });
  return result.deletedCount ?? 0;
}
