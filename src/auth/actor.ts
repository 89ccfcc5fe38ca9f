// The signed-in person as the rest of the app sees them: services take an Actor, never a request.
import type { Types } from 'mongoose';
import { BKPSDM_CODE } from '../institutions/institution.model';
import type { Language, Role } from '../users/user.model';

export interface Actor {
  id: string;
  name: string;
  roles: Role[];
  /** The person's OPD (agency), when they have one. */
  opdId?: string;
  /** The partner university of an author, when they have one. */
  institutionId?: string;
  /** True for HR staff of BKPSDM, who see the people of every OPD. */
  seesAllOpds: boolean;
  language: Language;
}

/** The fields of a User an Actor is built from (read lean with `ACTOR_FIELDS`). */
export interface ActorSource {
  _id: Types.ObjectId | string;
  name: string;
  roles?: Role[] | null;
  opd?: Types.ObjectId | string | null;
  institution?: Types.ObjectId | string | null;
  language?: Language | null;
}

export function toActor(user: ActorSource, opdCode?: string | null): Actor {
  const roles = [...(user.roles ?? [])];
  return {
    id: String(user._id),
    name: user.name,
    roles,
    opdId: user.opd ? String(user.opd) : undefined,
    institutionId: user.institution ? String(user.institution) : undefined,
    seesAllOpds: roles.includes('hr') && opdCode === BKPSDM_CODE,
    language: user.language === 'en' ? 'en' : 'id',
  };
}

export function hasRole(actor: Actor | undefined, ...roles: Role[]): boolean {
  return !!actor && roles.some((r) => actor.roles.includes(r));
}
