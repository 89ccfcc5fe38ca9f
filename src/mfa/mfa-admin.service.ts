// An admin's side of the second factor: see whether a person has it, and reset it when they lost
// their authenticator and recovery codes. A reset is audited and ends the person's sessions, so
// they sign in again and (when it is required of them) enrol a new authenticator.
import type { Actor } from '../core/actor';
import { audit, type AuditContext } from '../audit';
import { credentials } from '../users';
import { Forbidden, NotFound } from '../web/errors';

export interface PersonMfa {
  id: string;
  name: string;
  isEnabled: boolean;
  recoveryCodesLeft: number;
}

function ensureAdmin(actor: Actor): void {
  if (!actor.roles.includes('admin')) throw new Forbidden();
}

export async function mfaOfPerson(actor: Actor, personId: string): Promise<PersonMfa> {
  ensureAdmin(actor);
  const person = await credentials.mfaOf(personId);
  if (!person) throw new NotFound('person');
  return {
    id: personId,
    name: person.name,
    isEnabled: person.isEnabled,
    recoveryCodesLeft: person.recoveryCodeHashes.length,
  };
}

/** Removes the person's second factor (secret, recovery codes, pending enrolment) and ends their sessions. */
export async function resetMfa(
  actor: Actor,
  personId: string,
  context: AuditContext = {},
): Promise<PersonMfa> {
  const before = await mfaOfPerson(actor, personId);
  await credentials.removeMfa(before.id, { endSessions: true });
  await audit.record(
    actor,
    {
      action: 'user.mfa.reset',
      targetType: 'user',
      targetId: before.id,
      targetLabel: before.name,
      before: { enabled: before.isEnabled, recoveryCodesLeft: before.recoveryCodesLeft },
      after: { enabled: false, recoveryCodesLeft: 0 },
    },
    context,
  );
  return { ...before, isEnabled: false, recoveryCodesLeft: 0 };
}
