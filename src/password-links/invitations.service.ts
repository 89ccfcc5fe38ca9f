// Invitations: HR or an admin invites one person, the people of an import, or everyone in their
// scope without a password. Each invitee gets a mail with a single-use link (INVITATION_DAYS) to set
// a first password; inviting again replaces the older link. Who may be invited is decided by the
// users feature (inviteesFor: the actor's scope, learners for HR, active, with an email).
import type { Actor } from '../core/actor';
import type { Config } from '../config';
import { audit, type AuditContext } from '../audit';
import { mail } from '../mail';
import {
  inviteesFor,
  peopleImport,
  signInStateOf,
  users,
  type Invitee,
  type InviteeSelector,
} from '../users';
import { Forbidden } from '../web/errors';
import { invitationsPage, issueLink } from './password-links.service';

const DAY_MS = 86_400_000;

export type InviteConfig = Pick<Config, 'baseUrl' | 'mail'>;

function assertInviter(actor: Actor): void {
  if (!actor.roles.includes('admin') && !actor.roles.includes('hr')) throw new Forbidden();
}

async function sendInvitation(
  actor: Actor,
  person: Invitee,
  config: InviteConfig,
  now: Date,
  context: AuditContext,
) {
  const link = await issueLink(person.id, 'invitation', config.mail.invitationDays * DAY_MS, now, actor);
  await mail.enqueue(
    config,
    { personId: person.id, email: person.email, name: person.name, language: person.language },
    'invitation',
    { token: link.token, expiresAt: link.expiresAt },
    { now },
  );
  await audit.record(
    actor,
    {
      action: 'user.invite',
      targetType: 'user',
      targetId: person.id,
      targetLabel: person.name,
      after: { expiresAt: link.expiresAt },
    },
    context,
  );
}

/** Invites the selected people who have not signed in yet; returns how many were invited. */
async function inviteSelected(
  actor: Actor,
  selector: InviteeSelector,
  config: InviteConfig,
  now: Date,
  context: AuditContext,
): Promise<number> {
  assertInviter(actor);
  const people = (await inviteesFor(actor, selector)).filter((p) => !p.lastLoginAt);
  for (const person of people) await sendInvitation(actor, person, config, now, context);
  return people.length;
}

/**
 * One person (from their page): someone out of the actor's scope is NotFound like a missing id;
 * 0 when the person has no email, is not the actor's to manage or has signed in before.
 */
export async function invitePerson(
  actor: Actor,
  personId: string,
  config: InviteConfig,
  now: Date,
  context: AuditContext = {},
): Promise<number> {
  await users.getPerson(actor, personId);
  return inviteSelected(actor, { id: personId }, config, now, context);
}

/** Everyone in the actor's scope who has no password yet. */
export function inviteEveryoneWithoutPassword(
  actor: Actor,
  config: InviteConfig,
  now: Date,
  context: AuditContext = {},
) {
  return inviteSelected(actor, { withoutPassword: true }, config, now, context);
}

/** The people of one of the actor's applied imports (their own preview only: anyone else's is NotFound). */
export async function inviteImported(
  actor: Actor,
  previewId: string,
  config: InviteConfig,
  now: Date,
  context: AuditContext = {},
): Promise<number> {
  const preview = await peopleImport.getPreview(actor, previewId);
  if (!preview.appliedAt) return 0;
  const nips = preview.rows
    .filter((r) => r.action !== 'reject' && r.record)
    .map((r) => String((r.record as { nip?: unknown }).nip ?? ''))
    .filter(Boolean);
  return nips.length ? inviteSelected(actor, { nips }, config, now, context) : 0;
}

export interface InvitationRow {
  personId: string;
  name: string;
  invitedAt: Date;
  invitedByName: string;
  state: 'accepted' | 'open' | 'expired';
  expiresAt: Date;
  lastLoginAt?: Date;
}

const OVERVIEW_ROWS = 200;
const BATCH = 500;

/** Who in the actor's scope was invited, when, by whom, and whether they have signed in since. */
export async function invitationOverview(actor: Actor, now: Date) {
  assertInviter(actor);
  const rows: InvitationRow[] = [];
  const seen = new Set<string>();
  for (let skip = 0; rows.length < OVERVIEW_ROWS; skip += BATCH) {
    const batch = await invitationsPage(skip, BATCH);
    const fresh = batch.filter((i) => !seen.has(i.personId) && seen.add(i.personId));
    const people = await signInStateOf(
      actor,
      fresh.map((i) => i.personId),
    );
    for (const invitation of fresh) {
      const person = people.get(invitation.personId);
      if (!person || rows.length >= OVERVIEW_ROWS) continue;
      const state = invitation.usedAt ? 'accepted' : invitation.expiresAt <= now ? 'expired' : 'open';
      rows.push({ ...invitation, name: person.name, state, lastLoginAt: person.lastLoginAt });
    }
    if (batch.length < BATCH) break;
  }
  const withoutPassword = (await inviteesFor(actor, { withoutPassword: true })).filter(
    (p) => !p.lastLoginAt,
  ).length;
  return { rows, withoutPassword, notSignedIn: rows.filter((r) => !r.lastLoginAt).length };
}
