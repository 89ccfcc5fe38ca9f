// How other features reach a person by mail: the address, name and language of one person, and the
// people an administrator may invite (in their scope, manageable by them, active, with an email).
// Scope comes from peopleScope, so an invitation sees exactly who the people pages show.
import { trusted, type FilterQuery } from 'mongoose';
import type { Actor } from '../core/actor';
import type { Language } from '../core/roles';
import { User, type UserFields } from './user.model';
import { canManage, peopleScope } from './users.service';

export interface Contact {
  id: string;
  name: string;
  email?: string;
  language: Language;
  isActive: boolean;
}

/** A person's mail address, name and language; undefined for an unknown or malformed id. */
export async function contactOf(id: string): Promise<Contact | undefined> {
  const person = await User.findById(id, { name: 1, email: 1, language: 1, status: 1 })
    .lean()
    .catch(() => null);
  if (!person) return undefined;
  return {
    id: String(person._id),
    name: person.name,
    email: person.email ?? undefined,
    language: person.language,
    isActive: person.status === 'active',
  };
}

export interface Invitee {
  id: string;
  name: string;
  email: string;
  language: Language;
  hasPassword: boolean;
  lastLoginAt?: Date;
}

/** Which people: one by id, those of an import by NIP, or everyone in scope without a password. */
export type InviteeSelector = { id: string } | { nips: string[] } | { withoutPassword: true };

function selectorFilter(selector: InviteeSelector): FilterQuery<UserFields> {
  if ('id' in selector) return { _id: selector.id };
  if ('nips' in selector) return { nip: trusted({ $in: selector.nips }) };
  return { passwordHash: trusted({ $exists: false }) };
}

/**
 * The people this actor may invite among those selected: in their scope, manageable by them (HR
 * invite learners only), active and with an email. Someone else's person is simply absent.
 */
export async function inviteesFor(actor: Actor, selector: InviteeSelector): Promise<Invitee[]> {
  if ('id' in selector && !/^[0-9a-f]{24}$/i.test(selector.id)) return [];
  const people = await User.find({
    $and: [peopleScope(actor), selectorFilter(selector), { status: 'active' }],
  })
    .select('name email language roles passwordHash lastLoginAt')
    .sort({ name: 1, _id: 1 })
    .lean();
  return people
    .filter((p) => p.email && canManage(actor, p))
    .map((p) => ({
      id: String(p._id),
      name: p.name,
      email: p.email!,
      language: p.language,
      hasPassword: !!p.passwordHash,
      lastLoginAt: p.lastLoginAt ?? undefined,
    }));
}

export interface InvitedPersonState {
  id: string;
  name: string;
  lastLoginAt?: Date;
}

/** Name and last sign-in of these people, limited to the actor's scope (the invitation overview). */
export async function signInStateOf(actor: Actor, ids: string[]): Promise<Map<string, InvitedPersonState>> {
  const valid = ids.filter((id) => /^[0-9a-f]{24}$/i.test(id));
  if (valid.length === 0) return new Map();
  const people = await User.find({ $and: [peopleScope(actor), { _id: trusted({ $in: valid }) }] })
    .select('name lastLoginAt')
    .lean();
  return new Map(
    people.map((p) => [
      String(p._id),
      { id: String(p._id), name: p.name, lastLoginAt: p.lastLoginAt ?? undefined },
    ]),
  );
}
