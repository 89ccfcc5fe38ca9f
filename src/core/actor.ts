// The signed-in person as the rest of the app sees them: services take an Actor, never a request.
// Built by src/auth on every request (toActor); read by every feature and by the web plumbing.
import type { Language, Role } from './roles';

export interface Actor {
  id: string;
  name: string;
  roles: Role[];
  /** The person's OPD (agency), when they have one. */
  opdId?: string;
  /** The partner university of an author, when they have one. */
  institutionId?: string;
  /** True for HR staff of an OPD an admin marked city-wide (BKPSDM): they see every OPD's people. */
  seesAllOpds: boolean;
  language: Language;
}

export function hasRole(actor: Actor | undefined, ...roles: Role[]): boolean {
  return !!actor && roles.some((r) => actor.roles.includes(r));
}
