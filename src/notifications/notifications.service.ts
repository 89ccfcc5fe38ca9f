// The seam through which the learning feature tells people about their learning by mail:
// notify(config, personId, kind, data) for assigned / due in 7 days / overdue / completed /
// certificate ready, and weeklyDigest(...) for the HR of an OPD (assignments overdue in their scope).
// Each kind can be turned off by the person; each notice is sent once per person, kind and occasion
// (`occasion`, e.g. the enrolment's id), however often the caller asks.
import type { Types } from 'mongoose';
import type { Config } from '../config';
import type { Actor } from '../core/actor';
import { mail, type MessageData } from '../mail';
import { contactOf } from '../users';
import { NotificationPreference, NOTICE_KINDS, type NoticeKind } from './notification-preference.model';

export { NOTICE_KINDS, type NoticeKind };
export type LearnerNoticeKind = Exclude<NoticeKind, 'hrDigest'>;
export type NotifyConfig = Pick<Config, 'baseUrl' | 'mail'>;

/** Why a notice was not queued, or that it was. */
export type NotifyOutcome = 'queued' | 'duplicate' | 'turnedOff' | 'noAddress';

export async function turnedOffKinds(personId: string): Promise<NoticeKind[]> {
  const prefs = await NotificationPreference.findById(personId, { off: 1 })
    .lean()
    .catch(() => null);
  return (prefs?.off ?? []) as NoticeKind[];
}

async function deliver(
  config: NotifyConfig,
  personId: string,
  kind: NoticeKind,
  data: unknown,
  options: { now: Date; occasion: string },
): Promise<NotifyOutcome> {
  if ((await turnedOffKinds(personId)).includes(kind)) return 'turnedOff';
  const person = await contactOf(personId);
  if (!person?.email || !person.isActive) return 'noAddress';
  const id = await mail.enqueue(
    config,
    { personId, email: person.email, name: person.name, language: person.language },
    kind,
    data,
    { now: options.now, dedupeKey: `${kind}:${personId}:${options.occasion}` },
  );
  return id ? 'queued' : 'duplicate';
}

/**
 * Tells a learner about their learning. `occasion` names what the notice is about (an enrolment id,
 * a certificate id): the same person, kind and occasion are mailed once.
 */
export function notify<K extends LearnerNoticeKind>(
  config: NotifyConfig,
  personId: string | Types.ObjectId,
  kind: K,
  data: MessageData<K>,
  options: { now: Date; occasion: string },
): Promise<NotifyOutcome> {
  return deliver(config, String(personId), kind, data, options);
}

/** ISO week of a date, e.g. "2026-W49": the digest's occasion, so HR get one digest a week. */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * The weekly digest for one HR person: the assignments overdue in their scope (names and courses,
 * never NIPs or scores). Sent once per person and week; nothing is sent when none are overdue.
 */
export async function weeklyDigest(
  config: NotifyConfig,
  hrPersonId: string | Types.ObjectId,
  data: MessageData<'hrDigest'>,
  now: Date,
): Promise<NotifyOutcome | 'nothingOverdue'> {
  if (data.total === 0) return 'nothingOverdue';
  return deliver(config, String(hrPersonId), 'hrDigest', data, { now, occasion: isoWeek(now) });
}

/** The kinds this person may choose from: the digest only for HR. */
export function kindsFor(actor: Actor): NoticeKind[] {
  return NOTICE_KINDS.filter((k) => k !== 'hrDigest' || actor.roles.includes('hr'));
}

/** Saves the person's choice: the kinds offered to them and not ticked are turned off. */
export async function savePreferences(actor: Actor, on: NoticeKind[], now: Date): Promise<void> {
  const offered = kindsFor(actor);
  const kept = (await turnedOffKinds(actor.id)).filter((k) => !offered.includes(k));
  const off = [...kept, ...offered.filter((k) => !on.includes(k))];
  await NotificationPreference.updateOne(
    { _id: actor.id },
    { $set: { off, updatedAt: now } },
    { upsert: true },
  );
}
