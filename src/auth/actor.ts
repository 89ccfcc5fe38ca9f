// Builds the Actor (src/core/actor.ts) of a signed-in person from their stored record.
import type { Types } from 'mongoose';
import type { Actor } from '../core/actor';
import type { Language, Role } from '../core/roles';

/** The fields of a person's record an Actor is built from. */
export interface ActorSource {
  _id: Types.ObjectId | string;
  name: string;
  roles?: Role[] | null;
  opd?: Types.ObjectId | string | null;
  institution?: Types.ObjectId | string | null;
  language?: Language | null;
}

/** `isOpdCityWide`: the person's OPD carries the admin-set city-wide HR flag (isCityWideHrOpd). */
export function toActor(user: ActorSource, isOpdCityWide = false): Actor {
  const roles = [...(user.roles ?? [])];
  return {
    id: String(user._id),
    name: user.name,
    roles,
    opdId: user.opd ? String(user.opd) : undefined,
    institutionId: user.institution ? String(user.institution) : undefined,
    seesAllOpds: roles.includes('hr') && isOpdCityWide,
    language: user.language === 'en' ? 'en' : 'id',
  };
}
