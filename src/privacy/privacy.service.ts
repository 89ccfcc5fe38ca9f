// The privacy notice (UU 27/2022): whether a person has confirmed reading it, and the confirmation.
// No req/res here.
import type { Actor } from '../core/actor';
import { credentials } from '../users';

export const PRIVACY_PATH = '/privasi';
export const PRIVACY_ACKNOWLEDGE_PATH = '/privasi/setuju';

/** Whether the person has confirmed reading the privacy notice (shown at first sign-in). */
export async function hasAcknowledged(actor: Pick<Actor, 'id'>): Promise<boolean> {
  return !!(await credentials.privacyAcknowledgedAt(actor.id));
}

/** Stores the first confirmation; a later one never moves the date. */
export async function acknowledge(actor: Pick<Actor, 'id'>, now: Date): Promise<void> {
  await credentials.acknowledgePrivacy(actor.id, now);
}

/** The notice's URL with where to go once it is confirmed. */
export function noticeUrl(returnTo: string): string {
  return `${PRIVACY_PATH}?${new URLSearchParams({ returnTo }).toString()}`;
}
