// The public survey: a citizen's answers to a unit, counted against the per-address and per-unit
// limits, dropped silently when the honeypot is filled, stored without anything that names the
// person (a contact only with a suggestion that asks for an answer).
import type { Types } from 'mongoose';
import { SurveyResponse } from './survey-response.model';
import { Feedback } from './feedback.model';
import { SurveyCounter } from './survey-counter.model';
import type { PublicUnit } from './units.service';
import type { SurveyInput } from './evaluation.schemas';

export interface SurveyLimits {
  /** Posts per hour from one address, to any unit. */
  perAddressPerHour: number;
  /** Posts per hour to one unit, from every address together. */
  perUnitPerHour: number;
}

const HOUR = 3_600_000;

/** Counts one event in the fixed hour of `now` for this key; returns the hour's count so far. */
async function countInHour(key: string, now: Date): Promise<number> {
  const hour = Math.floor(now.getTime() / HOUR);
  const doc = await SurveyCounter.findOneAndUpdate(
    { _id: `${key}:${hour}` },
    { $inc: { count: 1 }, $setOnInsert: { expiresAt: new Date((hour + 2) * HOUR) } },
    { upsert: true, new: true, lean: true },
  );
  return doc?.count ?? Number.MAX_SAFE_INTEGER;
}

/**
 * Counts one post from this address to this unit; false when either limit of the hour is passed.
 * Every post counts, answered or refused, so a flood cannot probe its way under the limit. One
 * atomic upsert per counter: the survey's posts are the app's busiest write.
 */
export async function withinLimits(
  unitId: Types.ObjectId,
  address: string,
  limits: SurveyLimits,
  now: Date,
): Promise<boolean> {
  const [byAddress, byUnit] = await Promise.all([
    countInHour(`ip:${address}`, now),
    countInHour(`unit:${String(unitId)}`, now),
  ]);
  return byAddress <= limits.perAddressPerHour && byUnit <= limits.perUnitPerHour;
}

/** Whether a bot filled the field people never see. */
export function isHoneypotFilled(input: Pick<SurveyInput, 'website'>): boolean {
  return !!input.website && input.website.trim() !== '';
}

/** Stores one response (and its suggestion or complaint, when written). */
export async function recordResponse(unit: PublicUnit, input: SurveyInput, now: Date): Promise<void> {
  const answers = unit.elements.map((e) => ({ key: e.key, score: input[e.key] as number }));
  await SurveyResponse.create({
    unit: unit._id,
    opd: unit.opd,
    submittedAt: now,
    answers,
    profile: {
      ageBand: input.ageBand,
      sex: input.sex,
      education: input.education,
      occupation: input.occupation,
    },
  });
  if (!input.feedback) return;
  await Feedback.create({
    unit: unit._id,
    opd: unit.opd,
    kind: input.feedbackKind ?? 'saran',
    text: input.feedback,
    contact: input.wantsReply
      ? { name: input.contactName?.trim() ?? '', reach: input.contactReach?.trim() ?? '' }
      : undefined,
    receivedAt: now,
  });
}
